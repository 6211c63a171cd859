"""Regular expressions compiled when first used, not when their module is imported.

Python compiles a character class of CJK ranges ("[\\u4e00-\\u9fff]") by setting one
bit per code point in a Python loop: about a millisecond for each such class, at
every start. The rule tables (:mod:`docwitness.rules`) hold dozens; a command
compiles only those a text reaches. After the first use a :class:`LazyPattern`'s
methods are the compiled pattern's own, so matching costs what it costs with
:func:`re.compile`.

A pattern may carry ``hints``: strings one of which every match holds (the rows
of site text name their words). Until it is compiled, a text holding none of them
is answered without compiling it: most paragraphs never make an expensive row
compile. ``tests/test_startup.py`` checks every hint against strings made to
match its pattern.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = ["LazyPattern", "lazy"]

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "split")


class LazyPattern:
    """A pattern of :mod:`re` compiled on first use; it reads like a compiled one."""

    groupindex: Mapping[str, int]  # the compiled pattern's, filled in on first use

    def __init__(self, pattern: str, flags: int = 0, hints: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        self.flags = flags
        self.hints = hints

    def _cannot_match(self, string: str) -> bool:
        return bool(self.hints) and not any(h in string for h in self.hints)

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern; its methods then stand in for this object's."""
        p = re.compile(self.pattern, self.flags)
        for name in _METHODS:
            self.__dict__[name] = getattr(p, name)
        self.__dict__["groupindex"] = p.groupindex
        self.__dict__["compiled"] = lambda: p
        return p

    def __getattr__(self, name: str) -> Any:
        if name == "groupindex":
            return self.compiled().groupindex
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self.flags!r})"

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int, tuple[str, ...]]]:
        # Pickled (to a worker process) as its source, compiled again there on first use.
        return (LazyPattern, (self.pattern, self.flags, self.hints))

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._cannot_match(string):
            return None
        return self.compiled().search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._cannot_match(string):
            return None
        return self.compiled().match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        if self._cannot_match(string):
            return None
        return self.compiled().fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        if self._cannot_match(string):
            return iter(())
        return self.compiled().finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        if self._cannot_match(string):
            return []
        return self.compiled().findall(string, pos, endpos)

    def sub(
        self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
    ) -> str:
        if self._cannot_match(string):
            return string
        return self.compiled().sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        if self._cannot_match(string):
            return [string]
        return self.compiled().split(string, maxsplit)


def lazy(pattern: str, flags: int = 0, hints: tuple[str, ...] = ()) -> LazyPattern:
    """A pattern compiled on first use (:class:`LazyPattern`); every match of it holds
    one of ``hints``, when given."""
    return LazyPattern(pattern, flags, hints)
