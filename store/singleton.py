"""Settings read on every request, loaded once per process and version, saved rarely.

Every app's settings (store, social login providers, Kakao Sync, the user database, JWT
keys) follow one scheme: the shared cache holds only a version key; each process keeps
what it built from the database under that version and rebuilds when the version changes.
Saving bumps the version at once and again on commit (a worker reading between the two
would otherwise keep the old row), so a change reaches every worker without a restart,
and decrypted secrets never leave the process.

Within one request every version key is read at once, with one ``get_many`` at the first
read, and kept for the rest of that request (``request_started`` / ``request_finished``):
a request that reads the settings of four apps several times asks the shared cache once.
Outside a request (commands, threads, tests calling code directly) each read asks again.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ClassVar, Generic, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, models, transaction

T = TypeVar("T")
S = TypeVar("S", bound="SingletonModel")


# Every version key, so that a request reads them all in one round trip.
_registry: dict[str, VersionedCache[Any]] = {}
# The versions this request has read; None outside a request.
_request_versions: ContextVar[dict[str, str] | None] = ContextVar(
    "store_settings_versions", default=None
)


def begin_request(**kwargs: Any) -> None:
    """``request_started``: this request reads the versions afresh, once."""
    _request_versions.set({})


def end_request(**kwargs: Any) -> None:
    """``request_finished``: later reads in this thread ask the cache again."""
    _request_versions.set(None)


def _read_all(versions: dict[str, str]) -> None:
    found = cache.get_many(list(_registry))
    for key, versioned in _registry.items():
        value = found.get(key)
        versions[key] = str(value) if value is not None else versioned._create_version()


class VersionedCache(Generic[T]):
    """``build()``'s result, kept per process while the version key on the cache is unchanged."""

    def __init__(self, key: str, build: Callable[[], T], timeout: Callable[[], int]) -> None:
        self.key = key
        self._build = build
        self._timeout = timeout
        self._loaded: tuple[str, T] | None = None
        _registry[key] = self

    def version(self) -> str:
        versions = _request_versions.get()
        if versions is None:
            version = cache.get(self.key)
            return str(version) if version is not None else self._create_version()
        if self.key not in versions:
            _read_all(versions)
        return versions[self.key]

    def _create_version(self) -> str:
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
        version = uuid.uuid4().hex
        cache.set(self.key, version, self._timeout())
        versions = _request_versions.get()
        if versions is not None:  # the saving request reads its own save
            versions[self.key] = version


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
