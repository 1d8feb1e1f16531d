"""The goal-discussion REST connector: discussions and their training needs over HTTP.

The API (the default shape; field names and codes are configurable, see docs/rest-api.md)::

    GET {location}/{path}?limit=200[&updated_since=2024-03-01T10:00:00+00:00]
    Authorization: Bearer <token from the OAuth2 client-credentials grant at token_url>

    200 {"items": [{"id": "D1", "employee_number": "10001", "supervisor_number": "10005",
                    "year": 2024, "status": "held", "held_on": "2024-02-15",
                    "updated_at": "2024-02-16T08:00:00Z",
                    "needs": [{"id": "N1", "competence_area": "TIED", "priority": 1,
                               "delivery": "training", "target_date": "2024-12-31"}]}],
         "next": "https://…/discussions?cursor=abc" | null}

``status`` ``held``/``planned``/``not_held`` → ``käyty``/``sovittu``/``ei käyty`` and ``delivery``
``training``/``on_the_job``/``other`` → ``koulutus``/``työssä oppiminen``/``muu`` (the source's
``values`` replace these); codes already in Finnish pass unchanged. A need's discussion and
person are those of the item it is in.

How it behaves:

- **Token**: the OAuth2 client-credentials grant (client id in the sources file, the secret from
  the environment variable or Prefect block named under ``credentials``); fetched again shortly
  before ``expires_in`` runs out, and once when the API answers 401.
- **Paging**: ``paging: next_link`` follows ``next`` (absolute or relative); ``paging: cursor``
  sends ``cursor=<next_cursor>``. It stops on an empty page, on a page shorter than the full
  pages before it, or when there is no next link/cursor; a total count is never trusted (only
  compared, with a warning when it differs). A next link seen twice or more than ``max_pages``
  pages is an error.
- **Incremental**: with a watermark (the newest ``updated_at`` seen), only items changed since
  are asked for (``updated_since``, minus ``overlap_seconds``); they replace the earlier
  versions of the same ids.
- **Failures**: 429 waits ``Retry-After`` (seconds or an HTTP date, at most
  ``max_retry_after_seconds``); 5xx, connection errors, timeouts (explicit connect/read) and a
  body that is not valid JSON (e.g. cut off) are tried again with exponential backoff, at most
  ``max_tries`` times and ``max_seconds`` in all. What still fails is one critical issue naming
  the URL and the page, never a traceback; the result is then refused as a whole.

Raw bytes: one :class:`~connectors.files.RawFile` per page of the page log (see
:mod:`osaava.source_state`), exactly as received.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin

import requests

from connectors import (SourceRead, canonical_frame, empty_frame, record_texts, scan_pages, sha256,
                        state_reset_issue)
from connectors.base import RawFile
from osaava.issues import Issue, mask_hetu
from osaava.schema import DISCUSSIONS, ENTITIES, NEEDS
from osaava.sources import HttpOptions, RestSource

# The default JSON shape: vendor field → canonical column. Checked against the schema below.
DEFAULT_FIELDS: dict[str, dict[str, str]] = {
    "discussions": {"id": "discussion_id", "employee_number": "person_id",
                    "supervisor_number": "supervisor_id", "year": "year", "status": "status",
                    "held_on": "held_on"},
    "needs": {"id": "need_id", "competence_area": "competence_area", "priority": "priority",
              "delivery": "delivery", "target_date": "target_date"},
}
DEFAULT_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "discussions": {"status": {"held": "käyty", "planned": "sovittu", "not_held": "ei käyty"}},
    "needs": {"delivery": {"training": "koulutus", "on_the_job": "työssä oppiminen",
                           "other": "muu"}},
}
for _ent, _m in DEFAULT_FIELDS.items():
    _names = {c.name for c in ENTITIES[_ent].columns}
    assert set(_m.values()) <= _names, (_ent, set(_m.values()) - _names)
for _ent, _m in DEFAULT_VALUES.items():
    for _col, _vals in _m.items():
        assert set(_vals.values()) <= set(ENTITIES[_ent].column(_col).codes), (_ent, _col)

TOKEN_SKEW_SECONDS = 30.0
USER_AGENT = "osaava-connector/1"


class FetchError(Exception):
    """A source could not be read; the message is for the user (URL, page, what happened).
    ``transient``: trying again later may help (5xx, 429, timeouts, a lost connection)."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


# ---------------------------------------------------------------------------------------------
# HTTP with bounded retries (shared with the xAPI connector)


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: delta-seconds or an HTTP date; ``None`` when
    absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class Http:
    """Bounded HTTP for one fetch: every request has explicit connect/read timeouts, at most
    ``max_tries`` tries, and the whole fetch at most ``max_seconds``."""

    def __init__(self, opts: HttpOptions, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, headers: Mapping[str, str] | None = None):
        self.opts = opts
        self._own_session = session is None
        self.session = session or requests.Session()
        self.sleep = sleep
        self.clock = clock
        self.deadline = clock() + opts.max_seconds
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        self.requests = 0
        self.waits: list[tuple[str, float]] = []  # (reason, seconds): what the fetch waited for

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def _wait(self, reason: str, seconds: float, what: str) -> None:
        left = self.deadline - self.clock()
        if seconds > left:
            raise FetchError(f"{what}: gave up, the fetch would run over its limit of "
                             f"{self.opts.max_seconds:g} s (max_seconds)", transient=True)
        self.waits.append((reason, seconds))
        if seconds > 0:
            self.sleep(seconds)

    def _backoff(self, tries: int) -> float:
        return min(self.opts.backoff_seconds * (2 ** (tries - 1)), self.opts.backoff_max_seconds)

    def request(self, method: str, url: str, what: str, *, params: Mapping[str, Any] | None = None,
                data: Mapping[str, Any] | None = None, auth: Any = None,
                headers: Callable[[], Mapping[str, str]] | None = None,
                on_401: Callable[[], None] | None = None) -> tuple[requests.Response, bytes, Any]:
        """One request, parsed as JSON, retried as the module docstring says. ``what`` names it
        in messages (e.g. "page 3 of https://…"). Returns the response, its bytes and the JSON."""
        tries = 0
        limited = 0
        refreshed = False
        while True:
            if self.clock() > self.deadline:
                raise FetchError(f"{what}: gave up, the fetch ran over its limit of "
                                 f"{self.opts.max_seconds:g} s (max_seconds)", transient=True)
            tries += 1
            hdrs = {**self.headers, **(headers() if headers else {})}
            try:
                self.requests += 1
                r = self.session.request(method, url, params=params, data=data, auth=auth,
                                         headers=hdrs,
                                         timeout=(self.opts.timeout.connect, self.opts.timeout.read))
                body = r.content  # reading the body can fail too (a cut connection)
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as e:
                if tries >= self.opts.max_tries:
                    raise FetchError(f"{what}: no answer after {tries} tries ({_reason(e)})",
                                     transient=True) from None
                self._wait("connection", self._backoff(tries), what)
                continue
            except requests.RequestException as e:
                raise FetchError(f"{what}: the request failed ({type(e).__name__})") from None
            status = r.status_code
            if status == 401 and on_401 is not None and not refreshed:
                refreshed = True
                tries -= 1
                on_401()
                continue
            if status == 429:
                limited += 1
                wait = retry_after_seconds(r.headers.get("Retry-After"))
                if wait is None:
                    wait = self._backoff(limited)
                if wait > self.opts.max_retry_after_seconds:
                    raise FetchError(f"{what}: the server asks to wait {wait:g} s (HTTP 429 "
                                     f"Retry-After), more than max_retry_after_seconds "
                                     f"{self.opts.max_retry_after_seconds:g}")
                if limited > self.opts.max_tries:
                    raise FetchError(f"{what}: still rate-limited (HTTP 429) after {limited} waits",
                                     transient=True)
                tries -= 1
                self._wait("429", wait, what)
                continue
            if status >= 500:
                if tries >= self.opts.max_tries:
                    raise FetchError(f"{what}: the server kept failing (HTTP {status} "
                                     f"{r.reason or ''}) after {tries} tries".replace(" )", ")"),
                                     transient=True)
                self._wait(str(status), self._backoff(tries), what)
                continue
            if status in (401, 403):
                raise FetchError(f"{what}: access refused (HTTP {status}): check the client id "
                                 f"and the secret its credentials name")
            if not 200 <= status < 300:
                raise FetchError(f"{what}: unexpected answer HTTP {status} {r.reason or ''}".strip())
            try:
                doc = json.loads(body)
            except ValueError as e:
                if tries >= self.opts.max_tries:
                    pos = getattr(e, "pos", None)
                    where = f" at byte {pos} of {len(body)}" if pos is not None else ""
                    raise FetchError(f"{what}: the answer is not valid JSON{where} "
                                     f"({getattr(e, 'msg', type(e).__name__)}); it may have been "
                                     f"cut off — tried {tries} times") from None
                self._wait("invalid JSON", self._backoff(tries), what)
                continue
            return r, body, doc


def _reason(e: Exception) -> str:
    if isinstance(e, requests.ConnectTimeout):
        return "connect timeout"
    if isinstance(e, requests.ReadTimeout):
        return "read timeout"
    if isinstance(e, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off"
    return "connection refused or lost"


def page_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL as requested (for messages)."""
    return requests.Request("GET", url, params=dict(params or {})).prepare().url or url


# ---------------------------------------------------------------------------------------------
# OAuth2 client credentials


class ClientCredentials:
    """An OAuth2 access token from the client-credentials grant (RFC 6749 4.4)."""

    def __init__(self, http: Http, token_url: str, client_id: str, secret: str, scope: str | None,
                 style: str = "basic"):
        self.http = http
        self.token_url = token_url
        self.client_id = client_id
        self._secret = secret
        self.scope = scope
        self.style = style
        self._token: str | None = None
        self._expires: float | None = None
        self.fetched = 0

    def header(self) -> dict[str, str]:
        if self._token is None or (self._expires is not None and self.http.clock() >= self._expires):
            self.refresh()
        return {"Authorization": f"Bearer {self._token}"}

    def refresh(self) -> None:
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        auth = None
        if self.style == "basic":
            auth = (self.client_id, self._secret)
        else:
            data.update(client_id=self.client_id, client_secret=self._secret)
        what = f"the token endpoint {self.token_url}"
        now = self.http.clock()
        try:
            _, _, doc = self.http.request("POST", self.token_url, what, data=data, auth=auth)
        except FetchError as e:
            msg = str(e).replace("check the client id and the secret its credentials name",
                                 "check client_id and the secret named under credentials")
            raise FetchError(msg) from None
        token = doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            raise FetchError(f"{what}: the answer has no access_token")
        self._token = token
        self.fetched += 1
        exp = doc.get("expires_in")
        try:
            exp = float(exp) if exp is not None else None
        except (TypeError, ValueError):
            exp = None
        self._expires = None if exp is None else now + max(exp - TOKEN_SKEW_SECONDS, exp / 2)


# ---------------------------------------------------------------------------------------------
# Items → frames


def _get(item: Mapping[str, Any], path: str) -> Any:
    """A field of an item; ``a.b`` reaches into a nested object."""
    cur: Any = item
    for part in path.split("."):
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def parse_time(v: Any) -> dt.datetime | None:
    """An ISO 8601 time as an aware datetime (a time without zone is taken as UTC)."""
    if not isinstance(v, str) or not v.strip():
        return None
    try:
        t = dt.datetime.fromisoformat(v.strip())
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def items_of(page: Any, field: str, what: str) -> list:
    if not isinstance(page, dict) or not isinstance(page.get(field), list):
        raise FetchError(f"{what}: expected a JSON object with a list {field!r}")
    return page[field]


def snapshot(source: RestSource, pages: Sequence[bytes]) -> dict[str, dict]:
    """The items that the page log makes up: later versions of an id replace earlier ones (in
    the place the id first had)."""
    id_field = _id_field(source)
    out: dict[str, dict] = {}
    for n, data in enumerate(pages, start=1):
        doc = json.loads(data)
        for i, item in enumerate(items_of(doc, source.items_field, f"page {n} of the log")):
            key = _get(item, id_field) if isinstance(item, dict) else None
            key = f"#{n}.{i}" if key is None or key == "" else str(key)
            out[key] = item
    return out


def _id_field(source: RestSource) -> str:
    for vendor, canon in source.fields_for("discussions", DEFAULT_FIELDS["discussions"]).items():
        if canon == "discussion_id":
            return vendor
    return "id"


def watermark_of(source: RestSource, items: Mapping[str, dict]) -> tuple[str | None, int]:
    """The newest ``updated_at`` of the items (ISO, UTC) and how many had none readable."""
    newest, unreadable = None, 0
    for item in items.values():
        t = parse_time(_get(item, source.updated_field)) if isinstance(item, dict) else None
        if t is None:
            unreadable += 1
        elif newest is None or t > newest:
            newest = t
    return (newest.astimezone(dt.UTC).isoformat() if newest else None), unreadable


def frames_from_items(source: RestSource, items: Mapping[str, dict], issues: list[Issue]) -> dict:
    """Canonical discussions and needs of the items (rows numbered in item order)."""
    dmap = source.fields_for("discussions", DEFAULT_FIELDS["discussions"])
    nmap = source.fields_for("needs", DEFAULT_FIELDS["needs"])
    dvals = source.values_for("discussions", DEFAULT_VALUES["discussions"])
    nvals = source.values_for("needs", DEFAULT_VALUES["needs"])
    drecs, nrecs, nrows = [], [], []
    for item in items.values():
        item = item if isinstance(item, dict) else {}
        d = {canon: _get(item, vendor) for vendor, canon in dmap.items()}
        drecs.append(record_texts(DISCUSSIONS, d, dvals))
        needs = _get(item, source.needs_field) or []
        if not isinstance(needs, list):
            needs = []
        for need in needs:
            need = need if isinstance(need, dict) else {}
            n = {canon: _get(need, vendor) for vendor, canon in nmap.items()}
            for key in ("discussion_id", "person_id"):  # a need belongs to its discussion's item
                if n.get(key) in (None, ""):
                    n[key] = d.get(key)
            nrecs.append(record_texts(NEEDS, n, nvals))
            nrows.append(len(nrecs))
    frames = {}
    dname = f"{source.name}:discussions"
    nname = f"{source.name}:needs"
    wanted = set(source.entities)
    if "discussions" in wanted:
        df = canonical_frame(DISCUSSIONS, dname, drecs, list(range(1, len(drecs) + 1)), issues,
                             mapped=set(dmap.values()), vendor_of={c: v for v, c in dmap.items()})
        if df is not None:
            frames["discussions"] = df
    if "needs" in wanted:
        mapped = set(nmap.values()) | {"discussion_id", "person_id"}
        df = canonical_frame(NEEDS, nname, nrecs, nrows, issues, mapped=mapped,
                             vendor_of={c: v for v, c in nmap.items()})
        if df is not None:
            frames["needs"] = df
    return frames


# ---------------------------------------------------------------------------------------------
# Fetching


def list_url(source: RestSource) -> str:
    base = source.location if source.location.endswith("/") else source.location + "/"
    return urljoin(base, source.path.lstrip("/"))


def fetch_pages(source: RestSource, http: Http, auth: ClientCredentials,
                updated_since: str | None) -> tuple[list[bytes], list[Issue]]:
    """Every page of one listing, as received. Raises :class:`FetchError`."""
    url = list_url(source)
    first: dict[str, Any] = {}
    if source.page_size and source.page_size_param:
        first[source.page_size_param] = source.page_size
    if updated_since:
        first[source.updated_since_param] = updated_since
    params: dict[str, Any] | None = dict(first)
    pages: list[bytes] = []
    issues: list[Issue] = []
    seen: set[str] = set()
    full = 0
    count = 0
    total = None
    for n in range(1, source.max_pages + 1):
        shown = page_url(url, params)
        if shown in seen:
            raise FetchError(f"page {n} of {list_url(source)}: the API sent the same next page "
                             f"({shown}) again; stopped")
        seen.add(shown)
        what = f"page {n} of {shown}"
        _, body, doc = http.request("GET", url, what, params=params, headers=auth.header,
                                    on_401=auth.refresh)
        items = items_of(doc, source.items_field, what)
        pages.append(body)
        count += len(items)
        if n == 1 and source.total_field and isinstance(doc.get(source.total_field), int):
            total = doc[source.total_field]
        if not items or len(items) < full:
            break
        full = max(full, len(items))
        if source.paging == "next_link":
            nxt = doc.get(source.next_field)
            if not nxt or not isinstance(nxt, str):
                break
            url, params = urljoin(url, nxt), None
        else:
            cur = doc.get(source.cursor_field)
            if cur is None or cur == "":
                break
            params = {**first, source.cursor_param: cur}
    else:
        raise FetchError(f"{list_url(source)}: more than max_pages = {source.max_pages} pages; "
                         f"stopped (raise max_pages if the listing is really that long)")
    if total is not None and total != count:
        issues.append(Issue("warning", "total_mismatch", f"{source.name} ({list_url(source)})",
                            f"the API said {total} items in all but {count} came in the pages",
                            "Collect again later; if it persists, tell the API's vendor."))
    return pages, issues


def read_rest(source: RestSource, secret: str, *, updated_since: str | None = None,
              previous_pages: Sequence[bytes] = (), session: requests.Session | None = None,
              sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> SourceRead:
    """Read the goal-discussion API. Never raises for a source's failure: look at ``issues``.

    ``previous_pages`` is the page log of earlier fetches and ``updated_since`` the watermark
    (both from :mod:`osaava.source_state`); without them the fetch is a full one.
    """
    res = SourceRead(source=source.name)
    http = Http(source, session=session, sleep=sleep, clock=clock)
    try:
        try:
            before = snapshot(source, previous_pages)
        except (ValueError, FetchError):  # a stored page no longer reads: fetch everything again
            res.issues.append(state_reset_issue(source.name))
            previous_pages, updated_since, before = (), None, {}
        since = updated_since
        if since and source.overlap_seconds:
            t = parse_time(since)
            if t is not None:
                since = (t - dt.timedelta(seconds=source.overlap_seconds)).isoformat()
        auth = ClientCredentials(http, source.token_url, source.client_id, secret, source.scope,
                                 source.token_auth)
        new_pages, fetch_issues = fetch_pages(source, http, auth, since)
    except FetchError as e:
        res.requests = http.requests
        res.transient = e.transient
        res.issues.append(Issue("critical", "source_failed", f"{source.name} ({list_url(source)})",
                                mask_hetu(str(e)),
                                "Nothing of this source was used. Check that the API answers and "
                                "the credentials are valid, then collect again."))
        return res
    finally:
        http.close()
    res.requests = http.requests
    res.issues.extend(fetch_issues)
    after = {**before, **snapshot(source, new_pages)}
    # The data is the page log replayed: a fetch that changes nothing adds no page to it.
    res.changed = after != before or not previous_pages
    res.new_pages = new_pages if res.changed else []
    res.pages = [*previous_pages, *res.new_pages]
    hetu = scan_pages(res.new_pages, f"{source.name} ({list_url(source)})")
    if hetu is not None:
        res.issues.append(hetu)
    mark, unreadable = watermark_of(source, after)
    res.watermark = mark
    if unreadable:
        res.issues.append(Issue("warning", "no_updated_at", f"{source.name} ({list_url(source)})",
                                f"{unreadable} item(s) have no readable {source.updated_field}",
                                "Every collect fetches the whole listing until the API gives "
                                "each item an ISO 8601 change time."))
        res.watermark = None
    res.frames = frames_from_items(source, after, res.issues)
    n_needs = sum(len(n) for i in after.values() if isinstance(i, dict)
                  for n in [_get(i, source.needs_field)] if isinstance(n, list))
    counts = {"discussions": len(after), "needs": n_needs}
    for name in source.entities:
        res.rows_read[name] = counts[name]
        if name not in res.frames and not res.refused:
            res.frames[name] = empty_frame(ENTITIES[name], f"{source.name}:{name}")
    res.raw = [RawFile("discussions", f"{source.name}-page-{i:04d}.json", data, sha256(data))
               for i, data in enumerate(res.pages, start=1)]
    return res


class RestConnector:
    """:class:`connectors.base.Connector` of the goal-discussion REST API."""

    kind = "rest"
    incremental = True

    def origin(self, source: RestSource) -> str:
        return list_url(source)

    def read(self, source: RestSource, secret: str | None, state, previous_pages: Sequence[bytes],
             ctx) -> SourceRead:
        return read_rest(source, secret or "", updated_since=state.watermark if previous_pages else None,
                         previous_pages=previous_pages, session=ctx.session, sleep=ctx.sleep,
                         clock=ctx.clock)
