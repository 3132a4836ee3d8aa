"""Integrations of the store with host shops (each an optional app)."""
