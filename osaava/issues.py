"""Data-quality issues: what is wrong with a batch, where, and what HR should do about it.

An issue never carries a henkilötunnus: examples are masked before they get here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["critical", "warning"]

# DDMMYY, century sign, individual number, check character (DOMAIN §2, DVV).
HETU_RE = re.compile(
    r"(?<![0-9A-Za-z])(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])([0-9]{2})([-+ABCDEFYXWVU])"
    r"([0-9]{3})([0-9A-Ya-y])(?![0-9A-Za-z])"
)
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a value shaped like a henkilötunnus with a valid check character."""
    spans = []
    for m in HETU_RE.finditer(text):
        dd, mm, yy, _sign, nnn, check = m.groups()
        if _CHECK[int(dd + mm + yy + nnn) % 31] == check.upper():
            spans.append(m.span())
    return spans


def has_hetu(text: str) -> bool:
    return bool(hetu_spans(text))


def mask_hetu(text: str) -> str:
    """The text with every henkilötunnus replaced by a mask of the same length."""
    spans = hetu_spans(text)
    if not spans:
        return text
    out, last = [], 0
    for a, b in spans:
        out.append(text[last:a])
        out.append("█" * (b - a))
        last = b
    out.append(text[last:])
    return "".join(out)


@dataclass
class Issue:
    severity: Severity
    code: str
    file: str
    message: str
    advice: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int = 1
    examples: list[str] = field(default_factory=list)

    def line(self, max_rows: int = 5) -> str:
        """One readable line: file, row, column, what is wrong, what to do."""
        where = [self.file]
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:max_rows])
            more = f" (+{self.count - min(len(self.rows), max_rows)} more)" if self.count > max_rows else ""
            where.append(("row " if len(self.rows) == 1 else "rows ") + shown + more)
        if self.column:
            where.append(f"column {self.column}")
        ex = ""
        if self.examples:
            ex = " (e.g. " + ", ".join(repr(mask_hetu(e)) for e in self.examples[:3]) + ")"
        return f"{', '.join(where)}: {self.message}{ex}. {self.advice}".strip()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["examples"] = [mask_hetu(e) for e in self.examples]
        return d


def critical(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "critical"]
