"""A report draft is a record: what HR approves is exactly what is sent.

Before an annual report waits for HR's approval, its files are written to a folder of their own
(``<var>/reports/<year>/<run>/``) and a record is kept beside them, ``draft.json``: the year, the
batch it used, the guideline version, the report id and the sha256 of every file. After HR's
decision the run sends the files of the record, after checking that every one still hashes to
what HR saw; the figures are never computed again between approval and sending.

A suspended Prefect run that is resumed runs its flow again from the top; it finds its record
here and goes straight to the approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

RECORD = "draft.json"


class DraftChanged(Exception):
    """A file of an approved draft is missing or no longer what HR saw: nothing is sent."""


@dataclass
class Draft:
    year: int
    batch_id: int
    batch_source: str
    guideline: dict
    report_id: str
    run: str
    created_at: str
    folder: str
    files: dict[str, dict] = field(default_factory=dict)  # name → {"path": relative, "sha256": …}
    document_file: str = ""

    def paths(self) -> dict[str, str]:
        """name → absolute path of every file of the draft."""
        return {name: str(Path(self.folder) / f["path"]) for name, f in self.files.items()}

    def document(self) -> dict:
        """The figures document the draft was made from (HR-internal figures.json)."""
        return json.loads((Path(self.folder) / self.document_file).read_text(encoding="utf-8"))

    def to_dict(self) -> dict:
        return asdict(self)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_folder(reports_dir: Path | str, year: int, run: str) -> Path:
    """``<reports>/<year>/<run>``: one folder per year and run, never shared."""
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in str(run)) or "run"
    return Path(reports_dir) / str(int(year)) / safe


def record(folder: Path | str, *, year: int, batch_id: int, batch_source: str, guideline: dict,
           report_id: str, run: str, paths: dict[str, str], document_key: str = "figures",
           now: dt.datetime | None = None) -> Draft:
    """Write ``draft.json`` for the files in ``paths`` (all under ``folder``)."""
    folder = Path(folder).resolve()
    files = {}
    for name, p in sorted(paths.items()):
        path = Path(p).resolve()
        if folder not in path.parents:
            raise ValueError(f"{path}: not in the draft folder {folder}")
        files[name] = {"path": str(path.relative_to(folder)), "sha256": _sha256(path)}
    if document_key not in files:
        raise ValueError(f"the draft has no {document_key} file")
    draft = Draft(year=int(year), batch_id=int(batch_id), batch_source=batch_source,
                  guideline=dict(guideline), report_id=report_id, run=str(run),
                  created_at=(now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
                  folder=str(folder), files=files, document_file=files[document_key]["path"])
    tmp = folder / f".{RECORD}.tmp"
    tmp.write_text(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, folder / RECORD)
    return draft


def load(folder: Path | str) -> Draft | None:
    """The draft recorded in ``folder``, or ``None`` when there is none."""
    p = Path(folder) / RECORD
    if not p.exists():
        return None
    d = json.loads(p.read_text(encoding="utf-8"))
    return Draft(**d)


def verify(draft: Draft) -> None:
    """Raise :class:`DraftChanged` naming every file that is missing or changed."""
    problems = []
    for name, f in draft.files.items():
        path = Path(draft.folder) / f["path"]
        if not path.exists():
            problems.append(f"{f['path']} puuttuu / saknas")
        elif _sha256(path) != f["sha256"]:
            problems.append(f"{f['path']} on muuttunut / har ändrats")
    if problems:
        what = "; ".join(problems)
        raise DraftChanged(
            f"Hyväksytyn luonnoksen tiedostot eivät ole enää ne, jotka hyväksyttiin ({what}), joten "
            f"mitään ei lähetetty. Käynnistä vuosiraportti uudelleen ja hyväksy uusi luonnos. / "
            f"Filerna i det godkända utkastet är inte längre de som godkändes ({what}), så inget "
            f"skickades. Starta årsrapporten på nytt och godkänn det nya utkastet.")


SENT = "sent"


def finalise(draft: Draft, conclusions: dict[str, str], contact: str,
             now: dt.datetime | None = None) -> Draft:
    """The files that go out: the approved draft's public report with HR's conclusions and
    proposals and the contact person, rendered from the draft's own public document (its
    ``disclosure.json``: the figures are not computed again), in ``<draft>/sent/`` and recorded
    with their hashes. Each language of the draft needs its conclusions."""
    from zoneinfo import ZoneInfo

    from osaava.guideline import guideline_for_year
    from osaava.report import (ReportContext, chart_file, render_charts, render_mail_html,
                               render_mail_text, render_pdf, render_summary_html)

    verify(draft)
    langs = sorted(k.removeprefix("report_pdf_") for k in draft.files if k.startswith("report_pdf_"))
    missing = [lang for lang in langs if not (conclusions.get(lang) or "").strip()]
    if missing or not contact.strip():
        what = ", ".join(missing) + (" ja yhteyshenkilö / och kontaktperson" if not contact.strip() else "")
        raise ValueError(f"Johtopäätökset puuttuvat / Slutsatserna saknas: {what}. Mitään ei "
                         f"lähetetty. / Inget skickades.")
    g = guideline_for_year(draft.year)
    if g.version != draft.guideline.get("version"):
        raise DraftChanged(f"Koulutusohjeen versio on vaihtunut ({draft.guideline.get('version')} → "
                           f"{g.version}), joten mitään ei lähetetty. / Utbildningsanvisningens "
                           f"version har ändrats, så inget skickades.")
    src = Path(draft.folder)
    public = json.loads((src / draft.files["disclosure"]["path"]).read_text(encoding="utf-8"))
    made_on = dt.datetime.fromisoformat(draft.created_at).astimezone(ZoneInfo("Europe/Helsinki")).date()
    out = src / SENT
    paths: dict[str, str] = {}

    def put(name: str, rel: str, data: str | bytes) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        paths[name] = str(p)

    for key in ("figures", "disclosure"):
        put(key, draft.files[key]["path"], (src / draft.files[key]["path"]).read_bytes())
    public_dir = Path(draft.files[f"report_html_{langs[0]}"]["path"]).parent
    for lang in langs:
        ctx = ReportContext(g, made_on, conclusions[lang], contact)
        charts = render_charts(public, lang)
        for c in charts:
            put(f"chart_{lang}_{c.name}", str(public_dir / chart_file(lang, c.name)), c.png)
        put(f"report_html_{lang}", str(public_dir / f"report-{lang}.html"),
            render_mail_html(public, lang, ctx, charts))
        put(f"report_text_{lang}", str(public_dir / f"report-{lang}.txt"),
            render_mail_text(public, lang, ctx))
        put(f"report_pdf_{lang}", str(public_dir / f"report-{lang}.pdf"), render_pdf(public, lang, ctx, charts))
        put(f"report_xlsx_{lang}", str(public_dir / f"report-{lang}.xlsx"),
            (src / draft.files[f"report_xlsx_{lang}"]["path"]).read_bytes())
        put(f"summary_{lang}", str(public_dir / f"summary-{lang}.html"),
            render_summary_html(public, lang, g, made_on, charts, conclusions[lang], contact))
    return record(out, year=draft.year, batch_id=draft.batch_id, batch_source=draft.batch_source,
                  guideline=draft.guideline, report_id=draft.report_id, run=draft.run, paths=paths,
                  now=now)
