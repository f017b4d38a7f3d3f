"""PDF rendering (pure: data in, PDF bytes out)."""
