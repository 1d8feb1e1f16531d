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

- **Token**: the OAuth2 client-credentials grant through authlib (client id in the sources file,
  the secret from the environment variable or Prefect block named under ``credentials``;
  ``token_auth`` ``basic``/``post`` = ``client_secret_basic``/``client_secret_post``); fetched
  again shortly before ``expires_in`` runs out, and once when the API answers 401.
- **Paging**: ``paging: next_link`` follows ``next`` (absolute or relative); ``paging: cursor``
  sends ``cursor=<next_cursor>``. It stops on an empty page, on a page shorter than the full
  pages before it, or when there is no next link/cursor; a total count is never trusted (only
  compared, with a warning when it differs). A next link seen twice or more than ``max_pages``
  pages is an error.
- **Where requests go**: a next link, and a redirect, is followed only to the configured
  origin (scheme, host and port of ``location``), and only over https except to 127.0.0.1,
  localhost or ::1; one elsewhere ends the source with a permanent error and nothing — least
  of all the token or the client secret — is sent there. Messages show URLs through
  :func:`~connectors.base.safe_url` (no password, no secret-looking query parameter).
- **Incremental**: with a watermark (the newest ``updated_at`` seen), only items changed since
  are asked for (``updated_since``, minus ``overlap_seconds``); they replace the earlier
  versions of the same ids.
- **Failures**: one retry policy (tenacity, :class:`Http`): 429 waits ``Retry-After`` (seconds
  or an HTTP date; longer than ``max_retry_after_seconds`` is an error at once); 5xx,
  connection errors, timeouts (explicit connect/read) and a body that is not valid JSON (e.g.
  cut off) are tried again with exponential backoff from ``backoff_seconds`` up to
  ``backoff_max_seconds``; at most ``max_tries`` tries, and no wait that would pass the fetch's
  ``max_seconds``. What still fails is one critical ``source_failed`` issue naming the URL and
  the page, never a traceback, and ``transient`` when trying later may help (5xx, 429,
  timeouts, connection, time limit; not 401/403/other 4xx, a wrong shape or a foreign link);
  the result is then refused as a whole.
- **Henkilötunnus**: every page kept is scanned in its parsed JSON strings (values and keys),
  so an escape such as ``\\u002d`` for the hyphen hides nothing.

Raw bytes: one :class:`~connectors.files.RawFile` per page of the page log (see
:mod:`osaava.source_state`), exactly as received.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from connectors import (SourceRead, canonical_frame, empty_frame, record_texts, scan_pages, sha256,
                        state_reset_issue)
from connectors.base import RawFile, safe_url
from osaava import jsonlimits
from osaava.issues import Issue, mask_hetu
from osaava.schema import DISCUSSIONS, ENTITIES, NEEDS
from osaava.sources import HttpOptions, RestSource, is_loopback

T = TypeVar("T")

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
    ``transient``: trying again later may help (5xx, 429, timeouts, a lost connection, the
    fetch's time limit); a refused password, another 4xx, an answer of the wrong shape or a
    link to another origin are not."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


class _TryAgain(Exception):
    """One try failed in a way the next try may not (5xx, 429, connection, timeout, bad JSON).
    ``final`` is the message once the tries are used up (``{tries}`` becomes their number);
    ``retry_after`` the wait a 429 asked for."""

    def __init__(self, final: str, *, transient: bool = True, retry_after: float | None = None):
        super().__init__(final)
        self.final = final
        self.transient = transient
        self.retry_after = retry_after


# ---------------------------------------------------------------------------------------------
# Where requests may go


def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the port made explicit for http and https."""
    p = urlsplit(url)
    try:
        port = p.port
    except ValueError:
        port = -1
    if port is None:
        port = {"http": 80, "https": 443}.get(p.scheme.lower())
    return p.scheme.lower(), (p.hostname or "").lower(), port


def origin_text(url: str) -> str:
    scheme, host, port = origin_of(url)
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"


def check_secure(url: str, what: str) -> None:
    """Credentials go over https only, or plain http to this machine."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (scheme == "http" and is_loopback(url)):
        return
    raise FetchError(f"{what}: {safe_url(url)} is not an https URL; not requested (plain http is "
                     f"used only to 127.0.0.1, localhost or ::1)")


def check_link(link: str, origin_url: str, what: str, kind: str = "next link") -> None:
    """A link of an answer is followed only to the configured origin (scheme, host and port)
    and only over https (or plain http to this machine); otherwise :class:`FetchError`
    (permanent) and nothing, least of all a credential, is sent there."""
    if origin_of(link) != origin_of(origin_url):
        raise FetchError(f"{what}: the {kind} leads to {safe_url(link)}, outside the configured "
                         f"origin {origin_text(origin_url)}; not followed, and no credentials "
                         f"were sent to it")
    check_secure(link, what)


# ---------------------------------------------------------------------------------------------
# HTTP with bounded retries (shared with the xAPI connector)

#: Same-origin redirects of a GET followed per request (another origin is refused).
MAX_REDIRECTS = 5
_RETRY_AFTER = Retry()  # urllib3's Retry-After reader: delta-seconds or an HTTP date


def retry_after(response: requests.Response) -> float | None:
    """The wait a response's ``Retry-After`` asks for (seconds or an HTTP date, read by
    urllib3); ``None`` when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return float(_RETRY_AFTER.parse_retry_after(value))
    except InvalidHeader:
        return None


class Http:
    """Bounded HTTP for one fetch: every request has explicit connect/read timeouts; one retry
    policy (tenacity) tries a request at most ``max_tries`` times and never past the fetch's
    ``max_seconds`` deadline. Retried: connection errors, timeouts, a cut body, 5xx, 429 and
    an answer that is not valid JSON. The wait is the 429's ``Retry-After`` when it gives one
    (more than ``max_retry_after_seconds`` is an error at once), else exponential backoff from
    ``backoff_seconds`` doubling up to ``backoff_max_seconds``. ``sleep`` and ``clock`` are
    seams for tests; ``waits`` records what was waited for."""

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
        self.timeout = (opts.timeout.connect, opts.timeout.read)
        self.requests = 0
        self.waits: list[float] = []  # seconds waited between tries
        self._backoff = wait_exponential(multiplier=opts.backoff_seconds, min=0,
                                         max=opts.backoff_max_seconds)

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    # -- the retry policy ---------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _TryAgain) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(state)

    def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if seconds > 0:
            self.sleep(seconds)

    def check_deadline(self, what: str) -> None:
        if self.clock() > self.deadline:
            raise FetchError(f"{what}: gave up, the fetch ran over its limit of "
                             f"{self.opts.max_seconds:g} s (max_seconds)", transient=True)

    def run(self, what: str, attempt: Callable[[], T]) -> T:
        """``attempt()`` under the retry policy; what still fails is a :class:`FetchError`
        whose message starts with ``what``."""
        over: list[bool] = []

        def past_deadline(state: RetryCallState) -> bool:
            if self.clock() + state.upcoming_sleep > self.deadline:
                over.append(True)
                return True
            return False

        def give_up(state: RetryCallState) -> NoReturn:
            exc = state.outcome.exception() if state.outcome else None
            assert isinstance(exc, _TryAgain)
            last = exc.final.replace("{tries}", str(state.attempt_number))
            if over:
                raise FetchError(f"{what}: gave up, the next try would run over the fetch's limit "
                                 f"of {self.opts.max_seconds:g} s (max_seconds); {last}",
                                 transient=True)
            raise FetchError(f"{what}: {last}", transient=exc.transient)

        retrying = Retrying(
            retry=retry_if_exception_type(_TryAgain),
            wait=self._wait,
            stop=stop_after_attempt(self.opts.max_tries) | past_deadline,
            sleep=self._sleep,
            retry_error_callback=give_up,
        )
        return retrying(attempt)

    # -- one exchange -------------------------------------------------------------------------

    def check_status(self, r: requests.Response, what: str,
                     refused: str = "check the client id and the secret its credentials name") -> None:
        """Raise for an answer that is not 2xx: :class:`_TryAgain` for 429 and 5xx,
        :class:`FetchError` (permanent) for the rest."""
        status = r.status_code
        reason = f" {r.reason}" if r.reason else ""
        if status == 429:
            wait = retry_after(r)
            if wait is not None and wait > self.opts.max_retry_after_seconds:
                raise FetchError(f"{what}: the server asks to wait {wait:g} s (HTTP 429 "
                                 f"Retry-After), more than max_retry_after_seconds "
                                 f"{self.opts.max_retry_after_seconds:g}", transient=True)
            raise _TryAgain("still rate-limited (HTTP 429) after {tries} tries", retry_after=wait)
        if status >= 500:
            raise _TryAgain(f"the server kept failing (HTTP {status}{reason}) after {{tries}} tries")
        if status in (401, 403):
            raise FetchError(f"{what}: access refused (HTTP {status}): {refused}")
        if 300 <= status < 400:
            raise FetchError(f"{what}: unexpected answer HTTP {status}{reason} (a redirect, not "
                             f"followed)")
        if not 200 <= status < 300:
            raise FetchError(f"{what}: unexpected answer HTTP {status}{reason}")

    def send(self, method: str, url: str, what: str, *, params: Mapping[str, Any] | None = None,
             auth: Any = None, headers: Mapping[str, str] | None = None) -> requests.Response:
        """One request, its body read, redirects followed only within the URL's own origin.
        Connection trouble is :class:`_TryAgain`; no status is judged here."""
        check_secure(url, what)
        hdrs = {**self.headers, **(headers or {})}
        origin = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                self.requests += 1
                r = self.session.request(method, url, params=params, auth=auth, headers=hdrs,
                                         timeout=self.timeout, allow_redirects=False, stream=True)
                # reading the body can fail too (a cut connection); at most MAX_BODY_BYTES
                r._content, r._content_consumed = _read_body(r, what), True
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as e:
                raise _TryAgain(f"no answer after {{tries}} tries ({_reason(e)})") from None
            except requests.RequestException as e:
                raise FetchError(f"{what}: the request failed ({type(e).__name__})") from None
            if not (r.is_redirect and method == "GET"):
                return r
            target = urljoin(r.url, r.headers["Location"])
            check_link(target, origin, what, kind=f"redirect (HTTP {r.status_code})")
            url, params = target, None
        raise FetchError(f"{what}: more than {MAX_REDIRECTS} redirects; stopped")

    def request(self, method: str, url: str, what: str, *, params: Mapping[str, Any] | None = None,
                auth: Any = None, headers: Callable[[], Mapping[str, str]] | None = None,
                on_401: Callable[[], None] | None = None) -> tuple[requests.Response, bytes, Any]:
        """One request, parsed as JSON, under the retry policy. ``what`` names it in messages
        (e.g. "page 3 of https://…"); ``on_401`` is called once when the server answers 401
        (a new token), and the request is made again at once. Returns the response, its bytes
        and the JSON."""
        refreshed = False

        def attempt() -> tuple[requests.Response, bytes, Any]:
            nonlocal refreshed
            self.check_deadline(what)
            r = self.send(method, url, what, params=params, auth=auth,
                          headers=headers() if headers else None)
            if r.status_code == 401 and on_401 is not None and not refreshed:
                refreshed = True
                on_401()
                r = self.send(method, url, what, params=params, auth=auth,
                              headers=headers() if headers else None)
            self.check_status(r, what)
            body = r.content
            try:
                doc = jsonlimits.loads(body)
            except jsonlimits.JsonTooDeep as e:
                raise FetchError(f"{what}: the answer is refused: {e}; the source must send "
                                 f"plain records") from None
            except ValueError as e:
                pos = getattr(e, "pos", None)
                where = f" at byte {pos} of {len(body)}" if pos is not None else ""
                raise _TryAgain(f"the answer is not valid JSON{where} "
                                f"({getattr(e, 'msg', type(e).__name__)}); it may have been cut "
                                f"off — tried {{tries}} times", transient=False) from None
            return r, body, doc

        return self.run(what, attempt)


def _read_body(r: requests.Response, what: str) -> bytes:
    """The body of a streamed response, at most ``jsonlimits.MAX_BODY_BYTES``: a larger answer
    is refused before it is read whole (the stated Content-Length is checked first)."""
    limit = jsonlimits.MAX_BODY_BYTES
    too_big = (f"{what}: the answer is larger than the limit of {limit // (1 << 20)} MB; "
               f"ask for smaller pages (page_size in the sources file)")
    try:
        stated = int(r.headers.get("Content-Length") or 0)
    except ValueError:
        stated = 0
    if stated > limit:
        r.close()
        raise FetchError(too_big)
    parts, size = [], 0
    for chunk in r.iter_content(1 << 16):
        size += len(chunk)
        if size > limit:
            r.close()
            raise FetchError(too_big)
        parts.append(chunk)
    return b"".join(parts)


def _reason(e: Exception) -> str:
    if isinstance(e, requests.ConnectTimeout):
        return "connect timeout"
    if isinstance(e, requests.ReadTimeout):
        return "read timeout"
    if isinstance(e, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off"
    return "connection refused or lost"


def scrub(text: str, secret: str | None) -> str:
    """A message as an issue may carry it: no henkilötunnus, and never the secret itself (a
    server may echo it back)."""
    text = mask_hetu(text)
    if secret and len(secret) >= 4:
        text = text.replace(secret, "***")
    return text


def full_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL as requested (compared, never shown: messages show it through ``safe_url``)."""
    return requests.Request("GET", url, params=dict(params or {})).prepare().url or url



# ---------------------------------------------------------------------------------------------
# OAuth2 client credentials


class ClientCredentials:
    """An OAuth2 access token from the client-credentials grant (RFC 6749 4.4), through
    authlib's ``OAuth2Session``: it builds the grant, authenticates the client
    (``client_secret_basic`` or ``client_secret_post`` per ``token_auth``) and reads the token
    answer and OAuth error answers. The token request runs under :class:`Http`'s retry policy
    and time limit. *When* to fetch a token again is decided here, on the fetch's ``clock``
    (a test seam; authlib's own expiry check reads the wall clock): ``TOKEN_SKEW_SECONDS``
    before ``expires_in`` runs out, and once when the API answers 401."""

    def __init__(self, http: Http, token_url: str, client_id: str, secret: str, scope: str | None,
                 style: str = "basic"):
        self.http = http
        self.token_url = token_url
        self.what = f"the token endpoint {safe_url(token_url)}"
        self.oauth = OAuth2Session(
            client_id, secret, scope=scope,
            token_endpoint_auth_method="client_secret_basic" if style == "basic" else "client_secret_post")
        self.oauth.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.oauth.register_compliance_hook("access_token_response", self._judge)
        self._token: str | None = None
        self._expires: float | None = None
        self.fetched = 0

    def close(self) -> None:
        self.oauth.close()

    def header(self) -> dict[str, str]:
        if self._token is None or (self._expires is not None and self.http.clock() >= self._expires):
            self.refresh()
        return {"Authorization": f"Bearer {self._token}"}

    def _judge(self, resp: requests.Response) -> requests.Response:
        """authlib's hook on the token answer, before it is read: the status as for any request."""
        self.http.check_status(resp, self.what,
                               refused="check client_id and the secret named under credentials")
        return resp

    def _attempt(self) -> tuple[Any, float]:
        self.http.check_deadline(self.what)
        check_secure(self.token_url, self.what)
        now = self.http.clock()
        self.http.requests += 1
        try:
            token = self.oauth.fetch_token(self.token_url, grant_type="client_credentials",
                                           timeout=self.http.timeout, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout,
                requests.exceptions.ChunkedEncodingError) as e:
            raise _TryAgain(f"no answer after {{tries}} tries ({_reason(e)})") from None
        except OAuthError as e:
            raise FetchError(f"{self.what}: the token was refused ({e.error}"
                             + (f": {e.description}" if e.description else "") + ")") from None
        except UnicodeError:  # basic authentication carries Latin-1 only
            raise FetchError(f"{self.what}: the client id or secret has characters that HTTP basic "
                             f"authentication cannot carry (not Latin-1); use token_auth: post"
                             ) from None
        except ValueError:  # not a JSON object (e.g. cut off)
            raise _TryAgain("the answer is not a JSON object; it may have been cut off — tried "
                            "{tries} times", transient=False) from None
        except requests.RequestException as e:
            raise FetchError(f"{self.what}: the request failed ({type(e).__name__})") from None
        return token, now

    def refresh(self) -> None:
        token, now = self.http.run(self.what, self._attempt)
        access = token.get("access_token")
        if not isinstance(access, str) or not access:
            raise FetchError(f"{self.what}: the answer has no access_token")
        kind = str(token.get("token_type") or "bearer")
        if kind.lower() != "bearer":
            raise FetchError(f"{self.what}: the token type is {kind!r}, not Bearer")
        self._token = access
        self.fetched += 1
        try:
            exp = float(token["expires_in"]) if token.get("expires_in") is not None else None
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


def shown_url(source: RestSource) -> str:
    """The listing's URL as messages show it (without credentials)."""
    return safe_url(list_url(source))


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
        asked = full_url(url, params)
        shown = safe_url(asked)
        if asked in seen:
            raise FetchError(f"page {n} of {shown_url(source)}: the API sent the same next page "
                             f"({shown}) again; stopped")
        seen.add(asked)
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
            link = urljoin(url, nxt)
            check_link(link, list_url(source), what)
            url, params = link, None
        else:
            cur = doc.get(source.cursor_field)
            if cur is None or cur == "":
                break
            params = {**first, source.cursor_param: cur}
    else:
        raise FetchError(f"{shown_url(source)}: more than max_pages = {source.max_pages} pages; "
                         f"stopped (raise max_pages if the listing is really that long)")
    if total is not None and total != count:
        issues.append(Issue("warning", "total_mismatch", f"{source.name} ({shown_url(source)})",
                            f"the API said {total} items in all but {count} came in the pages",
                            "Collect again later; if it persists, tell the API's vendor.",
                            params={"total": total, "got": count}))
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
    auth: ClientCredentials | None = None
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
        res.issues.append(Issue("critical", "source_failed", f"{source.name} ({shown_url(source)})",
                                scrub(str(e), secret),
                                "Nothing of this source was used. Check that the API answers and "
                                "the credentials are valid, then collect again.",
                                params={"text": "source_failed_api", "detail": scrub(str(e), secret)}))
        return res
    finally:
        if auth is not None:
            auth.close()
        http.close()
    res.requests = http.requests
    res.issues.extend(fetch_issues)
    after = {**before, **snapshot(source, new_pages)}
    # The data is the page log replayed: a fetch that changes nothing adds no page to it.
    res.changed = after != before or not previous_pages
    res.new_pages = new_pages if res.changed else []
    res.pages = [*previous_pages, *res.new_pages]
    hetu = scan_pages(res.new_pages, f"{source.name} ({shown_url(source)})")
    if hetu is not None:
        res.issues.append(hetu)
    mark, unreadable = watermark_of(source, after)
    res.watermark = mark
    if unreadable:
        res.issues.append(Issue("warning", "no_updated_at", f"{source.name} ({shown_url(source)})",
                                f"{unreadable} item(s) have no readable {source.updated_field}",
                                "Every collect fetches the whole listing until the API gives "
                                "each item an ISO 8601 change time.",
                                params={"n": unreadable, "field": source.updated_field}))
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
        return shown_url(source)

    def read(self, source: RestSource, secret: str | None, state, previous_pages: Sequence[bytes],
             ctx) -> SourceRead:
        return read_rest(source, secret or "", updated_since=state.watermark if previous_pages else None,
                         previous_pages=previous_pages, session=ctx.session, sleep=ctx.sleep,
                         clock=ctx.clock)
