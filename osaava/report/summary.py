"""The summary a committee member reads first (issue 14, item 1): the largest changes from
last year, named in words. Pure functions of the *public* document
(:func:`osaava.disclosure.disclose`): only cells shown this year and last year are compared,
with the published (rounded) numbers, so a sentence never says more than the tables.

:func:`largest_changes` is what the cover-note mail calls too.
"""

from __future__ import annotations

from osaava.disclosure import kind_of, rounded
from osaava.report.i18n import fmt, label, texts

# The figures compared: the targets that have a value per sector, and the other shares the
# committee follows. The equity gap is compared in the target cards (same dimension).
CHANGE_FIGURES = ("share_trained_pct", "discussion_coverage_pct", "training_days_per_htv",
                  "needs_fulfilment_pct", "supervisor_compliance_pct",
                  "application_compliance_pct", "budget_use_pct")


def _scale(doc: dict, key: str) -> float:
    """What a change is measured against, so that days and percentages compare: percentage
    points out of 100, training days per htv as a share of their target."""
    if kind_of(key) == "pct":
        return 100.0
    target = next((x["target"] for x in doc.get("targets", []) if x["key"] == key), None)
    return float(target) if target else 1.0


def changes(public: dict) -> list[dict]:
    """Every change from last year of :data:`CHANGE_FIGURES`, per sector and for the city,
    where both years' values are shown; largest first. Each is {"scope": sector code or "org",
    "key", "previous", "value", "change", "score"}; the size is |change| / scale
    (percentage points for shares, share of the target for days per htv)."""
    prev = public.get("previous_year")
    if not prev:
        return []
    out = []
    scopes = [(s, public["sectors"][s], (prev.get("sectors") or {}).get(s) or {})
              for s in public.get("sectors", {})]
    scopes.append(("org", public["organisation"], prev.get("organisation") or {}))
    for scope, now, before in scopes:
        for key in CHANGE_FIGURES:
            v, p = now.get(key), before.get(key)
            if v is None or p is None:
                continue
            kind = kind_of(key)
            v, p = rounded(v, kind), rounded(p, kind)
            change = rounded(v - p, kind)
            if change == 0:
                continue
            out.append({"scope": scope, "key": key, "previous": p, "value": v, "change": change,
                        "score": abs(change) / _scale(public, key)})
    order = {k: i for i, k in enumerate(CHANGE_FIGURES)}
    out.sort(key=lambda c: (-c["score"], c["scope"] == "org", order[c["key"]], c["scope"]))
    return out


def change_sentence(public: dict, c: dict, lang: str) -> str:
    """One change in words: "Yleishallinto: koulutukseen osallistuneiden osuus laski
    72,6 %:sta 58,1 %:iin (−14,5 %-yks.)."."""
    t = texts(lang)["summary"]
    kind = kind_of(c["key"])
    unit = t["units"].get(kind, "")
    scope = label(("org",) if c["scope"] == "org" else ("sector", c["scope"]), lang, public)
    sign = "+" if c["change"] > 0 else "−"
    return t["change"].format(
        scope=scope, figure=t["change_figures"][c["key"]],
        direction=t["rose"] if c["change"] > 0 else t["fell"],
        previous=fmt(c["previous"], lang, kind) + unit, value=fmt(c["value"], lang, kind) + unit,
        change=sign + fmt(abs(c["change"]), lang, kind) + t["change_units"].get(kind, ""),
        year=public["previous_year"]["year"])


def largest_changes(public: dict, lang: str, n: int = 3) -> list[str]:
    """The ``n`` largest changes from last year as sentences in ``lang`` (empty without a
    previous year): for the report's summary and the cover-note mail."""
    return [change_sentence(public, c, lang) for c in changes(public)[:n]]


__all__ = ["CHANGE_FIGURES", "change_sentence", "changes", "largest_changes"]
