"""The coordinator's overview and each role's home page."""
