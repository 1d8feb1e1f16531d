"""The guideline (koulutusohje) and the code mappings: configuration as data.

Guideline files are YAML, validated by pydantic; an error names the file, the key and the
problem. Several versions can exist; a report applies the one in force on 31.12. of its year.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ROLES = ("esihenkilö", "toimialajohtaja", "henkilöstöjohtaja")


class ConfigError(Exception):
    """A configuration file is missing or wrong; the message says which file, key and problem."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Application(_Model):
    external: Literal["required", "optional"] = "required"
    internal_over_hours: float = Field(4, ge=0)


class ApprovalLimit(_Model):
    role: Literal["esihenkilö", "toimialajohtaja", "henkilöstöjohtaja"]
    up_to_eur: float | None = Field(None, ge=0, description="inclusive; null = no upper limit")


class Commitment(_Model):
    min_direct_cost_eur: float = Field(ge=0)
    min_training_days: float = Field(ge=0)
    months: int = Field(gt=0)


class LevelName(_Model):
    fi: str
    sv: str
    en: str


class GuidelineName(_Model):
    fi: str
    sv: str


class SupervisorRequirement(_Model):
    level: int = Field(ge=1, le=4)
    within_months: int = Field(ge=0)


class Targets(_Model):
    training_days_per_htv: float = Field(ge=0)
    discussion_coverage_pct: float = Field(ge=0, le=100)
    share_trained_pct: float = Field(ge=0, le=100)
    equity_gap_pct_points: float = Field(ge=0, le=100)


class AgeBand(_Model):
    key: str
    max_age: int | None = None


class Guideline(_Model):
    id: str
    name: GuidelineName | None = None  # the guideline's name in words (the id is technical)
    version: str
    approved_by: str
    approved_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None = None
    training_day_hours: float = Field(gt=0)
    side_cost_pct: float = Field(ge=0)
    application: Application
    approval_limits: tuple[ApprovalLimit, ...]
    paid_days_cap: float = Field(ge=0)
    commitment: Commitment
    management_levels: dict[int, LevelName]
    supervisor_level_required: SupervisorRequirement
    discussion_eligibility_months: int = Field(ge=0)
    needs_window_months: int = Field(ge=0)
    budgets: dict[str, float]
    targets: Targets
    suppression_min_persons: int = Field(ge=1)
    age_bands: tuple[AgeBand, ...]
    competence_areas: tuple[str, ...]

    @model_validator(mode="after")
    def _check(self) -> "Guideline":
        limits = [a.up_to_eur for a in self.approval_limits]
        if not limits or limits[-1] is not None:
            raise ValueError("approval_limits: the last role must have up_to_eur: null (no upper limit)")
        if any(x is None for x in limits[:-1]) or limits[:-1] != sorted(limits[:-1]):  # type: ignore[type-var]
            raise ValueError("approval_limits: limits must rise from the lowest role to the highest")
        if [a.role for a in self.approval_limits] != sorted(
            (a.role for a in self.approval_limits), key=ROLES.index
        ):
            raise ValueError("approval_limits: roles must be listed from the lowest to the highest")
        if not self.age_bands or self.age_bands[-1].max_age is not None:
            raise ValueError("age_bands: the last band must have max_age: null")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        if any(v < 0 for v in self.budgets.values()):
            raise ValueError("budgets: a budget cannot be negative")
        return self

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def role_rank(self, role: str) -> int:
        return ROLES.index(role)

    def lowest_role_rank_for(self, net_cost: float) -> int:
        """Rank (index in ROLES) of the lowest role allowed to approve this net direct cost."""
        for lim in self.approval_limits:
            if lim.up_to_eur is None or net_cost <= lim.up_to_eur:
                return ROLES.index(lim.role)
        return len(ROLES) - 1  # pragma: no cover - the last limit is open


class WageRange(_Model):
    from_: int = Field(alias="from")
    to: int
    category: Literal["regular_pay", "supplement", "overtime", "holiday_pay", "expense"]


class CodeMapping(_Model):
    id: str
    wage_types: tuple[WageRange, ...]
    absence_codes: dict[str, Literal[
        "sick", "annual_leave", "training", "study_leave", "family_leave", "other"
    ]]

    def wage_category(self, code: str) -> str | None:
        try:
            n = int(str(code).strip())
        except ValueError:
            return None
        for r in self.wage_types:
            if r.from_ <= n <= r.to:
                return r.category
        return None


def _where(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(top)"


def _load_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return data


def _validate(model, path: Path):
    data = _load_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(f"key {_where(err['loc'])}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"{path}: {problems}") from None


def default_config_dir() -> Path:
    return Path(str(resources.files("osaava") / "config"))


def load_guideline(path: Path) -> Guideline:
    return _validate(Guideline, Path(path))


def load_guidelines(folder: Path | None = None) -> list[Guideline]:
    folder = Path(folder) if folder else default_config_dir()
    files = sorted(folder.glob("guideline-*.yaml"))
    if not files:
        raise ConfigError(f"{folder}: no guideline-*.yaml files")
    return [load_guideline(f) for f in files]


def guideline_for_year(year: int, folder: Path | None = None) -> Guideline:
    """The guideline version in force on 31.12. of the year (the latest valid_from wins)."""
    day = dt.date(year, 12, 31)
    found = [g for g in load_guidelines(folder) if g.in_force(day)]
    if not found:
        raise ConfigError(
            f"no guideline version is in force on {day.day}.{day.month}.{day.year}: add a "
            f"guideline-*.yaml whose validity covers that day"
        )
    return max(found, key=lambda g: (g.valid_from, g.version))


def load_codes(path: Path | None = None) -> CodeMapping:
    return _validate(CodeMapping, Path(path) if path else default_config_dir() / "codes-generic.yaml")


def latest_guideline(folder: Path | None = None) -> Guideline:
    """The newest guideline version (by validity start): used where no year applies, e.g. the
    code lists a batch is validated against."""
    return max(load_guidelines(folder), key=lambda g: (g.valid_from, g.version))
