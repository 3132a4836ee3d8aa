"""Sandboxes for development and tests, each a real HTTP server on loopback."""
