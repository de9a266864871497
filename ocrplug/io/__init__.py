"""Input/output helpers: atomic file writes and input discovery."""
