"""Artifacts on every run, with stable keys, and no personal data: batch status, the figure
summary, links to the report files."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from osaava.issues import mask_hetu
from osaava.report import fmt, kind_of, texts

SUMMARY_KEYS = ("persons_employed", "htv", "training_days_per_htv", "direct_cost_eur",
                "total_cost_eur", "budget_use_pct", "share_trained_pct",
                "discussion_coverage_pct", "supervisor_compliance_pct", "application_compliance_pct")


def batch_markdown(batch: dict) -> str:
    lines = [f"# Batch {batch['batch_id']}: {batch['status']}", "",
             f"Rows read {batch['rows_read']} = loaded {batch['rows_loaded']} + quarantined "
             f"{batch['rows_quarantined']}.", ""]
    crit = [i for i in batch["issues"] if i["severity"] == "critical"]
    warn = [i for i in batch["issues"] if i["severity"] == "warning"]
    lines.append(f"Critical problems: {len(crit)}; warnings: {len(warn)}.")
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
        lines.append(f"- **{i['severity']}** {i['file']}"
                     + (f", rows {rows}" if rows else "") + (f", column {i['column']}" if i["column"] else "")
                     + f": {i['message']} ({i['count']})")
    return "\n".join(lines)


def figures_markdown(doc: dict, lang: str = "fi") -> str:
    t = texts(lang)
    org = doc["organisation"]
    lines = [f"# {t['title'].format(year=doc['year'])}", "",
             f"{doc['guideline']['id']} {doc['guideline']['version']}", "",
             f"| {t['figure']} | {t['value']} |", "| --- | ---: |"]
    for key in SUMMARY_KEYS:
        lines.append(f"| {t['figures'][key]} | {fmt(org[key], lang, kind_of(key))} |")
    lines += ["", f"## {t['targets_heading']}", ""]
    for x in doc["targets"]:
        met = t["no_data"] if x["met"] is None else (t["met"] if x["met"] else t["not_met"])
        lines.append(f"- {t['figures'][x['key']]}: {fmt(x['value'], lang, kind_of(x['key']))} "
                     f"({x['comparison']} {fmt(x['target'], lang, kind_of(x['key']))}) — {met}")
    return "\n".join(lines)


@task(name="publish batch artifact", cache_policy=NO_CACHE, persist_result=False)
def publish_batch(batch: dict) -> None:
    create_markdown_artifact(key="collect-latest-batch", markdown=batch_markdown(batch),
                             description="The latest collected batch and its validation status.")


@task(name="publish report artifacts", cache_policy=NO_CACHE, persist_result=False)
def publish_report(key: str, doc: dict, paths: dict[str, str]) -> None:
    create_markdown_artifact(key=key, markdown=figures_markdown(doc),
                             description="Figures of the report (aggregates only).")
    create_table_artifact(key=f"{key}-inputs", table=[
        {"entity": i["entity"], "file": i.get("file", ""), "rows": i["rows"], "sha256": i["sha256"][:16]}
        for i in doc["inputs"]], description="Input files of the report and their hashes.")
    for name, path in paths.items():
        if name.startswith(("report_", "summary_", "figures")):
            create_link_artifact(key=f"{key}-{name.replace('_', '-')}", link=Path(path).resolve().as_uri(),
                                 link_text=Path(path).name)


@task(name="approval form text", cache_policy=NO_CACHE, persist_result=False)
def approval_description(draft, recipients: tuple[str, str], sent: tuple[str, str] | None,
                         days: int) -> str:
    """What HR sees on the approval form: the figures, where the draft is, who receives it, and
    what of this very report was sent already."""
    from osaava.approval import draft_markdown

    pdfs = [p for k, p in sorted(draft.paths().items()) if k.startswith("report_pdf")]
    return draft_markdown(figures_markdown(draft.document()), folder=draft.folder, pdfs=pdfs,
                          recipients=recipients, sent=sent,
                          batch=f"{draft.batch_id} ({draft.batch_source})", days=days)


@task(name="record HR decision", cache_policy=NO_CACHE, persist_result=False)
def publish_decision(key: str, approve: bool, comment: str) -> None:
    verdict = "Hyväksytty / Godkänd" if approve else "Hylätty / Avvisad"
    create_markdown_artifact(key=f"{key}-decision", markdown=f"# {verdict}\n\n{mask_hetu(comment) or '–'}",
                             description="HR's decision on the annual report.")
