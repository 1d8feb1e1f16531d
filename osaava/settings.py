"""The installation's settings: one object, built once at the edge (a flow's start, the CLI) and
passed down. Nothing else reads the environment for osaava's own settings.

Every setting comes from an ``OSAAVA_*`` environment variable (for local runs and the worker's
service unit) or its default; secrets are never settings (they live in Prefect blocks).

| variable | setting | default |
| --- | --- | --- |
| ``OSAAVA_HOME`` | the installation's folder | the working directory |
| ``OSAAVA_VAR`` | landing area, quality reports, source state, the SQLite warehouse | ``<home>/var`` |
| ``OSAAVA_DB_URL`` | the warehouse (SQLAlchemy URL) | ``sqlite:///<var>/osaava.db`` |
| ``OSAAVA_SOURCES`` | the sources file the nightly collect reads | none: the export folder |
| ``OSAAVA_EXPORT`` | the export folder when there is no sources file | ``<var>/export`` |
| ``OSAAVA_RECIPIENTS`` | the recipients file | the packaged example |
| ``OSAAVA_SMTP_BLOCK`` | the prefect-email block of the SMTP relay | ``osaava-smtp`` |
| ``OSAAVA_PREFECT_HOME`` | the temporary Prefect server's home for CLI runs | ``<var>/prefect`` |
| ``OSAAVA_ALLOWED_PATHS`` | folders outside the home that run parameters may name | none |
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OSAAVA_", extra="ignore", frozen=True)

    home: Path = Field(default_factory=Path.cwd, description="the installation's folder")
    var: Path | None = Field(None, description="landing area, state and the default warehouse")
    db_url: str | None = Field(None, description="warehouse SQLAlchemy URL")
    sources: Path | None = Field(None, description="the sources file of the nightly collect")
    export: Path | None = Field(None, description="the export folder without a sources file")
    recipients: Path | None = Field(None, description="the recipients file")
    smtp_block: str = Field("osaava-smtp", description="EmailServerCredentials block name")
    prefect_home: Path | None = Field(None, description="Prefect home of the CLI's temporary server")
    allowed_paths: str = Field("", description="folders outside the home that run parameters may "
                                               "name, separated like PATH (os.pathsep)")

    @property
    def var_dir(self) -> Path:
        v = self.var if self.var is not None else Path("var")
        return v if v.is_absolute() else self.home / v

    @property
    def warehouse_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.var_dir / 'osaava.db'}"

    @property
    def export_dir(self) -> Path:
        e = self.export if self.export is not None else self.var_dir / "export"
        return e if e.is_absolute() else self.home / e

    @property
    def prefect_home_dir(self) -> Path:
        p = self.prefect_home if self.prefect_home is not None else self.var_dir / "prefect"
        return p if p.is_absolute() else self.home / p

    def resolve(self, path: str | Path) -> Path:
        """A path from a run form or the sources file, relative to the installation's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.home / p


_CURRENT: ContextVar[Settings | None] = ContextVar("osaava_settings", default=None)


def current() -> Settings:
    """The settings of this run: those the edge gave with :func:`use`, else the environment's."""
    return _CURRENT.get() or Settings()


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Run the enclosed flows with ``settings`` (the CLI's options) instead of the environment's;
    Prefect copies the context into its task threads."""
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)
