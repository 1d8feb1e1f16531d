"""Data-quality issues: what is wrong with a batch, where, and what HR should do about it.

An issue never carries a henkilötunnus: examples are masked before they get here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["critical", "warning"]

# DDMMYY, century sign, individual number, check character (DOMAIN §2, DVV). A value of this
# shape is treated as a henkilötunnus whatever its check character: a mistyped or deliberately
# altered one is still personal data (issue 13). Signs and check characters in either case.
HETU_RE = re.compile(
    r"(?<![0-9A-Za-z])(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])([0-9]{2})([-+A-FU-Ya-fu-y])"
    r"([0-9]{3})([0-9A-Za-z])(?![0-9A-Za-z])"
)
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def check_character(ddmmyy: str, nnn: str) -> str:
    """The check character DVV defines for these digits."""
    return _CHECK[int(ddmmyy + nnn) % 31]


def hetu_valid(text: str) -> bool:
    """Whether ``text`` is exactly one henkilötunnus with a correct check character."""
    m = HETU_RE.fullmatch(text)
    if not m:
        return False
    dd, mm, yy, _sign, nnn, check = m.groups()
    return check_character(dd + mm + yy, nnn) == check.upper()


def hetu_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a value shaped like a henkilötunnus (any check character)."""
    if not text:
        return []
    return [m.span() for m in HETU_RE.finditer(text)]


def has_hetu(text: str) -> bool:
    return bool(text) and HETU_RE.search(text) is not None


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
    # the values the Finnish and Swedish texts name (numbers, headers, allowed values), and
    # ``text``: which text of the code, when a code has several (``osaava/locale`` issue_texts)
    params: dict = field(default_factory=dict)

    def texts(self, lang: str | None = None) -> tuple[str, str]:
        """(what is wrong, what to do) in ``lang`` ("fi", "sv"); the English texts for
        ``lang=None`` or a text that has no translation (or lacks a value it needs)."""
        if lang is None:
            return self.message, self.advice
        from osaava.report.i18n import texts as locale_texts

        catalog = locale_texts(lang)["issue_texts"]["codes"]
        entry = catalog.get(str(self.params.get("text") or self.code))
        if not entry:
            return self.message, self.advice
        values = {"file": self.file, "column": self.column or "", "count": self.count,
                  **{k: v for k, v in self.params.items() if k != "text"}}
        try:
            return (entry["message"].format(**values).strip(),
                    entry.get("advice", "").format(**values).strip())
        except (KeyError, IndexError):
            return self.message, self.advice

    def line(self, max_rows: int = 5, lang: str | None = None) -> str:
        """One readable line: file, row, column, what is wrong, what to do; in English, or in
        Finnish or Swedish with ``lang``."""
        if lang is None:
            w = {"row": "row", "rows": "rows", "column": "column", "more": "(+{n} more)",
                 "examples": "e.g."}
        else:
            from osaava.report.i18n import texts as locale_texts

            w = locale_texts(lang)["issue_texts"]["where"]
        message, advice = self.texts(lang)
        where = [self.file]
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:max_rows])
            more = (" " + w["more"].format(n=self.count - min(len(self.rows), max_rows))
                    if self.count > max_rows else "")
            where.append((w["row"] if len(self.rows) == 1 else w["rows"]) + " " + shown + more)
        if self.column:
            where.append(f"{w['column']} {self.column}")
        ex = ""
        if self.examples:
            ex = f" ({w['examples']} " + ", ".join(repr(mask_hetu(e)) for e in self.examples[:3]) + ")"
        message = message.rstrip(".")
        return mask_hetu(f"{', '.join(where)}: {message}{ex}. {advice}".strip())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["examples"] = [mask_hetu(e) for e in self.examples]
        return d


def critical(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "critical"]
