"""``storeconfig export [--with-secrets]`` / ``storeconfig import FILE``."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from store.config import ConfigError, export_config, import_config


class Command(BaseCommand):
    help = "Export the whole store configuration as JSON, or import one (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="print the configuration as one JSON object")
        export.add_argument(
            "--with-secrets",
            action="store_true",
            help="include decrypted secrets (client secrets, admin keys, webhook secrets)",
        )
        imp = sub.add_parser("import", help="apply a configuration file ('-' for stdin)")
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            data = export_config(with_secrets=options["with_secrets"])
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
            return
        path = options["file"]
        try:
            if path == "-":
                raw = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as fh:
                    raw = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
            ) from exc
        except RecursionError:
            raise CommandError(
                f"{path}: the JSON is nested too deeply; nothing was changed"
            ) from None
        try:
            import_config(data)
        except RecursionError:
            raise CommandError(
                f"{path}: the JSON is nested too deeply; nothing was changed"
            ) from None
        except ConfigError as exc:
            raise CommandError(f"nothing was changed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS("Configuration applied."))
