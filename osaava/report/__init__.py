"""From figures to report documents, split by job:

- :mod:`osaava.report.document` — figures.json (HR-internal), its public copy, the report id;
- :mod:`osaava.report.i18n` — the one locale loader and the one formatter of every output;
- :mod:`osaava.report.tables` — the report's tables, language-neutral;
- :mod:`osaava.report.charts` — the charts;
- :mod:`osaava.report.html` — the HTML mail, web page and PDF;
- :mod:`osaava.report.xlsx` — the workbook.

Everything public is made from the one output of the disclosure step
(:func:`osaava.disclosure.disclose`). The names below are re-exported for callers.
"""

from osaava.disclosure import FAMILIES, GROUP_FAMILIES, PUBLIC_FIGURES, kind_of  # noqa: F401
from osaava.figures import PERSON_FIGURES
from osaava.report.document import dumps, figures_document, report_id, suppress
from osaava.report.html import (chart_file, render_charts, render_mail_html, render_mail_text,
                                render_pdf, render_report_html, render_summary_html)
from osaava.report.i18n import (HIDDEN_MARK, LANGS, LOCALES, MISSING_MARK, ReportContext, column,
                                fmt, fmt_cell, fmt_date, fmt_number, label, texts)
from osaava.report.xlsx import NUMBER_FORMATS, render_xlsx

assert {m for f in FAMILIES for m in f.members} | set(PUBLIC_FIGURES) == set(PERSON_FIGURES)

__all__ = ["HIDDEN_MARK", "LANGS", "LOCALES", "MISSING_MARK", "NUMBER_FORMATS", "ReportContext",
           "chart_file", "column", "dumps", "figures_document", "fmt", "fmt_cell", "fmt_date",
           "fmt_number", "kind_of", "label", "render_charts", "render_mail_html", "render_mail_text",
           "render_pdf",
           "render_report_html", "render_summary_html", "render_xlsx", "report_id", "suppress",
           "texts"]
