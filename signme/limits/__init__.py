"""Counters that every app process shares, for rate limits and login throttling."""
