"""Artifacts on every run, with stable keys, and no personal data: batch status, the figure
summary (from the public document of the disclosure step, like every public output), links to
the report files."""

from __future__ import annotations

import json
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from osaava.disclosure import disclose, kind_of
from osaava.issues import mask_hetu
from osaava.report import fmt, texts

SUMMARY_KEYS = ("persons_employed", "htv", "training_days_per_htv", "direct_cost_eur",
                "total_cost_eur", "budget_use_pct", "share_trained_pct",
                "discussion_coverage_pct", "supervisor_compliance_pct", "application_compliance_pct")


def batch_markdown(batch: dict) -> str:
    """The collect run's artifact, in Finnish and Swedish: the batch, its reconciliation, its
    sources and its problems (masked; no personal data)."""
    status = {"loaded": "ladattu / laddat", "refused": "hylätty / avvisat"}.get(batch["status"],
                                                                           batch["status"])
    lines = [f"# Erä / Parti {batch['batch_id']}: {status}", "",
             f"Rivejä luettu {batch['rows_read']} = ladattu {batch['rows_loaded']} + karanteenissa "
             f"{batch['rows_quarantined']}. / Rader lästa {batch['rows_read']} = laddade "
             f"{batch['rows_loaded']} + i karantän {batch['rows_quarantined']}.", ""]
    crit = [i for i in batch["issues"] if i["severity"] == "critical"]
    warn = [i for i in batch["issues"] if i["severity"] == "warning"]
    lines.append(f"Kriittisiä virheitä: {len(crit)}, varoituksia: {len(warn)}. / Kritiska fel: "
                 f"{len(crit)}, varningar: {len(warn)}.")
    if batch.get("sources"):
        lines += ["", "| Lähde / Källa | Tyyppi / Typ | Rivit / Rader | Sivut / Sidor | "
                      "Vesileima / Vattenstämpel | Muuttui / Ändrades |",
                  "| --- | --- | ---: | ---: | --- | --- |"]
        for s in batch["sources"]:
            rows = sum(s["rows"].values())
            changed = "kyllä / ja" if s["changed"] else "ei / nej"
            lines.append(f"| {s['name']} | {s['kind']} | {rows} | {s['pages']} | "
                         f"{s['watermark'] or '–'} | {changed} |")
        lines.append("")
    for i in (crit + warn)[:20]:
        rows = ", ".join(str(r) for r in i["rows"][:5])
        sev = "kriittinen / kritisk" if i["severity"] == "critical" else "varoitus / varning"
        lines.append(f"- **{sev}** {i['file']}"
                     + (f", rivit / rader {rows}" if rows else "")
                     + (f", sarake / kolumn {i['column']}" if i["column"] else "")
                     + f": {_issue_message(i)} ({i['count']})")
    return "\n".join(lines)


def _issue_message(i: dict) -> str:
    """What is wrong, in Finnish and Swedish (the English text when the issue has none)."""
    from osaava.issues import Issue

    issue = Issue(i["severity"], i.get("code", ""), i.get("file", ""), i.get("message", ""),
                  i.get("advice", ""), column=i.get("column"), count=i.get("count", 1),
                  params=dict(i.get("params") or {}))
    fi, sv = issue.texts("fi")[0], issue.texts("sv")[0]
    return mask_hetu(fi if fi == sv else f"{fi} / {sv}")


def follow_up_markdown(summary: dict) -> str:
    """The follow-up run's artifact from the disclosed summary, in Finnish and Swedish."""
    lines = [f"# Koulutusohjeen seuranta / Uppföljning av utbildningsanvisningen {summary['year']} "
             f"({summary['as_of']})", "",
             f"Huomioita / Observationer: {summary['warnings']}", ""]
    for r in summary["rows"]:
        lines.append(f"- {r['sector']}: {', '.join(r['warnings']) or 'ei huomautettavaa / inget att anmärka'}")
    return "\n".join(lines)


def public_document(doc: dict, paths: dict[str, str] | None = None) -> dict:
    """What an artifact may show: the public document the render step published
    (hr-internal/disclosure.json), or ``doc`` through the disclosure step."""
    if "hidden" in doc:
        return doc
    p = (paths or {}).get("disclosure")
    if p and Path(p).is_file():
        return json.loads(Path(p).read_text(encoding="utf-8"))
    from osaava.guideline import guideline_for_year

    return disclose(doc, guideline_for_year(doc["year"]).suppression_min_persons)


def figures_markdown(doc: dict, lang: str = "fi") -> str:
    """The figure summary of a report, from its public document (".." where hidden)."""
    doc = public_document(doc)
    t = texts(lang)
    org = doc["organisation"]
    hidden = set(doc.get("hidden", ()))

    def show(key: str, value) -> str:
        return ".." if f"organisation/{key}" in hidden else fmt(value, lang, kind_of(key))

    lines = [f"# {t['title'].format(year=doc['year'])}", "",
             f"{doc['guideline']['id']} {doc['guideline']['version']}", "",
             f"| {t['figure']} | {t['value']} |", "| --- | ---: |"]
    for key in SUMMARY_KEYS:
        lines.append(f"| {t['figures'][key]} | {show(key, org[key])} |")
    lines += ["", f"## {t['targets_heading']}", ""]
    for x in doc["targets"]:
        met = t["no_data"] if x["met"] is None else (t["met"] if x["met"] else t["not_met"])
        value = ".." if x.get("hidden") else fmt(x["value"], lang, kind_of(x["key"]))
        lines.append(f"- {t['figures'][x['key']]}: {value} "
                     f"({x['comparison']} {fmt(x['target'], lang, kind_of(x['key']))}) — {met}")
    return "\n".join(lines)


@task(name="publish batch artifact", cache_policy=NO_CACHE, persist_result=False)
def publish_batch(batch: dict) -> None:
    create_markdown_artifact(key="collect-latest-batch", markdown=batch_markdown(batch),
                             description="The latest collected batch and its validation status.")


@task(name="publish report artifacts", cache_policy=NO_CACHE, persist_result=False)
def publish_report(key: str, doc: dict, paths: dict[str, str]) -> None:
    create_markdown_artifact(key=key, markdown=figures_markdown(public_document(doc, paths)),
                             description="Figures of the report (aggregates only).")
    create_table_artifact(key=f"{key}-inputs", table=[
        {"entity": i["entity"], "file": i.get("file", ""), "rows": i["rows"], "sha256": i["sha256"][:16]}
        for i in doc["inputs"]], description="Input files of the report and their hashes.")
    # The files stay on the server (the UI cannot open file:// links): say exactly where they are.
    files = sorted((name, Path(path).resolve()) for name, path in paths.items()
                   if name.startswith(("report_", "summary_")))
    if files:
        create_markdown_artifact(
            key=f"{key}-files", description="Where the report files are on the server.",
            markdown="# Raporttitiedostot / Rapportfiler\n\n" + "\n".join(
                f"- `{path}`" for _, path in files))


@task(name="approval form text", cache_policy=NO_CACHE, persist_result=False)
def approval_description(draft, recipients: tuple[str, str], sent: tuple[str, str] | None,
                         days: int) -> str:
    """What HR sees on the approval form: the figures, where the draft is, who receives it, and
    what of this very report was sent already."""
    from osaava.approval import draft_markdown

    pdfs = [p for k, p in sorted(draft.paths().items()) if k.startswith("report_pdf")]
    return draft_markdown(figures_markdown(public_document(draft.document(), draft.paths())),
                          folder=draft.folder, pdfs=pdfs,
                          recipients=recipients, sent=sent,
                          batch=f"{draft.batch_id} ({draft.batch_source})", days=days)


@task(name="record HR decision", cache_policy=NO_CACHE, persist_result=False)
def publish_decision(key: str, approve: bool, comment: str) -> None:
    verdict = "Hyväksytty / Godkänd" if approve else "Hylätty / Avvisad"
    create_markdown_artifact(key=f"{key}-decision", markdown=f"# {verdict}\n\n{mask_hetu(comment) or '–'}",
                             description="HR's decision on the annual report.")
