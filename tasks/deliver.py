"""Deliver: the written report files → one e-mail per recipient, in the recipient's language.

Each mail: the HTML cover note as the body (an image it refers to, if any, becomes a CID part),
and as attachments the PDF report and the XLSX workbook of the same language. Only those public files are read, and
only from the public folder (``OUT/public/``): figures.json, findings-hr-internal.csv and the
data-quality report (``OUT/hr-internal/``) never leave HR.

    deliver_report(paths, doc, "committee", db_url, "kauniainen-smtp")          # block name
    deliver_report(paths, doc, "committee", db_url, EmailServerCredentials(...))  # or a block

``paths`` is what :func:`tasks.render.write_reports` returned, ``doc`` the figures document
(``YearFigures.document``): the report id is ``annual-<year>-<sha256 of figures.json>``.
"""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from osaava import warehouse
from osaava.delivery import (PDF_TYPE, XLSX_TYPE, Attachment, DeliveryError, Outgoing,
                             build_message, send_all)
from osaava.guideline import guideline_for_year
from osaava.recipients import load_recipients
from osaava.disclosure import disclose
from osaava.report import report_id, texts
from tasks.blocks import resolve_smtp
from tasks.render import PUBLIC_DIR

PUBLIC_KEYS = ("report_html_{lang}", "report_pdf_{lang}", "report_xlsx_{lang}")


def _read_report(paths: dict[str, str], lang: str
                 ) -> tuple[str, dict[str, bytes], bytes, bytes, str | None]:
    missing = [k.format(lang=lang) for k in PUBLIC_KEYS if k.format(lang=lang) not in paths]
    if missing:
        raise DeliveryError(f"the {lang} report files are missing ({', '.join(missing)}): render "
                            f"the report before delivering it")
    html_path = Path(paths[f"report_html_{lang}"])
    public_dir = html_path.parent.resolve()
    for k in PUBLIC_KEYS:  # the mail takes files only from the public folder
        p = Path(paths[k.format(lang=lang)]).resolve()
        if p.parent != public_dir or public_dir.name != PUBLIC_DIR:
            raise DeliveryError(f"{p}: refuses to send a file from outside the public report "
                                f"folder ({PUBLIC_DIR}/)")
    html = html_path.read_text(encoding="utf-8")
    from osaava.delivery import _SRC

    images = {}
    for m in _SRC.finditer(html):
        src = m.group(2)
        if src.startswith(("cid:", "data:", "http:", "https:")):
            continue
        p = (html_path.parent / src).resolve()
        if html_path.parent.resolve() not in p.parents or p.suffix.lower() != ".png":
            raise DeliveryError(f"{html_path}: refuses to attach {src!r} (not a chart of the report)")
        images[src] = p.read_bytes()
    text = None  # the cover note as text (older report folders have none)
    if f"report_text_{lang}" in paths:
        p = Path(paths[f"report_text_{lang}"]).resolve()
        if p.parent != public_dir:
            raise DeliveryError(f"{p}: refuses to send a file from outside the public report "
                                f"folder ({PUBLIC_DIR}/)")
        text = p.read_text(encoding="utf-8")
    return (html, images, Path(paths[f"report_pdf_{lang}"]).read_bytes(),
            Path(paths[f"report_xlsx_{lang}"]).read_bytes(), text)


def _published(paths: dict[str, str], doc: dict, min_persons: int) -> dict:
    """The public document as the render step published it (hr-internal/disclosure.json);
    made again from ``doc`` only when the render step did not write one."""
    p = paths.get("disclosure")
    if p and Path(p).is_file():
        import json

        return json.loads(Path(p).read_text(encoding="utf-8"))
    return disclose(doc, min_persons)


def deliver_report(paths: dict[str, str], doc: dict, recipients_group: str, db_url: str | None,
                   smtp, resend: bool = False, *, recipients_file: str | Path | None = None,
                   tries: int = 3, backoff_seconds: float = 2.0, log=None) -> list[dict]:
    """Mail the report to every recipient of the group, each in their language, at most once per
    report and recipient (``resend=True`` sends again). ``smtp``: a prefect-email block name, an
    ``EmailServerCredentials`` or :class:`~osaava.delivery.SmtpSettings`. Returns one dict per
    recipient (status "sent" or "skipped"); raises :class:`~osaava.delivery.DeliveryError`."""
    people = load_recipients(recipients_file)
    group = people.group(recipients_group)
    rid = report_id(doc)
    year = doc["year"]
    settings = resolve_smtp(smtp)
    files = {lang: _read_report(paths, lang) for lang in sorted({r.language for r in group})}
    min_persons = guideline_for_year(year).suppression_min_persons
    public = _published(paths, doc, min_persons)

    def builder(address: str, lang: str):
        t = texts(lang)
        html, images, pdf, xlsx, text = files[lang]
        targets = public["targets"]  # what the public report says: a hidden figure is no "met"
        n_met = sum(1 for x in targets if x.get("met"))
        text = text or t["mail"]["text"].format(
            title=t["title"].format(year=year), lead=t["lead"].format(met=n_met, total=len(targets)),
            pdf=t["mail"]["pdf_name"].format(year=year), xlsx=t["mail"]["xlsx_name"].format(year=year),
            public=t["public_document"].format(n=min_persons))
        attachments = [Attachment(t["mail"]["pdf_name"].format(year=year), pdf, *PDF_TYPE),
                       Attachment(t["mail"]["xlsx_name"].format(year=year), xlsx, *XLSX_TYPE)]
        return lambda msg_id: build_message(
            sender=people.sender, recipient=address, subject=t["mail"]["subject"].format(year=year),
            text=text, html=html, images=images, attachments=attachments, language=lang,
            msg_id=msg_id, reply_to=people.reply_to)

    outgoing = [Outgoing(r.address, r.language, recipients_group, builder(r.address, r.language))
                for r in group]
    engine = warehouse.Warehouse.open(db_url).engine
    return send_all(engine, rid, people.sender, outgoing, settings.connect, resend=resend,
                    tries=tries, backoff_seconds=backoff_seconds, log=log or (lambda _m: None))


@task(name="deliver report", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=1800)
def deliver(paths: dict[str, str], doc: dict, recipients_group: str, db_url: str | None,
            smtp_block_name: str, resend: bool = False) -> list[dict]:
    """The Prefect task: no retries of its own (the SMTP retries and the ledger are inside)."""
    logger = get_run_logger()
    return deliver_report(paths, doc, recipients_group, db_url, smtp_block_name, resend,
                          log=logger.info)
