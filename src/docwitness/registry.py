"""A small named registry with a decorator.

The first line of each registered class's docstring doubles as its user-facing
help, and an unknown name fails with the list of known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from docwitness.errors import UsageError

T = TypeVar("T")


class Registry(Generic[T]):
    """Named classes of one kind (formats, transports, report formats)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def decorate(cls: type[T]) -> type[T]:
            if name in self._items:
                raise ValueError(f"{self.what} {name!r} registered twice")
            self._items[name] = cls
            return cls

        return decorate

    def get(self, name: str) -> type[T]:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items))
            raise UsageError(f"unknown {self.what} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> Iterator[tuple[str, type[T]]]:
        return iter(sorted(self._items.items()))

    def help(self, name: str) -> str:
        doc = (self.get(name).__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""

    def __contains__(self, name: object) -> bool:
        return name in self._items
