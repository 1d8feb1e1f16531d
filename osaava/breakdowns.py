"""Where the training went (issue 14, item 4): training days and persons trained by competence
area (``Osaamisalue``) and by training form (``Tyyppi``), and the persons with no training.

Pure: frames in, dicts out (HR-internal, unsuppressed, unrounded; the public copy is made by
:func:`osaava.disclosure.disclose`). The same selection as :mod:`osaava.figures`: the
non-cancelled participations of Y of persons employed in Y; days = Σ ``Tunnit`` /
``training_day_hours`` (so the days of a breakdown add up to the city's ``training_days``);
a person is trained in a group when they have a participation of it with ``Tunnit`` > 0 (so
every trained person is in at least one group, and a person can be in several: the persons of
a breakdown do not add up to ``persons_trained``).

Small groups are folded by the disclosure step into a residual ("muut" / "övriga") in a fixed
order: the groups by persons, smallest first (then by code). Because the persons of groups
overlap, the residual's persons are not a sum: ``fold_persons[i]`` is the number of distinct
persons in the first ``i + 1`` groups of ``fold_order``, for the disclosure step to read.
"""

from __future__ import annotations

import pandas as pd

from osaava.figures import participations_of_year
from osaava.guideline import Guideline

BREAKDOWNS = {"competence_area": "competence_area", "training_type": "training_type"}
UNKNOWN = "unknown"  # a participation without a competence area / form
TRAINING_TYPES = ("sisäinen", "ulkoinen", "verkko")


def _participations(frames: dict, g: Guideline, year: int) -> pd.DataFrame:
    """The participations every training figure counts (:func:`osaava.figures.participations_of_year`),
    with an empty competence area or form named ``unknown``."""
    a = participations_of_year(frames, g, year)
    for col in BREAKDOWNS.values():
        a[col] = a[col].astype("object").where(a[col].notna(), UNKNOWN).astype(str)
        a.loc[a[col].str.strip() == "", col] = UNKNOWN
    a["competence_area"] = a["competence_area"].str.upper()
    a["training_type"] = a["training_type"].str.lower()
    return a


def training_breakdowns(frames: dict, g: Guideline, year: int) -> dict:
    """``{dimension: {"groups": {code: {"persons_trained", "training_days"}}, "fold_order":
    [codes], "fold_persons": [distinct persons of the first i+1]}}`` for the dimensions
    ``competence_area`` and ``training_type``."""
    a = _participations(frames, g, year)
    dh = g.training_day_hours
    out: dict = {}
    for dim, col in BREAKDOWNS.items():
        days = a.groupby(col)["hours"].sum() / dh
        pos = a[a["hours"] > 0]
        persons = pos.groupby(col)["person_id"].nunique()
        codes = sorted(set(days.index) | set(persons.index))
        if dim == "training_type":
            codes = [c for c in TRAINING_TYPES if c in codes] + [c for c in codes if c not in TRAINING_TYPES]
        groups = {str(c): {"persons_trained": int(persons.get(c, 0)),
                           "training_days": float(days.get(c, 0.0))} for c in codes}
        order = sorted(groups, key=lambda c: (groups[c]["persons_trained"], c))
        seen: set = set()
        cumulative = []
        for c in order:
            seen |= set(pos.loc[pos[col] == c, "person_id"])
            cumulative.append(len(seen))
        out[dim] = {"groups": groups, "fold_order": order, "fold_persons": cumulative}
    return out


def persons_untrained(block: dict) -> int | None:
    """Employees with no training at all: persons_employed − persons_trained (None when either
    is missing)."""
    e, t = block.get("persons_employed"), block.get("persons_trained")
    if e is None or t is None:
        return None
    return int(e) - int(t)


__all__ = ["BREAKDOWNS", "TRAINING_TYPES", "UNKNOWN", "persons_untrained", "training_breakdowns"]
