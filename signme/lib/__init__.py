"""Helpers with no domain logic: HTTP, tokens, email and phone forms,
postcodes, QR codes, fonts, fast inserts, periodic jobs."""
