"""Render: figures → report files (figures.json, the HR-internal findings, the summary pages)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from osaava.report import dumps, render_summary_html, suppress
from tasks.figures import YearFigures

LANGS = ("fi", "sv")


def findings_csv(yf: YearFigures) -> str:
    """HR-internal list of findings with employee numbers; says so on its first line."""
    buf = io.StringIO()
    buf.write("# VAIN HENKILÖSTÖHALLINNON KÄYTTÖÖN / ENDAST FÖR PERSONALFÖRVALTNINGENS BRUK / "
              "HR-internal\n")
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    d = yf.figures.findings_detail
    cols = ["code", "severity", "sector", "person_id", "employment_no", "participation_id",
            "reason", "amount_eur"]
    w.writerow(cols)
    for row in d[cols].itertuples(index=False):
        vals = ["" if v is None or (isinstance(v, float) and v != v) or str(v) == "<NA>" else v
                for v in row]
        vals[-1] = f"{float(vals[-1]):.2f}".replace(".", ",") if vals[-1] != "" else ""
        w.writerow(vals)
    return buf.getvalue()


def write_reports(yf: YearFigures, out: str, langs: tuple[str, ...] = LANGS) -> dict[str, str]:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    p = folder / "figures.json"
    p.write_text(dumps(yf.document), encoding="utf-8")
    paths["figures"] = str(p)
    p = folder / "findings-hr-internal.csv"
    p.write_text(findings_csv(yf), encoding="utf-8-sig")
    paths["findings"] = str(p)
    public = suppress(yf.document, yf.guideline.suppression_min_persons)
    for lang in langs:
        p = folder / f"summary-{lang}.html"
        p.write_text(render_summary_html(public, lang, yf.guideline), encoding="utf-8")
        paths[f"summary_{lang}"] = str(p)
    return paths


@task(name="render report files", persist_result=False, cache_policy=NO_CACHE)
def render_reports(yf: YearFigures, out: str) -> dict[str, str]:
    return write_reports(yf, out)
