"""Re-encrypt every stored secret under the first key of ``STORE_SECRETS_KEY``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from store import crypto
from store.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt all secrets at rest with the first key of STORE_SECRETS_KEY."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        qn = connection.ops.quote_name
        for model in apps.get_models():
            columns = [
                str(f.column)
                for f in model._meta.concrete_fields
                if isinstance(f, EncryptedTextField)
            ]
            if not columns:
                continue
            table, pk = qn(model._meta.db_table), qn(str(model._meta.pk.column))
            # Raw SQL on purpose: the ORM would decrypt on read and encrypt again on write.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {', '.join(qn(c) for c in columns)} FROM {table}"  # noqa: S608
                )
                rows = cursor.fetchall()
                for pk_value, *tokens in rows:
                    for column, token in zip(columns, tokens, strict=True):
                        if not token:
                            continue
                        cursor.execute(
                            f"UPDATE {table} SET {qn(column)} = %s WHERE {pk} = %s",  # noqa: S608
                            [crypto.rotate(token), pk_value],
                        )
                        total += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} secret(s)."))
