"""``python manage.py kakaosync_audience [--channel] [--format csv|txt] [-o FILE]``."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from kakaosync import audience


class Command(BaseCommand):
    help = "Export the Kakao ad audience (Kakao Sync customers who consented to marketing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--channel", action="store_true", help="only those who added the channel"
        )
        parser.add_argument("--format", choices=["csv", "txt"], default="csv")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--count", action="store_true", help="print the counts only")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"]:
            for key, value in audience.counts().items():
                self.stdout.write(f"{key}: {value}")
            return
        members = audience.audience("channel" if options["channel"] else "moment").iterator()
        lines = audience.render(members, options["format"])
        if options["output"]:
            written = 0
            with open(options["output"], "w", encoding="utf-8", newline="") as fh:
                for line in lines:
                    fh.write(line)
                    written += 1
            rows = written - (1 if options["format"] == "csv" else 0)
            self.stderr.write(f"{rows} customers written to {options['output']}")
        else:
            for line in lines:
                sys.stdout.write(line)
