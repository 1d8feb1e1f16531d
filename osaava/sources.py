"""Source configuration: which HR system serves which entity, and how to read it.

A sources file is YAML, validated by pydantic; an error names the file, the key and the problem
(:class:`~osaava.guideline.ConfigError`). Example: ``osaava/config/sources-example.yaml``.

Each source has

- ``name``: a plain name (letters, digits, ``_``, ``-``, ``.``); also the folder of its state
  and of its landed bytes;
- ``kind``: ``files`` (an export folder), ``rest`` (the goal-discussion REST API), ``sql`` (the
  payroll database) or ``xapi`` (an xAPI learning record store);
- ``location``: the folder (relative paths are relative to the sources file), the base URL, the
  SQLAlchemy URL (without password) or the LRS URL (up to and including ``/xAPI``). The URLs of
  rest and xapi sources (and ``token_url``) are https, or plain http to this machine only
  (127.0.0.1, localhost, ::1); no URL holds a password or a secret-looking query parameter
  (``password=``, ``sslpassword=``, ``token=`` …);
- ``entities``: the canonical entities it serves (:data:`osaava.schema.ENTITIES`). An entity
  served by no other source comes from the ``files`` source; an entity may be served by several
  sources (e.g. trainings from the files and e-learning from the LRS): their rows are added up;
- ``fields``: per entity, vendor field → canonical column name (``osaava.schema``);
- ``values``: per entity and canonical column, vendor value → canonical code (e.g. the REST
  API's ``held`` → ``käyty``), compared case-insensitively;
- ``credentials``: the NAME of the environment variable (``env``) or of the Prefect Secret block
  (``block``) that holds the secret: the OAuth2 client secret (rest), the database password
  (sql) or the LRS password (xapi). Never the secret itself: a key that looks like a secret,
  or a URL with a password in it, is refused;
- the options of its kind (paging of rest, queries/views of sql, verbs and mappings of xapi).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from osaava.guideline import ConfigError, _load_yaml
from osaava.schema import ENTITIES

Kind = Literal["files", "rest", "sql", "xapi"]

#: What each kind of source can serve.
SERVES: dict[str, frozenset[str]] = {
    "files": frozenset(ENTITIES),
    "rest": frozenset({"discussions", "needs"}),
    "sql": frozenset(ENTITIES),
    "xapi": frozenset({"trainings"}),
}

XAPI_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"

_NAME_RE = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
# Keys that would hold a secret: they never belong in a sources file.
_SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|api[_-]?key|access[_-]?token|bearer|private[_-]?key)$",
                         re.IGNORECASE)


# Query parameters that would carry a secret in a URL (``?password=``, ``sslpassword``, ``token``…).
_SECRET_PARAM = re.compile(r"pass(word|wd|phrase)|^pass$|pwd|secret|token|api[_-]?key|credential",
                           re.IGNORECASE)
#: Hosts that are this machine: the only ones plain http (no TLS) may be used for.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_secret_param(name: str) -> bool:
    """Whether a URL query parameter of this name looks like it holds a secret."""
    return bool(_SECRET_PARAM.search(name.strip()))


def secret_params(url: str) -> list[str]:
    """The query parameters of ``url`` whose names look like they hold a secret."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    return [k for k, _ in parse_qsl(query, keep_blank_values=True) if is_secret_param(k)]


def is_loopback(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return (host or "").lower() in LOOPBACK_HOSTS


def check_http_url(v: str, what: str) -> str:
    """An http(s) URL that credentials may be sent to: https, or plain http to this machine
    only; no password in it and no secret-looking query parameter. ``ValueError`` says why."""
    try:
        parts = urlsplit(v)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as e:
        raise ValueError(f"not a URL ({e})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} must be an https:// URL with a host")
    if parts.scheme != "https" and not is_loopback(v):
        raise ValueError(f"{what} must be an https:// URL: plain http is allowed only to this "
                         f"machine (127.0.0.1, localhost, ::1), since credentials are sent to it")
    if parts.password:
        raise ValueError("the URL holds a password: remove it and name the environment "
                         "variable or Prefect block that holds it under credentials")
    bad = secret_params(v)
    if bad:
        raise ValueError(f"the URL holds a secret-looking query parameter ({', '.join(bad)}): "
                         f"remove it and name the environment variable or Prefect block that "
                         f"holds the secret under credentials")
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Credentials(_Model):
    """Where the secret is: exactly one of an environment variable or a Prefect Secret block."""

    env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                            description="name of the environment variable holding the secret")
    block: str | None = Field(None, min_length=1,
                              description="name of the Prefect Secret block holding the secret")

    @model_validator(mode="after")
    def _one(self) -> "Credentials":
        if (self.env is None) == (self.block is None):
            raise ValueError("give exactly one of env (an environment variable name) or block "
                             "(a Prefect Secret block name)")
        return self

    def describe(self) -> str:
        return f"environment variable {self.env}" if self.env else f"Prefect Secret block {self.block!r}"


class Timeouts(_Model):
    connect: float = Field(5.0, gt=0, description="seconds to open a connection")
    read: float = Field(60.0, gt=0, description="seconds to wait for the answer")


class HttpOptions(_Model):
    """Bounds of an HTTP source: every loop is bounded in count and time."""

    timeout: Timeouts = Timeouts()
    max_tries: int = Field(5, ge=1, le=20, description="tries of one request (5xx, connection, bad JSON)")
    backoff_seconds: float = Field(1.0, ge=0, description="first wait between tries; doubles")
    backoff_max_seconds: float = Field(30.0, ge=0)
    max_retry_after_seconds: float = Field(120.0, ge=0,
                                           description="longest Retry-After of a 429 that is honoured")
    max_pages: int = Field(10_000, ge=1)
    max_seconds: float = Field(1800.0, gt=0, description="the whole fetch, all pages")
    page_size: int | None = Field(200, ge=1)
    overlap_seconds: float = Field(0.0, ge=0, description="fetch this much before the watermark "
                                                          "again (clock skew); repeats are merged")


class _SourceBase(_Model):
    name: str = Field(pattern=_NAME_RE)
    location: str = Field(min_length=1)
    entities: tuple[str, ...] = ()
    fields: dict[str, dict[str, str]] = Field(default_factory=dict)
    values: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    credentials: Credentials | None = None
    retries: int = Field(2, ge=0, le=10, description="tries again after a transient failure "
                                                     "(5xx, timeout, no connection) of the whole read")
    retry_delay_seconds: float = Field(300.0, ge=0, description="wait before each of those tries")
    timeout_seconds: float = Field(3600.0, gt=0, description="the whole read of this source, at most")

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [e for e in v if e not in ENTITIES]
        if unknown:
            raise ValueError(f"unknown entit{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; "
                             f"known: {', '.join(ENTITIES)}")
        if len(set(v)) != len(v):
            raise ValueError("an entity is listed twice")
        return v

    @model_validator(mode="after")
    def _mappings(self) -> "_SourceBase":
        kind = getattr(self, "kind")
        bad = [e for e in self.entities if e not in SERVES[kind]]
        if bad:
            raise ValueError(f"a {kind} source cannot serve {', '.join(bad)} (it serves "
                             f"{', '.join(sorted(SERVES[kind]))})")
        for ent, mapping in self.fields.items():
            if ent not in ENTITIES:
                raise ValueError(f"fields.{ent}: unknown entity")
            names = {c.name for c in ENTITIES[ent].columns}
            for vendor, canon in mapping.items():
                if canon not in names:
                    raise ValueError(f"fields.{ent}.{vendor}: {canon!r} is not a column of {ent} "
                                     f"(columns: {', '.join(sorted(names))})")
            dup = {c for c in mapping.values() if list(mapping.values()).count(c) > 1}
            if dup:
                raise ValueError(f"fields.{ent}: {', '.join(sorted(dup))} mapped from two vendor fields")
        for ent, cols in self.values.items():
            if ent not in ENTITIES:
                raise ValueError(f"values.{ent}: unknown entity")
            for cname, mapping in cols.items():
                try:
                    col = ENTITIES[ent].column(cname)
                except KeyError:
                    raise ValueError(f"values.{ent}.{cname}: not a column of {ent}") from None
                if col.codes:
                    allowed = {c.casefold() for c in col.codes}
                    wrong = [t for t in mapping.values() if str(t).casefold() not in allowed]
                    if wrong:
                        raise ValueError(f"values.{ent}.{cname}: {', '.join(map(repr, wrong))} not "
                                         f"allowed; allowed: {', '.join(col.codes)}")
        return self

    @field_validator("location")
    @classmethod
    def _no_password_in_url(cls, v: str) -> str:
        if "://" in v:
            parts = urlsplit(v)
            if parts.password:
                raise ValueError("the URL holds a password: remove it and name the environment "
                                 "variable or Prefect block that holds it under credentials")
        return v

    def fields_for(self, entity: str, default: Mapping[str, str] | None = None) -> dict[str, str]:
        """vendor field → canonical column of an entity: the configured one, else the default."""
        if entity in self.fields:
            return dict(self.fields[entity])
        return dict(default or {})

    def values_for(self, entity: str, default: Mapping[str, Mapping[str, str]] | None = None
                   ) -> dict[str, dict[str, str]]:
        """canonical column → {vendor value (case-folded) → canonical code}."""
        out = {c: dict(m) for c, m in (default or {}).items()}
        out.update({c: dict(m) for c, m in self.values.get(entity, {}).items()})
        return {c: {str(k).casefold(): str(v) for k, v in m.items()} for c, m in out.items()}


class FilesSource(_SourceBase):
    kind: Literal["files"]


class RestSource(_SourceBase, HttpOptions):
    """The goal-discussion REST API (docs/rest-api.md)."""

    kind: Literal["rest"]
    entities: tuple[str, ...] = ("discussions", "needs")
    path: str = Field("discussions", description="path of the list below location")
    token_url: str = Field(description="OAuth2 token endpoint (client-credentials grant)")
    client_id: str = Field(min_length=1, description="OAuth2 client id (not a secret)")
    scope: str | None = None
    token_auth: Literal["basic", "post"] = Field(
        "basic", description="client authentication at the token endpoint (RFC 6749 2.3.1)")
    paging: Literal["next_link", "cursor"] = "next_link"
    items_field: str = "items"
    next_field: str = Field("next", description="next_link paging: the URL of the next page")
    cursor_field: str = Field("next_cursor", description="cursor paging: the next cursor")
    cursor_param: str = "cursor"
    page_size_param: str | None = "limit"
    updated_since_param: str = "updated_since"
    updated_field: str = Field("updated_at", description="item field of the last change (the watermark)")
    needs_field: str = Field("needs", description="item field holding the list of needs")
    total_field: str | None = Field("total", description="a total count, if the API gives one: "
                                                         "only compared, never trusted")

    @field_validator("location")
    @classmethod
    def _api_url(cls, v: str) -> str:
        return check_http_url(v, "the API's location")

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, v: str) -> str:
        return check_http_url(v, "token_url")

    @model_validator(mode="after")
    def _needs_credentials(self) -> "RestSource":
        if self.credentials is None:
            raise ValueError("credentials: required for a rest source (where the OAuth2 client "
                             "secret is)")
        return self


class SqlQuery(_Model):
    """One entity of the payroll database: a query with ``:start`` / ``:end`` or a view."""

    query: str | None = Field(None, description="SQL; may use the bound parameters :start and :end")
    view: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$",
                             description="[schema.]view read whole, ordered by every mapped column")
    period_columns: tuple[str, ...] = Field(
        (), max_length=2, description="view only: [start] or [start, end] vendor columns; keeps "
                                      "rows overlapping :start–:end (an empty end is ongoing)")

    @model_validator(mode="after")
    def _one(self) -> "SqlQuery":
        if (self.query is None) == (self.view is None):
            raise ValueError("give exactly one of query or view")
        if self.period_columns and self.view is None:
            raise ValueError("period_columns goes with a view; a query filters with :start and :end itself")
        return self


class SqlSource(_SourceBase):
    """The payroll database (SQLAlchemy URL without password)."""

    kind: Literal["sql"]
    entities: tuple[str, ...] = ("employments", "payroll", "absences")
    queries: dict[str, SqlQuery]
    chunk_rows: int = Field(10_000, ge=1, description="rows fetched and converted at a time")
    years_back: int = Field(5, ge=0, description="default :start = 1.1. of (last year − years_back)")
    connect_timeout: int = Field(10, ge=1, description="seconds")

    @field_validator("location")
    @classmethod
    def _sqlalchemy_url(cls, v: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(v)
        except ArgumentError as e:
            raise ValueError(f"not a SQLAlchemy URL ({e})") from None
        if url.password:
            raise ValueError("the URL holds a password: remove it and name the environment "
                             "variable or Prefect block that holds it under credentials")
        bad = [k for k in url.query if is_secret_param(k)]
        if bad:
            raise ValueError(f"the URL holds a secret-looking query parameter ({', '.join(bad)}): "
                             f"remove it and name the environment variable or Prefect block that "
                             f"holds the password under credentials")
        return v

    @model_validator(mode="after")
    def _queries(self) -> "SqlSource":
        missing = [e for e in self.entities if e not in self.queries]
        extra = [e for e in self.queries if e not in self.entities]
        if missing:
            raise ValueError(f"queries: no query or view for {', '.join(missing)}")
        if extra:
            raise ValueError(f"queries: {', '.join(extra)} not listed in entities")
        for e in self.entities:
            if not self.fields.get(e):
                raise ValueError(f"fields.{e}: map the vendor columns to canonical columns")
            q = self.queries[e]
            if q.view is not None:
                bad = [c for c in [*self.fields[e], *q.period_columns] if not _IDENT.fullmatch(c)]
                if bad:
                    raise ValueError(f"fields.{e}: {', '.join(map(repr, bad))} is not a plain column "
                                     f"name (letters, digits, _); use a query to read such a column")
        return self


class XapiActivity(_Model):
    """What an e-learning activity is in the training register."""

    training_id: str | None = Field(None, description="Koulutustunnus; default: the activity IRI's "
                                                      "last path segment")
    competence_area: str | None = None
    management_level: Literal["1", "2", "3", "4"] | None = None
    form: str | None = Field(None, description="Koulutusmuoto; default: the source's default_form")
    paid_pct: float | None = Field(None, ge=0, le=100)
    hours: float | None = Field(None, ge=0, description="when a statement has no result.duration")


class XapiSource(_SourceBase, HttpOptions):
    """An xAPI 1.0.3 learning record store, read with basic auth."""

    kind: Literal["xapi"]
    entities: tuple[str, ...] = ("trainings",)
    username: str = Field(min_length=1, description="basic-auth user (the password is the secret)")
    verbs: tuple[str, ...] = Field((XAPI_COMPLETED,), min_length=1,
                                   description="verb ids that make a participation; filtered on "
                                               "the client side")
    actors: dict[str, str] = Field(
        default_factory=dict,
        description="account name or mbox (mailto:…) → employee number, 'N' or 'N/employment'")
    account_name_pattern: str | None = Field(
        None, description="regex on the account name whose first group is the employee number, "
                          "for actors not listed")
    default_employment_no: int = Field(1, ge=0)
    activities: dict[str, XapiActivity] = Field(default_factory=dict,
                                                description="activity IRI → training attributes")
    default_form: str = "määrätty"
    participation_prefix: str = Field("xapi-", description="Osallistumistunnus = prefix + statement id")
    watermark: Literal["stored", "timestamp"] = Field(
        "stored", description="the statement time that `since` filters on: xAPI 1.0.3 says stored; "
                              "ralph's file backend compares timestamp")
    time_zone: str = Field("Europe/Helsinki", description="the day of a completion is taken here")
    version: str = Field("1.0.3", description="X-Experience-API-Version header")
    page_size: int | None = Field(100, ge=1)

    @field_validator("location")
    @classmethod
    def _lrs_url(cls, v: str) -> str:
        return check_http_url(v, "the LRS location")

    @field_validator("account_name_pattern")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                if re.compile(v).groups < 1:
                    raise ValueError("the pattern needs a group (…) around the employee number")
            except re.error as e:
                raise ValueError(f"not a regular expression ({e})") from None
        return v

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @model_validator(mode="after")
    def _checks(self) -> "XapiSource":
        from osaava.schema import TRAININGS

        forms = {c.casefold() for c in TRAININGS.column("form").codes}
        for iri, act in {"default_form": XapiActivity(form=self.default_form), **self.activities}.items():
            if act.form is not None and act.form.casefold() not in forms:
                raise ValueError(f"activities.{iri}.form: {act.form!r} not allowed; allowed: "
                                 f"{', '.join(TRAININGS.column('form').codes)}")
        if self.credentials is None:
            raise ValueError("credentials: required for an xapi source (where the LRS password is)")
        return self


Source = Annotated[FilesSource | RestSource | SqlSource | XapiSource, Field(discriminator="kind")]


SECRET_ADVICE = ("secrets never go into the sources file; put the value in an environment "
                 "variable or a Prefect Secret block and name it under credentials")


def secret_keys(data: Any, path: str = "") -> list[str]:
    """Key paths that look like they hold a secret (``password``, ``client_secret``, …)."""
    out: list[str] = []
    if isinstance(data, dict):
        for k, x in data.items():
            here = f"{path}.{k}" if path else str(k)
            parent = path.rsplit(".", 1)[-1]
            if isinstance(k, str) and _SECRET_KEY.search(k) and parent not in ("actors", "activities") \
                    and ".fields." not in f".{path}." and ".values." not in f".{path}.":
                out.append(here)
            out.extend(secret_keys(x, here))
    elif isinstance(data, list):
        for i, x in enumerate(data):
            out.extend(secret_keys(x, f"{path}.{i}" if path else str(i)))
    return out


class SourcesConfig(_Model):
    version: Literal[1] = 1
    state_dir: str | None = Field(None, description="incremental state; default <var>/sources")
    sources: tuple[Source, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        found = secret_keys(data)
        if found:
            raise ValueError(f"{found[0]}: {SECRET_ADVICE}")
        return data

    @model_validator(mode="after")
    def _cover(self) -> "SourcesConfig":
        names = [s.name for s in self.sources]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"sources: the name {', '.join(dup)} is used twice")
        files = [s for s in self.sources if s.kind == "files"]
        if len(files) > 1:
            raise ValueError("sources: at most one files source")
        missing = [e for e, names in self.served_by().items() if not names]
        if missing:
            raise ValueError(f"sources: no source serves {', '.join(missing)}; add a files "
                             f"source or list them in a source's entities")
        return self

    def served_by(self) -> dict[str, list[str]]:
        """entity → names of the sources serving it (files fills what the others do not)."""
        out: dict[str, list[str]] = {e: [] for e in ENTITIES}
        for s in self.sources:
            for e in self.entities_of(s):
                out[e].append(s.name)
        return out

    def entities_of(self, source) -> tuple[str, ...]:
        if source.kind != "files":
            return tuple(source.entities)
        if source.entities:
            return tuple(source.entities)
        others = {e for s in self.sources if s.kind != "files" for e in s.entities}
        return tuple(e for e in ENTITIES if e not in others)

    def source(self, name: str):
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


def _loc_text(data: dict, loc: tuple) -> str:
    """``sources.1.token_url (source 'goals')``: the key path without pydantic's union tags."""
    parts: list[str] = []
    label = ""
    for i, p in enumerate(loc):
        if i == 2 and loc[0] == "sources" and p in ("files", "rest", "sql", "xapi"):
            continue  # the discriminator tag of the union
        parts.append(str(p))
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        try:
            src = data["sources"][loc[1]]
            label = f" (source {src.get('name')!r}" + (f", kind {src['kind']}" if src.get("kind") else "") + ")"
        except (KeyError, IndexError, TypeError, AttributeError):
            label = ""
    return (".".join(parts) or "(top)") + label


def _problem(data: dict, err: dict) -> str:
    msg = err["msg"].removeprefix("Value error, ")
    if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        tag = (err.get("ctx") or {}).get("tag")
        msg = (f"unknown kind {tag!r}" if tag else "kind is missing") + "; kinds: files, rest, sql, xapi"
        return f"key {_loc_text(data, (*err['loc'], 'kind'))}: {msg}"
    if not err["loc"] and re.match(r"^[\w.]+: ", msg):  # a model check names its key itself
        return f"key {msg}"
    return f"key {_loc_text(data, err['loc'])}: {msg}"


def load_sources(path: Path) -> SourcesConfig:
    """Read and validate a sources file; :class:`ConfigError` names the file, key and problem."""
    path = Path(path)
    data = _load_yaml(path)
    found = secret_keys(data)
    if found:
        raise ConfigError(f"{path}: " + "; ".join(f"key {k}: {SECRET_ADVICE}" for k in found))
    try:
        cfg = SourcesConfig.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(_problem(data, err) for err in e.errors())
        raise ConfigError(f"{path}: {problems}") from None
    return cfg


DEFAULT_FILES_SOURCE = "export"


def default_sources(input_dir: Path | str) -> SourcesConfig:
    """The embedded default when no sources file is given: one files source over the export
    folder, serving every entity."""
    folder = Path(os.path.expanduser(str(input_dir))).absolute()
    return SourcesConfig(sources=(FilesSource(name=DEFAULT_FILES_SOURCE, kind="files",
                                              location=str(folder)),))


def files_location(cfg_path: Path, source: FilesSource) -> Path:
    """A files source's folder; a relative one is relative to the sources file."""
    p = Path(os.path.expanduser(source.location))
    return p if p.is_absolute() else (Path(cfg_path).parent / p)


SecretLoader = Callable[[str], str]


def resolve_secret(source, config_path: Path | str = "sources file",
                   block_loader: SecretLoader | None = None,
                   environ: Mapping[str, str] | None = None) -> str | None:
    """The secret of a source, from the environment variable or Prefect block it names.

    ``block_loader(name) -> str`` reads a Prefect Secret block; the domain never imports Prefect,
    so a flow passes e.g. ``lambda n: Secret.load(n).get()``. Missing → :class:`ConfigError`.
    """
    cred: Credentials | None = source.credentials
    if cred is None:
        return None
    env = os.environ if environ is None else environ
    if cred.env is not None:
        value = env.get(cred.env)
        if not value:
            raise ConfigError(f"{config_path}: key sources.{source.name}.credentials.env: the "
                              f"environment variable {cred.env} is not set (it holds the secret "
                              f"of source {source.name!r})")
        return value
    if block_loader is None:
        raise ConfigError(f"{config_path}: key sources.{source.name}.credentials.block: the Prefect "
                          f"block {cred.block!r} can only be read inside a Prefect run (give "
                          f"block_loader), or name an environment variable instead")
    try:
        value = block_loader(cred.block)
    except Exception as e:  # the block store's own error types vary
        raise ConfigError(f"{config_path}: key sources.{source.name}.credentials.block: the Prefect "
                          f"block {cred.block!r} cannot be read ({type(e).__name__})") from None
    if not value:
        raise ConfigError(f"{config_path}: key sources.{source.name}.credentials.block: the Prefect "
                          f"block {cred.block!r} is empty")
    return str(value)
