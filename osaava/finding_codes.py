"""What each finding code of :data:`osaava.figures.FINDINGS` is, for the people who read it:
its category and what one count of it is. Language-neutral; the words (name, unit, one
sentence on what it means and what the guideline expects) are in ``osaava/locale/<lang>.yaml``
under ``findings``, ``finding_units`` and ``finding_texts``.

- **breach**: a deviation from the guideline (the committee's business);
- **data_quality**: the source systems disagree or lack data; the figures are computed anyway
  (HR's business, shown so that the committee knows how far the figures rest on it).

What one count is follows from how :func:`osaava.figures._findings` builds the detail rows:
one row per participation (the application, commitment and repayment checks run on
participations), per person (the paid-days total and the supervisor level are a person's) or
per employment (pay data and the absence reconciliation are an employment's).
"""

from __future__ import annotations

CATEGORIES = ("breach", "data_quality")
UNITS = ("participations", "persons", "employments")

# code: (category, unit of one count)
FINDING_CODES: dict[str, tuple[str, str]] = {
    "application_missing": ("breach", "participations"),
    "application_late": ("breach", "participations"),
    "approver_below_limit": ("breach", "participations"),
    "paid_days_over_cap": ("breach", "persons"),
    "commitment_missing": ("breach", "participations"),
    "repayment_case": ("breach", "participations"),
    "supervisor_level_missing": ("breach", "persons"),
    "pay_data_missing": ("data_quality", "employments"),
    "training_absence_mismatch": ("data_quality", "employments"),
}


def category(code: str) -> str:
    return FINDING_CODES[code][0]


def unit(code: str) -> str:
    return FINDING_CODES[code][1]


def codes_of(category_: str, codes) -> list[str]:
    """The given codes of one category, in the order of :data:`FINDING_CODES` (an unknown code
    is a breach: it is shown rather than lost)."""
    order = {c: i for i, c in enumerate(FINDING_CODES)}
    return sorted((c for c in codes if FINDING_CODES.get(c, ("breach",))[0] == category_),
                  key=lambda c: (order.get(c, len(order)), c))


def text_params(guideline) -> dict:
    """The guideline's values the finding sentences name."""
    c = guideline.commitment
    return {"cap": guideline.paid_days_cap, "months": c.months,
            "cost": c.min_direct_cost_eur, "days": c.min_training_days,
            "level": guideline.supervisor_level_required.level,
            "within": guideline.supervisor_level_required.within_months}
