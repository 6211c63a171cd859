"""Table-driven rules about text that is not the document: site chrome, editorial framing.

Shared by the single-copy checks (:mod:`docwitness.inspect`) and collation
(:mod:`docwitness.findings`), so a line judged boilerplate in one is judged
boilerplate in the other.
"""

from __future__ import annotations

import re

# (rule name, pattern over canonical text). The first that matches names the rule.
BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cut-off-marker", re.compile(r"预览已结束|阅读全文|展开全文|点击查看全文|未完待续")),
    ("link-back", re.compile(r"^(?:\S*https?://\S+)$")),
    ("date-line", re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$")),
    ("editorial", re.compile(r"^(?:责任编辑|来源|编辑|稿源|原标题)[:：]|^\(完\)$|^\(全文\)$")),
)


def boilerplate_rule(text: str) -> str | None:
    """The name of the boilerplate rule ``text`` (canonical) matches, or None."""
    for name, pattern in BOILERPLATE:
        if pattern.search(text):
            return name
    return None
