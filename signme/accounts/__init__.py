"""Staff sign-in: throttled passwords and an optional second factor."""
