"""``python -m devtools.sandboxes.providers --host 127.0.0.1 --port 9100``"""

from __future__ import annotations

import argparse

from devtools.sandboxes import serve_until_interrupted

from .server import SandboxServer


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Kakao/Naver/Google/Facebook/Apple/LINE")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    server = SandboxServer(args.host, args.port, verbose=not args.quiet)
    print(f"sociallogin sandbox on {server.base_url} (SOCIALLOGIN_SANDBOX_URL)", flush=True)
    serve_until_interrupted(server)


if __name__ == "__main__":
    main()
