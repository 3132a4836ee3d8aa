"""Sandboxes for development and tests, each a real HTTP server on loopback."""

from __future__ import annotations

from socketserver import BaseServer


def serve_until_interrupted(server: BaseServer) -> None:
    """Serve in this thread until Ctrl-C (or SIGTERM turned into an exit), then close."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
