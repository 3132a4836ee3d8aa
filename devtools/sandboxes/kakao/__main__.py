"""``python -m devtools.sandboxes.kakao --host H --port P``: serve the Kakao sandbox.

``python -m devtools.sandboxes.kakao send-unlink --user-id 1001`` sends Kakao's unlink
webhook to the shop (with the admin key) the way Kakao does when a user leaves the app.
``python -m devtools.sandboxes.kakao send-event --user-id 1001 --event sessions-revoked``
asks the running sandbox (``--sandbox-url``) to push a security event signed with its key.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from devtools.sandboxes import serve_until_interrupted

from .server import KakaoSandboxServer, send_webhook
from .state import EVENT_TYPES, REFERRER_TYPES, SandboxConfig


def _config(args: argparse.Namespace) -> SandboxConfig:
    terms = {}
    for item in args.term or []:
        tag, _, kind = item.partition(":")
        terms[tag] = kind != "optional"
    config = SandboxConfig(
        app_id=args.app_id,
        rest_api_key=args.rest_api_key,
        client_secret=args.client_secret,
        native_app_key=args.native_app_key,
        admin_key=args.admin_key,
        shop_url=args.shop_url,
        latency_ms=args.latency_ms,
    )
    if terms:
        config.service_terms = terms
    return config


def main(argv: list[str] | None = None) -> int:
    defaults = SandboxConfig()
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m devtools.sandboxes.kakao", description=__doc__)
    parser.add_argument(
        "--app-id", type=int, default=int(env("KAKAO_SANDBOX_APP_ID", "0") or 0) or defaults.app_id
    )
    parser.add_argument(
        "--rest-api-key", default=env("KAKAO_SANDBOX_REST_API_KEY", defaults.rest_api_key)
    )
    parser.add_argument("--client-secret", default=env("KAKAO_SANDBOX_CLIENT_SECRET", ""))
    parser.add_argument(
        "--native-app-key", default=env("KAKAO_SANDBOX_NATIVE_APP_KEY", defaults.native_app_key)
    )
    parser.add_argument("--admin-key", default=env("KAKAO_SANDBOX_ADMIN_KEY", defaults.admin_key))
    parser.add_argument("--latency-ms", type=int, default=0, help="delay before API answers")
    parser.add_argument("--shop-url", default=env("DEMO_SHOP_URL", defaults.shop_url))
    parser.add_argument(
        "--term",
        action="append",
        metavar="TAG[:optional]",
        help="a service term of the app (repeat); required unless ':optional'",
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the sandbox (the default)")
    for p in (parser, serve):
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8100)
    send = sub.add_parser("send-unlink", help="send the unlink webhook to the shop")
    send.add_argument("--user-id", required=True, type=int)
    send.add_argument("--referrer-type", default="UNLINK_FROM_APPS", choices=REFERRER_TYPES)
    send.add_argument("--method", default="POST", choices=["GET", "POST"])
    send.add_argument("--group-user-token", default="", help="as Kakao sends for app groups")
    event = sub.add_parser("send-event", help="have the running sandbox push a security event")
    event.add_argument("--user-id", required=True, type=int)
    event.add_argument("--event", required=True, choices=sorted(EVENT_TYPES))
    event.add_argument("--scopes", default="", help="scopes / term tags (consent events)")
    event.add_argument(
        "--sandbox-url", default=env("KAKAOSYNC_AUTH_BASE_URL", "http://127.0.0.1:8100")
    )
    args = parser.parse_args(argv)
    config = _config(args)

    if args.command == "send-unlink":
        params = {
            "app_id": str(config.app_id),
            "user_id": str(args.user_id),
            "referrer_type": args.referrer_type,
        }
        if args.group_user_token:
            params["group_user_token"] = args.group_user_token
        status, text = send_webhook(
            config.shop_url.rstrip("/") + config.unlink_webhook_path,
            admin_key=config.admin_key,
            params=params,
            method=args.method,
        )
        print(f"{status} {text[:200]}")
        return 0 if status == 200 else 1

    if args.command == "send-event":
        # The running sandbox signs it: only its key is in the JWKS the shop trusts.
        import json
        import urllib.parse
        import urllib.request

        data = urllib.parse.urlencode(
            {"user_id": str(args.user_id), "event": args.event, "scopes": args.scopes}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - a local development URL
            args.sandbox_url.rstrip("/") + "/sandbox/events",
            data=data,
            headers={"Accept": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310
            status = json.loads(resp.read())["status"]
        print(f"shop answered {status}")
        return 0 if status == 202 else 1

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = KakaoSandboxServer((args.host, args.port), config)
    print(f"Kakao sandbox on {server.base_url}/ (app {config.app_id})", flush=True)
    serve_until_interrupted(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
