#!/usr/bin/env python
"""Linked-login lookup on PostgreSQL at 10^4 and 10^6 customers (target: time ratio ≤ 1.3).

Measures what every linked login does first: find the one customer linked to a
``server_custom_id`` (``keymap.partner_links.linked_user``, inside a transaction). The table is
filled with ``generate_series`` (about a minute for 10^6 on a small machine); ``--large``
picks another size. Starts its own PostgreSQL with scripts/with_postgres.py unless
``DATABASE_URL`` already points at one.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=3_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        script = ROOT / "scripts" / "with_postgres.py"
        return subprocess.call([sys.executable, str(script), sys.executable, *sys.argv])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("STORE_SECRETS_KEY", "bench-only-secrets-key")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from keymap.models import PartnerLink
    from keymap.partner_links import linked_user

    call_command("migrate", verbosity=0)

    def fill(upto: int) -> None:
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM auth_user")
            have = cur.fetchone()[0]
            cur.execute(
                """
                INSERT INTO auth_user (id, password, is_superuser, username, first_name,
                    last_name, email, is_staff, is_active, date_joined)
                SELECT i, '!', false, 'u' || i, '', '', '', false, true, now()
                FROM generate_series(%s, %s) AS i
                """,
                [have + 1, upto],
            )
            cur.execute(
                """
                INSERT INTO keymap_partnerlink (user_id, server_custom_id, linked,
                    partner_data, source, created_at, updated_at)
                SELECT i, 'p' || i, true, '{}'::jsonb, 'user_validation', now(), now()
                FROM generate_series(%s, %s) AS i
                """,
                [have + 1, upto],
            )
            cur.execute("SELECT setval('auth_user_id_seq', %s)", [upto])
            cur.execute("ANALYZE auth_user; ANALYZE keymap_partnerlink")
        print(f"  table filled to {upto:,} customers in {time.perf_counter() - start:.1f} s")

    def never() -> object:
        raise AssertionError("every looked-up ID exists")

    def plain_orm(custom_id: str, *, create: object) -> tuple[object, object]:
        # Baseline: the same lookup built and compiled by the ORM on every call.
        (link,) = PartnerLink.objects.select_related("user", "user__customer").filter(
            server_custom_id=custom_id, linked=True
        )[:1]
        return link.user, link

    def measure(size: int, lookup: Any = linked_user) -> float:
        rng = random.Random(size)
        ids = [f"p{rng.randint(1, size)}" for _ in range(args.lookups)]
        for custom_id in ids[:200]:  # warm the connection and caches
            with transaction.atomic():
                lookup(custom_id, create=never)
        samples = []
        for custom_id in ids:
            started = time.perf_counter()
            with transaction.atomic():
                user, _link = lookup(custom_id, create=never)
            samples.append(time.perf_counter() - started)
            assert user.username == "u" + custom_id[1:]
        return statistics.median(samples)

    # Best of five medians per size: the machine is shared and noisy, and the lookup is now
    # fast enough (~0.5 ms) that a busy neighbour moves one median by half of that.
    fill(args.small)
    small = min(measure(args.small) for _ in range(5))
    orm = min(measure(args.small, plain_orm) for _ in range(5))
    fill(args.large)
    large = min(measure(args.large) for _ in range(5))
    print(f"lookup at {args.small:>9,} customers: {small * 1e3:.3f} ms (median of {args.lookups})")
    print(f"lookup at {args.large:>9,} customers: {large * 1e3:.3f} ms")
    print(f"time ratio large/small: {large / small:.2f}  (target <= 1.3)")
    print(
        f"plain ORM lookup at {args.small:,}: {orm * 1e3:.3f} ms; the prepared lookup saves "
        f"{(orm - small) * 1e3:.3f} ms per linked login"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
