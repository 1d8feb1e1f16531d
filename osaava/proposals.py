"""Points for HR to consider when writing the report's conclusions and proposals: targets missed,
sectors behind a target, unused training budget, open repayment cases. Drawn only from the
public document (what the disclosure step publishes), in Finnish and Swedish. osaava never
writes the conclusions: HR edits these into its own text on the approval form."""

from __future__ import annotations

from osaava.report import fmt, kind_of, texts

#: target key → the sector figure it is compared with
SECTOR_TARGETS = ("training_days_per_htv", "discussion_coverage_pct", "share_trained_pct")


WORDS = {"fi": {">=": "vähintään", "<=": "enintään"}, "sv": {">=": "minst", "<=": "högst"}}


def _met(value: float, target: float, comparison: str) -> bool:
    return value >= target if comparison == ">=" else value <= target


def points(public: dict, lang: str) -> list[str]:
    """The points, one sentence each, in ``lang``."""
    t = texts(lang)
    fi = lang == "fi"
    names = public.get("sector_names") or {}
    hidden = set(public.get("hidden", ()))
    out: list[str] = []
    for x in public.get("targets", []):
        if x.get("met") is False and x.get("value") is not None:
            name = t["figures"][x["key"]]
            value, target = fmt(x["value"], lang, kind_of(x["key"])), fmt(x["target"], lang, kind_of(x["key"]))
            word = WORDS[lang].get(x["comparison"], x["comparison"])
            out.append(f"Tavoite ei toteutunut: {name} {value} (tavoite {word} {target})." if fi
                       else f"Målet uppnåddes inte: {name} {value} (mål {word} {target}).")
    targets = {x["key"]: x for x in public.get("targets", [])}
    for code, sector in sorted((public.get("sectors") or {}).items()):
        behind = []
        for key in SECTOR_TARGETS:
            x, v = targets.get(key), sector.get(key)
            if x is None or v is None or f"sectors/{code}/{key}" in hidden:
                continue
            if not _met(v, x["target"], x["comparison"]):
                behind.append(f"{t['figures'][key]} {fmt(v, lang, kind_of(key))}")
        if behind:
            name = (names.get(code) or {}).get(lang, code)
            out.append((f"{name} jää tavoitteesta: " if fi else f"{name} når inte målet: ")
                       + "; ".join(behind) + ".")
    org = public.get("organisation") or {}
    budget, used = org.get("budget_eur"), org.get("direct_cost_eur")
    if budget and used is not None and used < budget and "organisation/direct_cost_eur" not in hidden:
        left = fmt(budget - used, lang, "eur")
        pct = fmt(100 - (org.get("budget_use_pct") or 0), lang, "pct")
        out.append(f"Koulutusmäärärahaa jäi käyttämättä {left} € ({pct} %)." if fi
                   else f"Av utbildningsanslaget blev {left} € ({pct} %) oanvänt.")
    repay = ((public.get("findings_summary") or {}).get("repayment_case") or {}).get("total")
    if repay:
        # one repayment case is one participation (osaava.finding_codes): say so
        n = fmt(repay, lang, "int")
        one = repay == 1
        out.append((f"Takaisinmaksutapauksia: {n} " + ("osallistuminen, jonka" if one else
                                                      "osallistumista, joiden")
                    + " sitoumusaika oli kesken, kun palvelussuhde päättyi.") if fi
                   else (f"Återbetalningsfall: {n} " + ("deltagande" if one else "deltaganden")
                         + " vars förbindelsetid inte hade gått ut när anställningsförhållandet "
                         "upphörde."))
    return out


def draft_text(public: dict, lang: str) -> str:
    """The points as a starting text, one per line ("- …")."""
    return "\n".join(f"- {p}" for p in points(public, lang))
