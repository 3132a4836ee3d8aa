"""Settings read on every request, loaded once per process and version, saved rarely.

Every app's settings (store, social login providers, Kakao Sync, the user database, JWT
keys) follow one scheme: the shared cache holds only a version key; each process keeps
what it built from the database under that version and rebuilds when the version changes.
Saving bumps the version at once and again on commit (a worker reading between the two
would otherwise keep the old row), so a change reaches every worker without a restart,
and decrypted secrets never leave the process.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, models, transaction

T = TypeVar("T")
S = TypeVar("S", bound="SingletonModel")


class VersionedCache(Generic[T]):
    """``build()``'s result, kept per process while the version key on the cache is unchanged."""

    def __init__(self, key: str, build: Callable[[], T], timeout: Callable[[], int]) -> None:
        self.key = key
        self._build = build
        self._timeout = timeout
        self._loaded: tuple[str, T] | None = None

    def version(self) -> str:
        version = cache.get(self.key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(self.key, version, self._timeout()):
                version = cache.get(self.key) or version
        return str(version)

    def get(self) -> T:
        # The version is read before the database: a save in between bumps it again.
        version = self.version()
        loaded = self._loaded
        if loaded is not None and loaded[0] == version:
            return loaded[1]
        value = self._build()
        self._loaded = (version, value)
        return value

    def invalidate(self) -> None:
        """Every worker rebuilds on its next read, now and once the transaction commits."""
        self._bump()
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, self._timeout())


class SingletonModel(models.Model):
    """The one row (pk 1) of an app's settings; saving it invalidates ``settings_cache``.

    Subclasses set ``settings_cache`` to the :class:`VersionedCache` their readers use.
    """

    settings_cache: ClassVar[VersionedCache[Any]]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        type(self).settings_cache.invalidate()

    @classmethod
    def get_solo(cls: type[S]) -> S:
        """The row, created with its defaults if missing (admin, storeconfig, seeding)."""
        manager = cls._default_manager
        try:
            return manager.get(pk=1)
        except cls.DoesNotExist:
            pass
        obj = cls(pk=1)
        try:
            with transaction.atomic():
                # The defaults are what readers already see: no new version for them.
                models.Model.save(obj, force_insert=True)
        except IntegrityError:  # created meanwhile by another request
            return manager.get(pk=1)
        return obj


def private_copy(obj: S) -> S:
    """A copy a caller may change without changing what other requests read."""
    return copy.copy(obj)
