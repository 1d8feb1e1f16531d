"""The goal-discussion REST connector against a real local HTTP server.

The server (``GoalsApi``, also used by test_collect_sources.py) runs in a thread on 127.0.0.1 on
a free port, serves the default JSON shape of docs/rest-api.md with OAuth2 client credentials,
and can be told to misbehave on its n-th listing request: 429 with Retry-After, a revoked
token, 500, a cut-off body. It answers at most ``max_requests`` requests (503 after that) and
every test stops it.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.rest import read_rest
from osaava.schema import ROW
from osaava.sources import RestSource

CLIENT_ID, SECRET = "osaava", "s3cret-for-tests"


class GoalsApi:
    """A goal-discussion API: ``/oauth/token`` and ``/api/discussions``."""

    def __init__(self, items: list[dict], *, paging: str = "next_link", max_requests: int = 300,
                 expires_in: int = 3600, total: int | None = None):
        self.items = items
        self.paging = paging
        self.max_requests = max_requests
        self.expires_in = expires_in
        self.total = total
        # n-th listing request → "429" | "429date" | "429bad" | "revoke" | "500" | "truncated" | "redirect"
        self.faults: dict[int, str] = {}
        self.always: str | None = None     # every listing request fails like this
        self.next_on_short_page = False
        self.next_base: str | None = None  # next links as absolute URLs on this base (another origin)
        self.seen_auth: list[str | None] = []  # the Authorization header of every request
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.token_styles: list[str] = []  # how the client authenticated at the token endpoint
        self.listings = 0
        self.requests = 0
        self.log: list[tuple[str, dict, int]] = []  # (path, params, status)
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def _send(self, status: int, body: bytes, headers: dict | None = None, params=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
                with api.lock:
                    api.log.append((urlsplit(self.path).path, params or {}, status))

            def do_POST(self):
                with api.lock:
                    api.seen_auth.append(self.headers.get("Authorization"))
                    api.requests += 1
                    over = api.requests > api.max_requests
                if over:
                    return self._send(503, b'{"error": "test server request budget used"}')
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                good = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
                basic = self.headers.get("Authorization") == good and "client_secret" not in form
                post = self.headers.get("Authorization") is None and \
                    (form.get("client_id"), form.get("client_secret")) == ([CLIENT_ID], [SECRET])
                if urlsplit(self.path).path != "/oauth/token" or not (basic or post) \
                        or form.get("grant_type") != ["client_credentials"]:
                    return self._send(401, b'{"error": "invalid_client"}')
                with api.lock:
                    api.token_styles.append("basic" if basic else "post")
                    api.token_requests += 1
                    token = f"tok-{api.token_requests}"
                    api.tokens.add(token)
                self._send(200, json.dumps({"access_token": token, "token_type": "Bearer",
                                            "expires_in": api.expires_in}).encode())

            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                with api.lock:
                    api.seen_auth.append(self.headers.get("Authorization"))
                    api.requests += 1
                    over = api.requests > api.max_requests
                    api.listings += 1
                    n = api.listings
                    fault = api.always or api.faults.get(n)
                if over:
                    return self._send(503, b'{"error": "test server request budget used"}', params=params)
                if parts.path != "/api/discussions":
                    return self._send(404, b"{}", params=params)
                auth = self.headers.get("Authorization", "")
                if fault == "revoke":
                    with api.lock:
                        api.tokens.clear()
                if not auth.startswith("Bearer ") or auth[7:] not in api.tokens:
                    return self._send(401, b'{"error": "invalid_token"}', params=params)
                if fault == "429":
                    return self._send(429, b'{"error": "slow down"}', {"Retry-After": "1"}, params)
                if fault == "429date":
                    when = email.utils.formatdate(time.time() + 30, usegmt=True)
                    return self._send(429, b'{"error": "slow down"}', {"Retry-After": when}, params)
                if fault == "429bad":
                    return self._send(429, b'{"error": "slow down"}', {"Retry-After": "soon"}, params)
                if fault == "redirect" and api.next_base:
                    return self._send(302, b"{}", {"Location": f"{api.next_base}{self.path}"}, params)
                if fault == "500":
                    return self._send(500, b'{"error": "boom"}', params=params)
                body = api.page(params)
                if fault == "truncated":
                    body = body[: len(body) // 2]
                self._send(200, body, params=params)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, params: dict) -> bytes:
        limit = int(params.get("limit", 50))
        if self.paging == "cursor":
            offset = int(base64.urlsafe_b64decode(params["cursor"]).decode()) if "cursor" in params else 0
        else:
            offset = int(params.get("offset", 0))
        with self.lock:
            items = list(self.items)
        since = params.get("updated_since")
        if since:
            t = dt.datetime.fromisoformat(since)
            items = [i for i in items if dt.datetime.fromisoformat(i["updated_at"]) >= t]
        chunk = items[offset:offset + limit]
        more = offset + limit <= len(items) and (len(chunk) == limit or self.next_on_short_page)
        more = more or (self.next_on_short_page and chunk and len(chunk) < limit)
        doc: dict = {"items": chunk, "total": self.total if self.total is not None else len(items)}
        extra = {k: v for k, v in params.items() if k not in ("offset", "cursor")}
        if self.paging == "cursor":
            doc["next_cursor"] = base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if more else None
        else:
            q = "&".join(f"{k}={v}" for k, v in {**extra, "offset": offset + limit}.items()).replace("+", "%2B")
            doc["next"] = f"{self.next_base or ''}/api/discussions?{q}" if more else None
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")

    def __enter__(self) -> "GoalsApi":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def listing_params(self) -> list[dict]:
        return [p for path, p, _ in self.log if path == "/api/discussions"]


def make_items(n: int) -> list[dict]:
    """n discussions in the default shape; item i last changed at 1.3.2024 10:i UTC."""
    statuses = ["held", "planned", "not_held"]
    items = []
    for i in range(1, n + 1):
        held = statuses[i % 3] == "held"
        items.append({
            "id": f"D{i}", "employee_number": str(10000 + i), "supervisor_number": "10005",
            "year": 2024, "status": statuses[i % 3], "held_on": f"2024-02-{1 + i % 28:02d}" if held else None,
            "updated_at": f"2024-03-01T10:{i:02d}:00+00:00",
            "needs": [{"id": f"N{i}-{k}", "competence_area": "TIED", "priority": 1 + k % 3,
                       "delivery": "training" if k else "on_the_job", "target_date": "2024-12-31"}
                      for k in range(i % 3)],
        })
    return items


def rest_source(url: str, **kw) -> RestSource:
    return RestSource.model_validate({
        "name": "goals", "kind": "rest", "location": f"{url}/api/", "path": "discussions",
        "token_url": f"{url}/oauth/token", "client_id": CLIENT_ID,
        "credentials": {"env": "OSAAVA_TEST_GOALS_SECRET"}, "page_size": 5,
        "backoff_seconds": 0.01, "backoff_max_seconds": 0.05, "max_seconds": 30,
        "timeout": {"connect": 2, "read": 5}, **kw})


class Sleeps:
    """A real sleep that remembers what it was asked."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, s: float) -> None:
        self.calls.append(s)
        time.sleep(s)


def test_every_record_exactly_once_through_429_expired_token_500_and_a_cut_body():
    items = make_items(23)
    with GoalsApi(items) as api:
        api.faults = {2: "429", 3: "revoke", 4: "500", 5: "truncated"}
        sleeps = Sleeps()
        t0 = time.monotonic()
        res = read_rest(rest_source(api.url), SECRET, sleep=sleeps)
        took = time.monotonic() - t0
    assert not res.issues, [i.line() for i in res.issues]
    d, n = res.frames["discussions"], res.frames["needs"]
    assert sorted(d["discussion_id"]) == sorted(i["id"] for i in items)
    assert d["discussion_id"].is_unique and n["need_id"].is_unique
    assert len(n) == sum(len(i["needs"]) for i in items)
    # 429 honoured with its Retry-After, the 500 and the cut body retried after a backoff
    assert 1.0 in sleeps.calls and took >= 1.0
    assert api.token_requests == 2                     # the revoked token was replaced once
    assert [s for _, _, s in api.log if s != 200] == [429, 401, 500]
    # 5 pages of 5, 5, 5, 5, 3; the short last one ends it: no request for a sixth
    assert len(res.pages) == 5 and len(res.raw) == 5
    assert res.rows_read == {"discussions": 23, "needs": len(n)}
    # codes mapped to the schema's Finnish values, dates parsed, needs linked to their item
    row = d.set_index("discussion_id").loc["D3"]
    assert row["status"] == "käyty" and row["held_on"] == dt.datetime(2024, 2, 4)
    assert set(d["status"]) == {"käyty", "sovittu", "ei käyty"}
    assert set(n["delivery"]) == {"koulutus", "työssä oppiminen"}
    need = n.set_index("need_id").loc["N5-1"]
    assert (need["discussion_id"], need["person_id"], need["priority"]) == ("D5", "10005", "2")
    assert str(d["year"].dtype) == "Int64" and d[ROW].tolist() == list(range(1, 24))
    assert res.watermark == "2024-03-01T10:23:00+00:00"


def test_cursor_paging_stops_on_an_empty_page_and_never_trusts_the_total():
    items = make_items(10)
    with GoalsApi(items, paging="cursor", total=999) as api:
        res = read_rest(rest_source(api.url, paging="cursor"), SECRET)
    assert len(res.frames["discussions"]) == 10
    assert [len(json.loads(p)["items"]) for p in res.pages] == [5, 5, 0]
    assert [i.code for i in res.issues] == ["total_mismatch"]
    assert "999" in res.issues[0].message and res.issues[0].severity == "warning"
    cursors = [p.get("cursor") for p in api.listing_params()]
    assert cursors[0] is None and all(cursors[1:])


def test_a_short_page_ends_the_listing_even_with_a_next_link():
    items = make_items(12)
    with GoalsApi(items) as api:
        api.next_on_short_page = True
        api.faults = {4: "500"}   # the page after the short one would fail: it is never asked
        res = read_rest(rest_source(api.url), SECRET)
    assert not res.issues and len(res.frames["discussions"]) == 12
    assert api.listings == 3


def test_a_server_that_keeps_failing_is_one_clear_error():
    with GoalsApi(make_items(3)) as api:
        api.always = "500"
        res = read_rest(rest_source(api.url, max_tries=3), SECRET)
        assert api.listings == 3
    assert res.refused and not res.frames and not res.raw
    (issue,) = res.issues
    assert issue.code == "source_failed" and issue.severity == "critical"
    assert f"page 1 of {api.url}/api/discussions?limit=5" in issue.message
    assert "HTTP 500" in issue.message and "after 3 tries" in issue.message
    assert "Traceback" not in issue.line() and SECRET not in issue.line()

    with GoalsApi(make_items(3)) as api:
        api.always = "truncated"
        res = read_rest(rest_source(api.url, max_tries=2), SECRET)
    (issue,) = res.issues
    assert "not valid JSON at byte" in issue.message and "page 1 of" in issue.message

    with GoalsApi([]) as api:
        url = api.url
    res = read_rest(rest_source(url, max_tries=2), SECRET)   # nothing listens there any more
    (issue,) = res.issues
    assert "no answer after 2 tries" in issue.message and "token endpoint" in issue.message

    with GoalsApi(make_items(3)) as api:
        res = read_rest(rest_source(api.url), "wrong-secret")
    (issue,) = res.issues
    assert "HTTP 401" in issue.message and "wrong-secret" not in issue.line()


def test_retry_after_too_long_is_an_error_and_http_dates_are_read():
    with GoalsApi(make_items(3)) as api:
        api.faults = {1: "429"}
        res = read_rest(rest_source(api.url, max_retry_after_seconds=0.5), SECRET)
    (issue,) = res.issues
    assert "Retry-After" in issue.message and "max_retry_after_seconds" in issue.message
    assert res.transient  # trying again later may help

    # an HTTP date is read (about 30 s from now); a Retry-After that cannot be read falls back
    # to the exponential backoff (backoff_seconds 0.01 on the first try)
    with GoalsApi(make_items(3)) as api:
        api.faults = {1: "429date", 2: "429bad"}
        waits: list[float] = []
        res = read_rest(rest_source(api.url), SECRET, sleep=waits.append)
    assert not res.issues and len(res.frames["discussions"]) == 3
    assert len(waits) == 2 and 25 <= waits[0] <= 30 and waits[1] == 0.02


def test_the_retry_policy_counts_every_try_and_keeps_to_the_deadline():
    # 429s count as tries: four in a row with max_tries 3 is a transient failure after 3 tries
    with GoalsApi(make_items(3)) as api:
        api.faults = {1: "429", 2: "429", 3: "429", 4: "429"}
        waits: list[float] = []
        res = read_rest(rest_source(api.url, max_tries=3), SECRET, sleep=waits.append)
    (issue,) = res.issues
    assert "still rate-limited (HTTP 429) after 3 tries" in issue.message and res.transient
    assert waits == [1, 1] and api.listings == 3

    # exponential backoff 0.01, 0.02, 0.04, then capped at backoff_max_seconds 0.05
    with GoalsApi(make_items(3)) as api:
        api.always = "500"
        waits = []
        res = read_rest(rest_source(api.url, max_tries=6), SECRET, sleep=waits.append)
    assert waits == [0.01, 0.02, 0.04, 0.05, 0.05] and res.transient
    assert "after 6 tries" in res.issues[0].message

    # a wait that would pass the fetch's max_seconds is not waited: transient, says why
    now = [0.0]
    with GoalsApi(make_items(3)) as api:
        api.always = "500"
        res = read_rest(rest_source(api.url, max_seconds=10, backoff_seconds=4, backoff_max_seconds=60),
                        SECRET, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])
    (issue,) = res.issues
    assert "the next try would run over the fetch's limit of 10 s (max_seconds)" in issue.message
    assert "the server kept failing (HTTP 500 Internal Server Error) after 2 tries" in issue.message
    assert res.transient
    assert now[0] == 4 and api.listings == 2   # waited 4 s once; 8 more would pass 10 s

    # a 4xx other than 401/403 is permanent and not tried again
    with GoalsApi(make_items(3)) as api:
        res = read_rest(rest_source(api.url, path="nowhere"), SECRET)
    (issue,) = res.issues
    assert "HTTP 404" in issue.message and not res.transient and api.listings == 1


def test_token_refreshed_before_it_expires():
    now = [1000.0]
    with GoalsApi(make_items(12), expires_in=3600) as api:
        def clock():
            # two hours pass after the second listing request
            return now[0] + (7200.0 if api.listings >= 2 else 0.0)
        res = read_rest(rest_source(api.url, max_seconds=100000), SECRET, clock=clock)
    assert not res.issues and len(res.frames["discussions"]) == 12
    assert api.token_requests == 2 and all(s == 200 for _, _, s in api.log)


def test_incremental_fetch_passes_updated_since_and_merges_changes():
    items = make_items(12)
    with GoalsApi(items) as api:
        src = rest_source(api.url)
        first = read_rest(src, SECRET)
        assert "updated_since" not in api.listing_params()[0]
        # two items change, one is new
        later = "2024-04-02T08:30:00+00:00"
        items[1] = {**items[1], "status": "held", "held_on": "2024-04-01", "updated_at": later}
        items[6] = {**items[6], "needs": [], "updated_at": later}
        items.append({**make_items(13)[-1], "updated_at": later})
        n_before = len(api.listing_params())
        second = read_rest(src, SECRET, updated_since=first.watermark, previous_pages=first.pages)
        asked = api.listing_params()[n_before:]
        assert asked[0]["updated_since"] == first.watermark == "2024-03-01T10:12:00+00:00"
        # unchanged: asks from the new watermark, gets only the boundary items, keeps no page
        n_before = len(api.listing_params())
        third = read_rest(src, SECRET, updated_since=second.watermark, previous_pages=second.pages)
        assert api.listing_params()[n_before]["updated_since"] == later
    # the second fetch got only the 3 changed items and D12 (changed exactly at the watermark)
    got = [i["id"] for p in second.new_pages for i in json.loads(p)["items"]]
    assert sorted(got) == ["D12", "D13", "D2", "D7"]
    assert second.changed and len(second.pages) == len(first.pages) + len(second.new_pages)
    d = second.frames["discussions"].set_index("discussion_id")
    assert len(d) == 13 and d.loc["D2", "status"] == "käyty"
    assert not (second.frames["needs"]["discussion_id"] == "D7").any()
    assert second.watermark == later
    assert not third.changed and third.new_pages == []
    assert [r.sha256 for r in third.raw] == [r.sha256 for r in second.raw]


def test_a_henkilotunnus_anywhere_in_a_page_refuses_it_without_showing_it():
    from test_connector_files import make_hetu

    hetu = make_hetu()
    items = make_items(4)
    items[2]["comment"] = f"hetu {hetu} in a field osaava does not map"
    with GoalsApi(items) as api:
        res = read_rest(rest_source(api.url), SECRET)
    hits = [i for i in res.issues if i.code == "henkilotunnus"]
    assert res.refused and len(hits) == 1 and "page 1" in hits[0].message
    assert hetu not in hits[0].line() and hetu not in json.dumps(hits[0].to_dict())


def test_a_next_link_or_redirect_to_another_origin_is_refused_and_gets_no_credentials():
    """The API's next link (or a redirect) points to another server on 127.0.0.1: another
    origin (another port). The read ends with a clear, permanent error; the other server is
    never asked, so neither the bearer token nor the client secret reach it."""
    for how, fault in (("next", None), ("redirect", "redirect")):
        with GoalsApi(make_items(12)) as api, GoalsApi(make_items(12)) as other:
            api.next_base = other.url
            if fault:
                api.faults = {2: fault}
            res = read_rest(rest_source(api.url), SECRET)
        assert res.refused and not res.frames and not res.raw and not res.transient, how
        (issue,) = res.issues
        assert issue.code == "source_failed" and issue.severity == "critical"
        assert f"leads to {other.url}/api/discussions" in issue.message, issue.message
        assert "outside the configured origin http://127.0.0.1:" in issue.message
        assert "no credentials were sent" in issue.message
        assert other.requests == 0 and other.seen_auth == [] and other.log == []
        # the configured API did get its token and the first page
        assert api.token_requests == 1 and all(a for a in api.seen_auth)
        assert SECRET not in issue.line() and "tok-" not in issue.line()

    # localhost is another host than 127.0.0.1, so another origin, even on the same port
    with GoalsApi(make_items(12)) as api:
        api.next_base = api.url.replace("127.0.0.1", "localhost")
        res = read_rest(rest_source(api.url), SECRET)
        assert api.listings == 1
    assert "outside the configured origin" in res.issues[0].message

    # the same origin written differently (host case, explicit port) is followed
    with GoalsApi(make_items(12)) as api:
        api.next_base = api.url.replace("http://", "HTTP://")
        res = read_rest(rest_source(api.url), SECRET)
    assert not res.issues and len(res.frames["discussions"]) == 12


def test_plain_http_is_only_for_this_machine():
    from connectors.rest import FetchError, check_link

    cfg = "https://hr.example.fi/api/discussions"
    check_link("https://hr.example.fi:443/api/discussions?cursor=2", cfg, "page 1")
    for link in ("http://hr.example.fi/api/discussions?cursor=2",       # https → http: other origin
                 "https://hr.example.fi:8443/api/discussions",           # other port
                 "https://evil.example/api/discussions"):                # other host
        with pytest.raises(FetchError, match="outside the configured origin https://hr.example.fi:443"):
            check_link(link, cfg, "page 1")
    check_link("http://[::1]:8080/x?cursor=2", "http://[::1]:8080/x", "page 1")
    with pytest.raises(FetchError, match="not an https URL"):
        check_link("http://hr.example.fi/x?cursor=2", "http://hr.example.fi/x", "page 1")


def test_client_secret_post_sends_the_secret_in_the_form():
    with GoalsApi(make_items(3)) as api:
        res = read_rest(rest_source(api.url, token_auth="post"), SECRET)
        assert not res.issues and api.token_styles == ["post"]
        res = read_rest(rest_source(api.url), SECRET)
        assert not res.issues and api.token_styles == ["post", "basic"]


def test_a_henkilotunnus_hidden_by_a_json_escape_is_refused_and_stored_nowhere():
    """``\\u002d`` in the raw bytes is a hyphen in the parsed string: the scan reads the
    parsed strings, values and keys alike."""
    from test_connector_files import make_hetu

    hetu = make_hetu()
    escaped = hetu.replace("-", "\\u002d")
    assert "-" in hetu and escaped != hetu
    for where in ("value", "key"):
        items = make_items(4)
        if where == "value":
            items[2]["comment"] = f"hetu {hetu} in a field osaava does not map"
        else:
            items[2]["extra"] = {hetu: "a henkilötunnus as a key"}
        with GoalsApi(items) as api:
            raw = api.page({"limit": 5})
            # the API writes the hyphen as a JSON escape: the raw bytes show no henkilötunnus
            api.page = lambda params, _page=api.page: _page(params).replace(
                hetu.encode(), escaped.encode())
            assert hetu.encode() in raw and escaped.encode() in api.page({"limit": 5})
            res = read_rest(rest_source(api.url), SECRET)
        assert hetu.encode() not in b"".join(res.pages) and escaped.encode() in b"".join(res.pages)
        hits = [i for i in res.issues if i.code == "henkilotunnus"]
        assert res.refused and len(hits) == 1 and "page 1" in hits[0].message, where
        assert hetu not in json.dumps([i.to_dict() for i in res.issues], ensure_ascii=False)
        assert escaped not in json.dumps([i.to_dict() for i in res.issues], ensure_ascii=False)


def test_messages_never_show_a_secret():
    """A server that echoes the secret back, and a next link carrying a token, show neither."""
    with GoalsApi(make_items(12)) as api:
        api.next_base = f"{api.url}/x?access_token=leaked-token&"
        res = read_rest(rest_source(api.url), SECRET)
    text = json.dumps([i.to_dict() for i in res.issues])
    assert "leaked-token" not in text and SECRET not in text and "access_token=***" in text
