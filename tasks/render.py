"""Render: figures → report files, in two folders that never mix.

``OUT/hr-internal/``: ``figures.json`` (every figure, unrounded, unsuppressed),
``findings-hr-internal.csv`` (findings with employee numbers) and ``disclosure.json`` (the
public document exactly as published, with the list of hidden cells, for HR to check).
``OUT/public/``, per language, all made from the one output of the disclosure step
(:func:`osaava.disclosure.disclose`):

- ``report-<lang>.html`` — the committee mail body: a cover note for a phone (CSS inlined, no
  charts or tables; the attachments hold the report); ``report-<lang>.txt`` — the same as text;
- ``charts/report-<lang>-<chart>.png`` — the charts as images (four bar charts and, with two years or
  more, the trend), for the intranet or slides;
- ``report-<lang>.pdf`` — the full report (vector charts); ``report-<lang>.xlsx`` — every table;
- ``summary-<lang>.html`` — the full report as one self-contained web page (charts embedded).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import task
from prefect.cache_policies import NO_CACHE

from osaava.disclosure import disclose, findings_persons
from osaava.report import (ReportContext, chart_file, dumps, render_charts, render_mail_html,
                           render_mail_text, render_pdf, render_summary_html, render_xlsx)
from osaava.recipients import hr_language
from osaava.report.hr_findings import findings_csv as hr_findings_csv
from tasks.figures import YearFigures

LANGS = ("fi", "sv")
PUBLIC_DIR = "public"  # everything here may leave HR; the mail attaches only from here
INTERNAL_DIR = "hr-internal"  # never leaves HR
HELSINKI = ZoneInfo("Europe/Helsinki")


def findings_csv(yf: YearFigures, lang: str = "fi") -> str:
    """HR-internal list of findings with employee numbers, in HR's language; says so on its
    first line."""
    return hr_findings_csv(yf.figures.findings_detail, lang,
                           (yf.document or {}).get("sector_names"))


def write_reports(yf: YearFigures, out: str, langs: tuple[str, ...] = LANGS,
                  made_on: dt.date | None = None, hr_lang: str | None = None) -> dict[str, str]:
    """Write every report file; returns name → path. ``made_on`` (default: today in Helsinki)
    is the only date in the public files, so the same figures and date give the same bytes.
    ``hr_lang`` is the language of the HR-internal findings list (default: the HR recipient's
    language in the recipients file, else Finnish)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    public_dir, internal_dir = folder / PUBLIC_DIR, folder / INTERNAL_DIR
    made_on = made_on or dt.datetime.now(HELSINKI).date()
    paths: dict[str, str] = {}

    def put(name: str, rel: str, data: str | bytes, encoding: str = "utf-8",
            where: Path = public_dir) -> None:
        p = where / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding=encoding)
        paths[name] = str(p)

    put("figures", "figures.json", dumps(yf.document), where=internal_dir)
    put("findings", "findings-hr-internal.csv", findings_csv(yf, hr_lang or hr_language()),
        encoding="utf-8-sig",
        where=internal_dir)
    exp = yf.exposure or {"findings": findings_persons(yf.figures)}
    public = disclose(yf.document, yf.guideline.suppression_min_persons, exp)
    put("disclosure", "disclosure.json", dumps(public), where=internal_dir)
    ctx = ReportContext(yf.guideline, made_on)
    for lang in langs:
        charts = render_charts(public, lang)
        for c in charts:
            put(f"chart_{lang}_{c.name}", chart_file(lang, c.name), c.png)
        put(f"report_html_{lang}", f"report-{lang}.html", render_mail_html(public, lang, ctx, charts))
        put(f"report_text_{lang}", f"report-{lang}.txt", render_mail_text(public, lang, ctx))
        put(f"report_pdf_{lang}", f"report-{lang}.pdf", render_pdf(public, lang, ctx, charts))
        put(f"report_xlsx_{lang}", f"report-{lang}.xlsx", render_xlsx(public, lang, ctx))
        put(f"summary_{lang}", f"summary-{lang}.html",
            render_summary_html(public, lang, yf.guideline, made_on, charts))
    return paths


@task(name="render report files", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=600)
def render_reports(yf: YearFigures, out: str, langs: tuple[str, ...] = LANGS) -> dict[str, str]:
    return write_reports(yf, out, tuple(langs))
