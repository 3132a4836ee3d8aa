"""``python -m devtools.sandboxes.partner --host H --port P [--secret S]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Example partner server for custom storage.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--secret",
        default=os.environ.get("KEYMAP_DEMO_PARTNER_SECRET", "demo-partner-secret"),
        help="signing secret shared with the shop (env KEYMAP_DEMO_PARTNER_SECRET)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(args.secret, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
