"""The monthly follow-up: figures of the year so far → a short mail to the management team.

The mail is a public output: its figures pass the disclosure step
(:func:`osaava.disclosure.disclose_follow_up`) and its page is written to ``OUT/public/``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from osaava import warehouse
from osaava.delivery import Outgoing, build_message, send_all
from osaava.disclosure import disclose_follow_up, exposure
from osaava.figures import compute
from osaava.follow_up import follow_up, render_follow_up_html
from osaava.guideline import guideline_for_year, load_codes
from osaava.recipients import load_recipients
from osaava.notices import texts as _texts
from tasks.blocks import smtp_block_name
from tasks.render import PUBLIC_DIR


def as_of_today() -> dt.date:
    """The last day of the previous month, Helsinki time."""
    today = dt.datetime.now(ZoneInfo("Europe/Helsinki")).date()
    return today.replace(day=1) - dt.timedelta(days=1)


def follow_up_files(year: int | None, sectors: list[str], out: str, db_url: str | None = None,
                    as_of: dt.date | None = None) -> dict:
    as_of = as_of or as_of_today()
    year = year or as_of.year
    engine = warehouse.Warehouse.open(db_url).engine
    info = warehouse.latest_batch(engine)
    if info is None:
        raise LookupError("the warehouse has no loaded batch: run collect first")
    frames = warehouse.load_frames(engine, info.id)
    g = guideline_for_year(year)
    fig = compute(frames, g, load_codes(), year)
    summary = disclose_follow_up(follow_up(fig, g, as_of, sectors or None), fig.organisation,
                                 fig.sectors, g.suppression_min_persons, exposure(frames, fig, g))
    folder = Path(out) / PUBLIC_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for lang in ("fi", "sv"):
        p = folder / f"follow-up-{year}-{as_of.isoformat()}-{lang}.html"
        p.write_text(render_follow_up_html(summary, lang, _texts()[lang], fig.sector_names,
                                           g.targets.discussion_coverage_pct), encoding="utf-8")
        paths[lang] = str(p)
    return {"summary": summary, "paths": paths, "batch_id": info.id}


@task(name="follow-up figures", persist_result=False, cache_policy=NO_CACHE, timeout_seconds=1800)
def make_follow_up(year: int | None, sectors: list[str], out: str) -> dict:
    return follow_up_files(year, sectors, out)


@task(name="mail follow-up", persist_result=False, cache_policy=NO_CACHE)
def mail_follow_up(made: dict, group: str) -> list[dict]:
    from tasks.blocks import resolve_smtp as _settings

    log = get_run_logger()
    s = made["summary"]
    people = load_recipients()
    as_of = dt.date.fromisoformat(s["as_of"])
    bodies = {lang: Path(p).read_text(encoding="utf-8") for lang, p in made["paths"].items()}

    def make(address: str, lang: str):
        subject = _texts()[lang]["follow_up_subject"].format(
            year=s["year"], as_of=f"{as_of.day}.{as_of.month}.{as_of.year}")
        return lambda mid: build_message(sender=people.sender, recipient=address, subject=subject,
                                         text=subject, html=bodies[lang], images={}, attachments=[],
                                         language=lang, msg_id=mid, reply_to=people.reply_to)

    outgoing = [Outgoing(r.address, r.language, group, make(r.address, r.language))
                for r in people.group(group)]
    engine = warehouse.Warehouse.open(None).engine
    return send_all(engine, f"follow-up-{s['year']}-{s['as_of']}", people.sender, outgoing,
                    _settings(smtp_block_name()).connect, log=log.info)
