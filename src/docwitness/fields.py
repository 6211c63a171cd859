"""Typed reading of a JSON object into a record, saying exactly where a value is wrong.

:class:`Fields` wraps one decoded JSON object; each getter checks a key's
presence and type and returns the value, or raises
:class:`~docwitness.errors.StoreCorrupt` carrying one ``invalid``
:class:`~docwitness.errors.StoreProblem` that names the file (or line), the
key path, what was expected and what was found. The record types' ``from_json``
classmethods are built on it, so a hand-edited or damaged history line or
record is a store problem, never a ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from docwitness.errors import StoreCorrupt, StoreProblem

T = TypeVar("T")

_MISSING = object()


def invalid(where: str, expected: str, found: object) -> StoreCorrupt:
    """The error for one value that is not what a record needs."""
    shown = "no such key" if found is _MISSING else _shown(found)
    return StoreCorrupt([StoreProblem(where, "invalid", expected, shown)])


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_digest(value: object) -> bool:
    """Whether ``value`` is written as docwitness writes digests, ``sha256:<64 hex>``."""
    if not isinstance(value, str) or not value.startswith("sha256:"):
        return False
    hexpart = value[7:]
    return len(hexpart) == 64 and all(c in "0123456789abcdef" for c in hexpart)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_int(value) or isinstance(value, float)


class Fields:
    """One JSON object being read; ``where`` names it in any problem reported."""

    __slots__ = ("obj", "where")

    def __init__(self, obj: object, where: str) -> None:
        if not isinstance(obj, dict):
            raise invalid(where, "a JSON object", obj)
        self.obj: dict[str, Any] = obj
        self.where = where

    def _at(self, key: str) -> str:
        return f"{self.where} {key}" if self.where else key

    def has(self, key: str) -> bool:
        return key in self.obj

    def _get(self, key: str, ok: Callable[[object], bool], expected: str) -> Any:
        value = self.obj.get(key, _MISSING)
        if value is _MISSING or not ok(value):
            raise invalid(self._at(key), expected, value)
        return value

    def text(self, key: str) -> str:
        value: str = self._get(key, lambda v: isinstance(v, str), "a string")
        return value

    def digest(self, key: str) -> str:
        """A ``sha256:<hex>`` digest naming an object in the store."""
        value: str = self._get(key, is_digest, "a sha256 digest")
        return value

    def opt_digest(self, key: str) -> str | None:
        value: str | None = self._get(
            key, lambda v: v is None or is_digest(v), "a sha256 digest or null"
        )
        return value

    def digests(self, key: str) -> tuple[str, ...]:
        value: list[str] = self._get(
            key,
            lambda v: isinstance(v, list) and all(is_digest(x) for x in v),
            "a list of sha256 digests",
        )
        return tuple(value)

    def opt_text(self, key: str) -> str | None:
        value: str | None = self._get(
            key, lambda v: v is None or isinstance(v, str), "a string or null"
        )
        return value

    def integer(self, key: str) -> int:
        value: int = self._get(key, _is_int, "an integer")
        return value

    def opt_integer(self, key: str) -> int | None:
        value: int | None = self._get(key, lambda v: v is None or _is_int(v), "an integer or null")
        return value

    def number(self, key: str) -> float:
        value: float = self._get(key, _is_number, "a number")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value: list[str] = self._get(
            key,
            lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
            "a list of strings",
        )
        return tuple(value)

    def text_map(self, key: str) -> dict[str, str]:
        value: dict[str, str] = self._get(
            key,
            lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
            "an object of strings",
        )
        return dict(value)

    def opt_text_map(self, key: str) -> dict[str, str | None]:
        value: dict[str, str | None] = self._get(
            key,
            lambda v: (
                isinstance(v, dict) and all(x is None or isinstance(x, str) for x in v.values())
            ),
            "an object of strings or nulls",
        )
        return dict(value)

    def objects(self, key: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
        """A list of objects, each read by ``read(obj, where)``."""
        items: list[object] = self._get(key, lambda v: isinstance(v, list), "a list")
        return tuple(read(item, f"{self._at(key)}[{i}]") for i, item in enumerate(items))

    def one(self, key: str, read: Callable[[object, str], T]) -> T:
        """A nested object, read by ``read(obj, where)``."""
        if key not in self.obj:
            raise invalid(self._at(key), "an object", _MISSING)
        return read(self.obj[key], self._at(key))

    def opt_one(self, key: str, read: Callable[[object, str], T]) -> T | None:
        """A nested object that may be absent or null."""
        value = self.obj.get(key)
        return None if value is None else read(value, self._at(key))
