"""The figures document: figures.json of DOMAIN §7 (HR-internal, unsuppressed, unrounded), its
byte-stable JSON, its public copy (:func:`suppress`, i.e. :func:`osaava.disclosure.disclose`) and
the report's identity for the delivery ledger."""

from __future__ import annotations

import json
import math

from osaava import __version__
from osaava.disclosure import disclose
from osaava.figures import Figures
from osaava.guideline import Guideline


def _clean(v):
    """JSON-safe: numpy scalars to Python, NaN to null."""
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def figures_document(fig: Figures, g: Guideline, inputs: list[dict], previous: Figures | None = None,
                     previous_guideline: Guideline | None = None, batch: dict | None = None,
                     trend: dict | None = None, breakdowns: dict | None = None) -> dict:
    """The figures.json document of DOMAIN §7 (HR-internal, unsuppressed, unrounded). Extras
    beyond §7 (its keys unchanged): ``trend`` (each year of up to five from 2023 on, computed
    with the same definition, :func:`osaava.yearly.trend`) and ``training_breakdowns`` (days
    and persons by competence area and training form, :mod:`osaava.breakdowns`)."""
    doc = {
        "year": fig.year,
        "guideline": {"id": g.id, "version": g.version, "approved_by": g.approved_by,
                      "approved_on": g.approved_on.isoformat()},
        "code_version": __version__,
        "inputs": inputs,
        "organisation": fig.organisation,
        "sectors": fig.sectors,
        "groups": fig.groups,
        "equity_gap_pct_points": fig.equity_gap_pct_points,
        "findings": fig.findings,
        "targets": fig.targets,
        "sector_names": fig.sector_names,
    }
    if batch:
        doc["batch"] = batch
    if trend is not None:
        doc["trend"] = trend
    if breakdowns is not None:
        doc["training_breakdowns"] = breakdowns
    if previous is not None:
        doc["previous_year"] = {
            "year": previous.year,
            "guideline": {"id": previous_guideline.id, "version": previous_guideline.version}
            if previous_guideline else None,
            "organisation": previous.organisation,
            "sectors": previous.sectors,
            "equity_gap_pct_points": previous.equity_gap_pct_points,
            "findings": previous.findings,
        }
    return _clean(doc)


def dumps(doc: dict) -> str:
    """Byte-stable JSON: same figures, same bytes."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"



# ---------------------------------------------------------------------------------------------
# Public safety (DOMAIN §6): one step, osaava.disclosure


def suppress(doc: dict, min_persons: int, exposure: dict | None = None) -> dict:
    """The public copy of a figures document (:func:`osaava.disclosure.disclose`)."""
    return disclose(doc, min_persons, exposure)


def report_id(doc: dict) -> str:
    """The identity of a report for the delivery ledger: the year and the sha256 of its
    figures.json (the same figures are the same report)."""
    import hashlib

    return f"annual-{doc['year']}-{hashlib.sha256(dumps(doc).encode('utf-8')).hexdigest()}"


