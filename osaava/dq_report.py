"""The HR-internal data-quality report of one batch: HTML for people, JSON for machines.

Its first line says it is HR-internal (DOMAIN §6). It lists the batch's status, every issue
(file, rows as a spreadsheet shows them, column, count, masked examples, what is wrong and
what to do) and the row reconciliation. Every text passes through ``mask_hetu`` on the way
out, so a henkilötunnus can never be printed, even one hiding in a header or a file name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from jinja2 import Environment

from osaava.issues import Issue, mask_hetu
from osaava.quality import outcome, reconcile

NOTICES = {"fi": "Vain henkilöstöhallinnon käyttöön", "sv": "Endast för personalförvaltningens bruk"}
NOTICE = NOTICES["fi"]
MAX_ROWS_SHOWN = 20

_TEMPLATE = """<!DOCTYPE html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ r.notice }} – {{ w.title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; }
h1 { font-size: 1.2rem; color: #8a1c1c; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-size: 1.1rem; font-weight: bold; padding: .4rem .6rem; display: inline-block; }
.refused { background: #f6d5d5; } .warnings { background: #fbefc8; } .loaded { background: #d8f0d8; }
.critical { color: #8a1c1c; font-weight: bold; } .warning { color: #7a5b00; }
</style></head>
<body>
<h1>{{ r.notice }}</h1>
<h2>{{ w.title }}</h2>
<p class="status {{ css }}">{{ w.status }}: {{ w.statuses[r.status] }}</p>
<p>{{ w.counts.format(critical=r.counts.critical, warning=r.counts.warning) }}
{{ w.explain[r.status] }}</p>

<h2>{{ w.issues }}</h2>
{% if r.issues %}
<table>
<tr><th>{{ c.severity }}</th><th>{{ c.file }}</th><th>{{ c.rows }}</th><th>{{ c.column }}</th><th>{{ c.count }}</th><th>{{ c.examples }}</th><th>{{ c.message }}</th><th>{{ c.advice }}</th></tr>
{% for i in r.issues %}
<tr><td class="{{ i.severity }}">{{ w.severities[i.severity] }}</td><td>{{ i.file }}</td>
<td>{{ i.rows | join(", ") }}{% if i.count > i.rows | length and i.rows %} {{ w.more.format(n=i.count - i.rows | length) }}{% endif %}</td>
<td>{{ i.column or "" }}</td><td class="num">{{ i.count }}</td>
<td>{{ i.examples | join(", ") }}</td><td>{{ i.message }}</td><td>{{ i.advice }}</td></tr>
{% endfor %}
</table>
{% else %}<p>{{ w.no_issues }}</p>{% endif %}

<h2>{{ w.reconciliation }}</h2>
<table>
<tr><th>{{ w.entity }}</th><th>{{ w.rows_read }}</th><th>{{ w.rows_loaded }}</th><th>{{ w.rows_quarantined }}</th></tr>
{% for name, e in r.reconciliation.entities.items() %}
<tr><td>{{ entities.get(name, name) }}</td><td class="num">{{ e.rows_read }}</td><td class="num">{{ e.rows_loaded }}</td><td class="num">{{ e.rows_quarantined }}</td></tr>
{% endfor %}
<tr><th>{{ w.total }}</th><th class="num">{{ r.reconciliation.rows_read }}</th><th class="num">{{ r.reconciliation.rows_loaded }}</th><th class="num">{{ r.reconciliation.rows_quarantined }}</th></tr>
</table>

{% if r.inputs %}
<h2>{{ w.inputs }}</h2>
<table>
<tr><th>{{ w.entity }}</th><th>{{ c.file }}</th><th>{{ w.sha256 }}</th></tr>
{% for f in r.inputs %}<tr><td>{{ entities.get(f.entity, f.entity) }}</td><td>{{ f.file }}</td><td><code>{{ f.sha256 }}</code></td></tr>
{% endfor %}
</table>
{% endif %}
</body></html>
"""

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_COMPILED = _ENV.from_string(_TEMPLATE)


def _safe(value: Any) -> Any:
    """JSON-ready: numpy scalars and NaN to plain values, every string masked."""
    if isinstance(value, str):
        return mask_hetu(value)
    if isinstance(value, Mapping):
        return {_safe(k): _safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _input(f: Any) -> dict:
    get = (lambda k: f.get(k)) if isinstance(f, Mapping) else (lambda k: getattr(f, k, None))
    return {"entity": get("entity"), "file": get("file") or get("name"), "sha256": get("sha256")}


def _order(i: Issue) -> tuple:
    return (0 if i.severity == "critical" else 1, i.file, i.rows[0] if i.rows else 0)


def _issue_dict(i: Issue, lang: str) -> dict:
    """The issue's structured fields as they are (file, rows, column, code, count), its texts
    in the report's language."""
    message, advice = i.texts(lang)
    return {**i.to_dict(), "message": message, "advice": advice, "rows": list(i.rows[:MAX_ROWS_SHOWN])}


def render_dq_report(issues: Iterable[Issue], rows_read: Mapping[str, int],
                     inputs: Sequence[Any] = (), refused: bool | None = None,
                     lang: str = "fi") -> tuple[str, dict]:
    """The report as (HTML, JSON-ready dict) in ``lang`` ("fi" or "sv"). ``refused`` defaults
    to "any critical issue". The status in the JSON stays the machine value
    (``refused`` / ``loaded with warnings`` / ``loaded``)."""
    from osaava.report.i18n import texts

    t = texts(lang)
    issues = sorted(issues, key=_order)
    status = outcome(issues)
    if refused:
        status = "refused"
    refused = status == "refused"
    data = _safe({
        "notice": NOTICES[lang],
        "lang": lang,
        "status": status,
        "counts": {"critical": sum(i.severity == "critical" for i in issues),
                   "warning": sum(i.severity == "warning" for i in issues)},
        "reconciliation": reconcile(rows_read, refused),
        "inputs": [_input(f) for f in inputs],
        "issues": [_issue_dict(i, lang) for i in issues],
    })
    css = {"refused": "refused", "loaded with warnings": "warnings"}.get(status, "loaded")
    html = _COMPILED.render(r=data, css=css, lang=lang, w=t["dq_report"],
                            c=t["dq_report"]["columns"], entities=t["entities"])
    return html, data


def write_quality_report(res, issues: list, folder, lang: str | None = None) -> dict[str, str]:
    """The HR-internal data-quality report (HTML, JSON) in HR's language (``lang``, default the
    HR recipient's language in the recipients file, else Finnish). Returns name → path.

    GX Data Docs are not written (issue 13): Great Expectations renders data values into them
    unescaped and loads scripts from CDNs, so a value in an export could run script in HR's
    browser. This report lists every failed check with file, rows, column and masked examples,
    escaped by Jinja2's autoescape."""
    import json
    from pathlib import Path

    from osaava.issues import critical

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    inputs = [{"entity": r.entity, "file": r.name, "sha256": r.sha256} for r in res.raw]
    if lang is None:
        from osaava.recipients import hr_language

        lang = hr_language()
    html, data = render_dq_report(issues, res.rows_read, inputs, bool(critical(issues)), lang)
    paths = {"data_quality": folder / "data-quality.html", "data_quality_json": folder / "data-quality.json"}
    paths["data_quality"].write_text(html, encoding="utf-8")
    paths["data_quality_json"].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return {k: str(v) for k, v in paths.items()}


