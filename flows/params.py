"""Run parameters as pydantic models: the Prefect UI renders each as a form with descriptions,
pickers for the lists and switches for the booleans."""

from __future__ import annotations

from typing import Literal

from prefect.input import RunInput
from pydantic import BaseModel, Field

Lang = Literal["fi", "sv"]
Group = Literal["committee", "hr", "management"]


class CollectParams(BaseModel):
    sources_file: str | None = Field(
        None,
        title="Lähteet / Källor",
        description="Lähdetiedosto (YAML), joka kertoo mistä järjestelmistä tiedot haetaan. Tyhjä: "
        "asennuksen oma (OSAAVA_SOURCES), muuten vientikansio alla. / Källfilen (YAML) som anger "
        "vilka system uppgifterna hämtas från. Tom: installationens egen (OSAAVA_SOURCES), "
        "annars exportmappen nedan.",
    )
    input_dir: str | None = Field(
        None,
        title="Vientikansio / Exportmapp",
        description="Kansio, johon henkilöstöjärjestelmät tuovat vientitiedostot (CSV tai yksi "
        "XLSX), kun lähdetiedostoa ei ole. Tyhjä: var/export. / Mappen dit personalsystemen "
        "lämnar exportfilerna (CSV eller en XLSX) när det inte finns någon källfil. Tom: var/export.",
    )


class AnnualReportParams(BaseModel):
    year: int | None = Field(
        None, ge=2000, le=2100, title="Report year",
        description="Year to report. Empty: the previous calendar year.",
    )
    languages: list[Lang] = Field(
        default_factory=lambda: ["fi", "sv"], title="Languages",
        description="Language versions to write (Finnish, Swedish).",
    )
    recipient_group: Group = Field(
        "committee", title="Recipients",
        description="Who receives the report after HR has approved it.",
    )
    dry_run: bool = Field(
        False, title="Dry run",
        description="Write the report files only: no approval request, nothing is sent.",
    )
    resend: bool = Field(
        False, title="Resend",
        description="Send again to recipients who already received this same report.",
    )
    approval_days: int = Field(
        14, ge=1, le=90, title="Days to approve",
        description="How long the run waits for HR's approval before it ends and tells HR.",
    )
    out: str = Field("out", title="Output folder", description="Where the report files are written.")
    batch_id: int | None = Field(
        None, title="Batch",
        description="Warehouse batch to report on. Empty: the latest batch.",
    )


class FollowUpParams(BaseModel):
    year: int | None = Field(
        None, ge=2000, le=2100, title="Year",
        description="Year to follow. Empty: the current year, up to the last day of the previous month.",
    )
    sectors: list[str] = Field(
        default_factory=list, title="Sectors",
        description="Sector codes to include (e.g. YH, SIV, YHD). Empty: all sectors.",
    )
    recipient_group: Group = Field("management", title="Recipients",
                                   description="Who receives the follow-up.")
    dry_run: bool = Field(False, title="Dry run", description="Write the files only, send nothing.")
    out: str = Field("out", title="Output folder", description="Where the files are written.")


class Approval(RunInput):
    """HR's answer to a waiting annual report."""

    approve: bool = Field(False, title="Approve and send",
                          description="On: the report is sent to the recipients. Off: rejected, nothing is sent.")
    comment: str = Field("", title="Comment", description="Why, or what to fix (recorded with the run).",
                         max_length=2000)
