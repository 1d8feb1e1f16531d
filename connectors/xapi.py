"""The xAPI connector: e-learning completions from a learning record store → training rows.

Reads ``GET {location}/statements[?since=…&limit=…]`` with ``X-Experience-API-Version: 1.0.3``
and HTTP basic auth (user in the sources file, password from the environment variable or
Prefect block its ``credentials`` name), following ``more`` links (relative to the LRS root)
until an empty or short page or no ``more`` — at most ``max_pages`` pages. A ``more`` link (or
a redirect) to another origin than ``location``'s is refused and gets no password, as in
:mod:`connectors.rest`; retries, timeouts, 429 and invalid JSON are handled by its :class:`Http`
too. Every page kept (the first page of a fetch that found nothing new included) is scanned
for a henkilötunnus in its parsed strings.

The verb is filtered **on the client side**: ralph's file-system backend answers a ``verb=``
filter with an empty list. Statements with one of the configured ``verbs`` (default
``http://adlnet.gov/expapi/verbs/completed``) become participations; a ``voided`` statement
removes the one it points to.

One completion → one ``trainings`` row:

- ``Osallistumistunnus`` = ``participation_prefix`` + the statement id (stable: the same
  statement always gives the same participation);
- ``Koulutustunnus``: ``activities[<activity IRI>].training_id``, else the IRI's last path
  segment; ``Osaamisalue``, ``Johtamiskoulutuksen taso``, ``Koulutusmuoto`` (default
  ``default_form``, ``määrätty``) and ``Palkallisuus %`` from ``activities`` too;
- ``Henkilönumero`` (and ``Palvelussuhdenumero``, default ``default_employment_no``): the
  actor's account name or mbox looked up in ``actors`` (``"10001"`` or ``"10001/2"``), else
  ``account_name_pattern``'s first group; an actor that maps to no one is skipped with a warning;
- ``Alkupvm`` = ``Loppupvm`` = the day of the statement's ``timestamp`` in ``time_zone``;
- ``Tunnit`` = ``result.duration`` (ISO 8601, e.g. ``PT1H30M`` → 1.5), else the activity's
  ``hours``; ``Tyyppi`` ``verkko``; ``Tila`` ``suoritettu``; costs and approvals empty.

Incremental: the watermark is the newest ``stored`` (xAPI 1.0.3: ``since`` filters on stored)
or, with ``watermark: timestamp``, the newest ``timestamp`` — ralph's file backend compares
``since`` with ``timestamp``. A statement is immutable, so a page that brings no new relevant
statement changes nothing and is not kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import requests

from connectors import (SourceRead, canonical_frame, empty_frame, record_texts, scan_pages, sha256,
                        state_reset_issue)
from connectors.base import RawFile, safe_url
from connectors.rest import FetchError, Http, check_link, full_url, parse_time, scrub
from osaava.issues import Issue
from osaava.schema import TRAININGS
from osaava.sources import XapiSource

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:[.,]\d+)?)Y)?(?:(?P<mo>\d+(?:[.,]\d+)?)M)?(?:(?P<w>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<mi>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$"
)


def duration_hours(text: str | None) -> float | None:
    """An ISO 8601 duration in hours (``PT1H30M`` → 1.5, ``P1DT2H`` → 26); ``None`` when it is
    not one, or uses years or months (their length is not fixed)."""
    if not isinstance(text, str):
        return None
    m = _DURATION.fullmatch(text.strip().upper())
    if not m or text.strip().upper() in ("P", "PT") or text.strip().upper().endswith("T"):
        return None
    g = {k: float(v.replace(",", ".")) if v else 0.0 for k, v in m.groupdict().items()}
    if g["y"] or g["mo"]:
        return None
    return g["w"] * 168 + g["d"] * 24 + g["h"] + g["mi"] / 60 + g["s"] / 3600


def statements_url(source: XapiSource) -> str:
    return source.location.rstrip("/") + "/statements"


def shown_url(source: XapiSource) -> str:
    """The statements URL as messages show it (without credentials)."""
    return safe_url(statements_url(source))


def _root(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}/"


def fetch_pages(source: XapiSource, http: Http, auth: tuple[str, str], since: str | None
                ) -> list[bytes]:
    url = statements_url(source)
    params: dict[str, Any] | None = {}
    if source.page_size:
        params["limit"] = source.page_size
    if since:
        params["since"] = since
    pages: list[bytes] = []
    seen: set[str] = set()
    full = 0
    headers = {"X-Experience-API-Version": source.version}
    for n in range(1, source.max_pages + 1):
        asked = full_url(url, params)
        shown = safe_url(asked)
        if asked in seen:
            raise FetchError(f"page {n} of {shown_url(source)}: the LRS sent the same more "
                             f"link ({shown}) again; stopped")
        seen.add(asked)
        what = f"page {n} of {shown}"
        _, body, doc = http.request("GET", url, what, params=params, auth=auth,
                                    headers=lambda: headers)
        if not isinstance(doc, dict) or not isinstance(doc.get("statements"), list):
            raise FetchError(f"{what}: expected a StatementResult (an object with a list "
                             f"'statements')")
        items = doc["statements"]
        pages.append(body)
        if not items or len(items) < full:
            break
        full = max(full, len(items))
        more = doc.get("more")
        if not more or not isinstance(more, str):
            break
        link = urljoin(_root(statements_url(source)), more)
        check_link(link, statements_url(source), what, kind="more link")
        url, params = link, None
    else:
        raise FetchError(f"{shown_url(source)}: more than max_pages = {source.max_pages} "
                         f"pages; stopped")
    return pages


def _relevant(source: XapiSource, st: Mapping[str, Any]) -> bool:
    verb = (st.get("verb") or {}).get("id") if isinstance(st.get("verb"), dict) else None
    return verb in source.verbs or verb == VOIDED


def statements_of(pages: Sequence[bytes]) -> list[dict]:
    out = []
    for data in pages:
        doc = json.loads(data)
        out.extend(s for s in doc.get("statements", []) if isinstance(s, dict))
    return out


def snapshot(source: XapiSource, pages: Sequence[bytes]) -> dict[str, dict]:
    """The relevant statements of the page log by id, voided ones removed."""
    keep: dict[str, dict] = {}
    voided: set[str] = set()
    for st in statements_of(pages):
        if not _relevant(source, st):
            continue
        sid = str(st.get("id") or "")
        if st["verb"]["id"] == VOIDED:
            obj = st.get("object") or {}
            if obj.get("objectType") == "StatementRef" and obj.get("id"):
                voided.add(str(obj["id"]))
            continue
        keep.setdefault(sid, st)
    return {k: v for k, v in keep.items() if k not in voided}


def watermark_of(source: XapiSource, pages: Sequence[bytes], previous: str | None) -> str | None:
    newest = parse_time(previous)
    for st in statements_of(pages):
        t = parse_time(st.get(source.watermark))
        if t is not None and (newest is None or t > newest):
            newest = t
    return newest.astimezone(dt.UTC).isoformat() if newest else None


def _person(source: XapiSource, actor: Any) -> tuple[str | None, int | None]:
    if not isinstance(actor, dict):
        return None, None
    keys = []
    account = actor.get("account")
    name = account.get("name") if isinstance(account, dict) else None
    if name:
        keys.append(str(name))
    mbox = actor.get("mbox")
    if mbox:
        mbox = str(mbox)
        keys += [mbox, mbox.removeprefix("mailto:")]
    lookup = {k.casefold(): v for k, v in source.actors.items()}
    for k in keys:
        v = lookup.get(k.casefold())
        if v is not None:
            person, _, emp = str(v).partition("/")
            return person.strip(), int(emp) if emp.strip().isdigit() else source.default_employment_no
    if name and source.account_name_pattern:
        m = re.search(source.account_name_pattern, str(name))
        if m and m.group(1):
            return m.group(1), source.default_employment_no
    return None, None


def _name(definition: Any) -> str:
    names = definition.get("name") if isinstance(definition, dict) else None
    if isinstance(names, dict) and names:
        for lang in ("fi-FI", "fi", "sv-FI", "sv", "en-US", "en"):
            if names.get(lang):
                return str(names[lang])
        return str(next(iter(names.values())))
    return ""


def frames_from_statements(source: XapiSource, statements: Mapping[str, dict],
                           issues: list[Issue]) -> dict:
    zone = ZoneInfo(source.time_zone)
    name = f"{source.name}:trainings"
    records, rows = [], []
    unmapped, no_hours, no_time = [], [], []
    for n, st in enumerate(statements.values(), start=1):
        person, emp = _person(source, st.get("actor"))
        if person is None:
            unmapped.append(n)
            continue
        obj = st.get("object") if isinstance(st.get("object"), dict) else {}
        iri = str(obj.get("id") or "")
        act = source.activities.get(iri)
        training_id = (act.training_id if act and act.training_id else
                       (urlsplit(iri).path.rstrip("/").rsplit("/", 1)[-1] or iri))
        when = parse_time(st.get("timestamp")) or parse_time(st.get("stored"))
        if when is None:
            no_time.append(n)
            continue
        day = when.astimezone(zone).date()
        result = st.get("result") if isinstance(st.get("result"), dict) else {}
        hours = duration_hours(result.get("duration"))
        if hours is None:
            hours = act.hours if act else None
            if hours is None:
                no_hours.append(n)
        rec = {
            "participation_id": f"{source.participation_prefix}{st.get('id')}",
            "training_id": training_id,
            "person_id": person,
            "employment_no": emp,
            "training_name": _name(obj.get("definition")),
            "training_type": "verkko",
            "competence_area": act.competence_area if act else None,
            "management_level": act.management_level if act else None,
            "start": day,
            "end": day,
            "hours": hours,
            "form": (act.form if act and act.form else source.default_form),
            "paid_pct": act.paid_pct if act else None,
            "status": "suoritettu",
        }
        records.append(record_texts(TRAININGS, rec, source.values_for("trainings")))
        rows.append(n)
    if unmapped:
        issues.append(Issue("warning", "xapi_actor_unmapped", name,
                            f"{len(unmapped)} completion(s) by a learner that maps to no employee "
                            f"number were skipped", "Add the learner's account name or mbox to "
                            "actors in the sources file (or fix account_name_pattern).",
                            rows=unmapped[:20], count=len(unmapped), params={"n": len(unmapped)}))
    if no_time:
        issues.append(Issue("warning", "xapi_no_time", name,
                            f"{len(no_time)} completion(s) without a readable timestamp were "
                            f"skipped", "Ask the e-learning platform to send ISO 8601 timestamps.",
                            rows=no_time[:20], count=len(no_time), params={"n": len(no_time)}))
    if no_hours:
        issues.append(Issue("warning", "xapi_no_duration", name,
                            f"{len(no_hours)} completion(s) have no result.duration: their hours "
                            f"are empty", "Give the activity's hours under activities in the "
                            "sources file.", rows=no_hours[:20], count=len(no_hours),
                            column=TRAININGS.column("hours").header, params={"n": len(no_hours)}))
    df = canonical_frame(TRAININGS, name, records, rows, issues)
    return {"trainings": df} if df is not None else {}


def read_xapi(source: XapiSource, secret: str, *, since: str | None = None,
              previous_pages: Sequence[bytes] = (), session: requests.Session | None = None,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> SourceRead:
    """Read completions from the LRS. Never raises for a source's failure: look at ``issues``.

    ``previous_pages`` is the page log of earlier fetches and ``since`` the watermark (both from
    :mod:`osaava.source_state`); without them the fetch is a full one.
    """
    res = SourceRead(source=source.name)
    http = Http(source, session=session, sleep=sleep, clock=clock)
    try:
        try:
            known = {str(s.get("id")) for s in statements_of(previous_pages) if _relevant(source, s)}
        except (ValueError, AttributeError):  # a stored page no longer reads: fetch everything again
            res.issues.append(state_reset_issue(source.name))
            previous_pages, since, known = (), None, set()
        asked = since
        if asked and source.overlap_seconds:
            t = parse_time(asked)
            if t is not None:
                asked = (t - dt.timedelta(seconds=source.overlap_seconds)).isoformat()
        fetched = fetch_pages(source, http, (source.username, secret), asked)
    except FetchError as e:
        res.requests = http.requests
        res.transient = e.transient
        res.issues.append(Issue("critical", "source_failed", f"{source.name} ({shown_url(source)})",
                                scrub(str(e), secret),
                                "Nothing of this source was used. Check that the LRS answers and "
                                "the credentials are valid, then collect again.",
                                params={"text": "source_failed_lrs", "detail": scrub(str(e), secret)}))
        return res
    finally:
        http.close()
    res.requests = http.requests
    # A fetched page is kept only when it brings a relevant statement not already in the log
    # (statements are immutable): unchanged data gives the same page log and the same bytes.
    kept = [p for p in fetched
            if any(_relevant(source, s) and str(s.get("id")) not in known for s in statements_of([p]))]
    # A first fetch with nothing relevant still keeps its first page (the data is "none").
    res.changed = bool(kept) or not previous_pages
    res.new_pages = kept if kept or previous_pages else fetched[:1]
    res.pages = [*previous_pages, *res.new_pages]
    # every page kept by this fetch is scanned, that first page included
    hetu = scan_pages(res.new_pages, f"{source.name} ({shown_url(source)})")
    if hetu is not None:
        res.issues.append(hetu)
    res.watermark = watermark_of(source, fetched, since)
    res.frames = frames_from_statements(source, snapshot(source, res.pages), res.issues)
    if "trainings" not in res.frames and not res.refused:
        res.frames["trainings"] = empty_frame(TRAININGS, f"{source.name}:trainings")
    skipped = sum(i.count for i in res.issues if i.code in ("xapi_actor_unmapped", "xapi_no_time"))
    res.rows_read["trainings"] = len(res.frames.get("trainings", ())) + skipped
    res.raw = [RawFile("trainings", f"{source.name}-page-{i:04d}.json", data, sha256(data))
               for i, data in enumerate(res.pages, start=1)]
    return res


class XapiConnector:
    """:class:`connectors.base.Connector` of an xAPI learning record store."""

    kind = "xapi"
    incremental = True

    def origin(self, source: XapiSource) -> str:
        return safe_url(source.location)

    def read(self, source: XapiSource, secret: str | None, state, previous_pages: Sequence[bytes],
             ctx) -> SourceRead:
        return read_xapi(source, secret or "", since=state.watermark if previous_pages else None,
                         previous_pages=previous_pages, session=ctx.session, sleep=ctx.sleep,
                         clock=ctx.clock)
