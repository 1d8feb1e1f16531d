"""Run parameters as pydantic models: the Prefect UI renders each as a form with descriptions,
pickers for the lists and switches for the booleans."""

from __future__ import annotations

from typing import Literal

from prefect.input import RunInput
from pydantic import BaseModel, ConfigDict, Field, field_validator

from osaava.confine import confined

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


    @field_validator("sources_file", "input_dir")
    @classmethod
    def _inside_home(cls, v: str | None, info) -> str | None:
        return None if v is None or not v.strip() else confined(v, info.field_name)


class AnnualReportParams(BaseModel):
    year: int = Field(
        0, ge=0, le=2100, title="Raporttivuosi / Rapportår",
        description="Vuosi, jolta raportti tehdään. 0 = edellinen kalenterivuosi. Vuoden pitää "
        "olla päättynyt ja aineiston pitää kattaa se. / Året som rapporten gäller. 0 = föregående "
        "kalenderår. Året ska ha tagit slut och materialet ska täcka det.",
    )
    languages: list[Lang] = Field(
        default_factory=lambda: ["fi", "sv"], title="Kieliversiot / Språkversioner",
        description="fi = suomi, sv = ruotsi. / fi = finska, sv = svenska.",
    )
    recipient_group: Group = Field(
        "committee", title="Vastaanottajat / Mottagare",
        description="Kenelle raportti lähetetään hyväksynnän jälkeen: committee = henkilöstöjaosto, "
        "management = johtoryhmä, hr = henkilöstöhallinto (osoitteet vastaanottajatiedostossa). / "
        "Vem rapporten skickas till efter godkännandet: committee = personalsektionen, "
        "management = ledningsgruppen, hr = personalförvaltningen (adresserna i mottagarfilen).",
    )
    dry_run: bool = Field(
        False, title="Vain luonnos / Endast utkast",
        description="Tee raporttitiedostot, mutta älä pyydä hyväksyntää äläkä lähetä mitään. / "
        "Gör rapportfilerna men begär inget godkännande och skicka ingenting.",
    )
    resend: bool = Field(
        False, title="Lähetä uudelleen / Skicka igen",
        description="Lähetä myös niille, jotka ovat jo saaneet täsmälleen tämän raportin. / "
        "Skicka också till dem som redan har fått exakt denna rapport.",
    )
    approval_days: int = Field(
        14, ge=1, le=90, title="Hyväksymisaika, päivää / Tid för godkännande, dagar",
        description="Näin kauan ajo odottaa hyväksyntää; sen jälkeen se päättyy eikä mitään lähetetä. "
        "/ Så länge väntar körningen på godkännande; sedan avslutas den och inget skickas.",
    )
    out: str = Field(
        "", title="Kopio kansioon / Kopia till mappen",
        description="Vapaaehtoinen (tyhjä = ei kopiota): kansio, johon raporttitiedostoista tehdään "
        "kopio. Luonnos "
        "tallentuu aina omaan kansioonsa (var/reports/vuosi/ajo). / Frivilligt (tomt = ingen kopia): "
        "mapp dit en kopia "
        "av rapportfilerna görs. Utkastet sparas alltid i en egen mapp (var/reports/år/körning).",
    )


    @field_validator("out", mode="before")
    @classmethod
    def _no_copy(cls, v):
        return "" if v is None else v

    @field_validator("out")
    @classmethod
    def _inside_home(cls, v: str) -> str:
        return v if not v.strip() else confined(v, "out")


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

    @field_validator("out")
    @classmethod
    def _inside_home(cls, v: str) -> str:
        return confined(v, "out")


APPROVE = "Hyväksy ja lähetä / Godkänn och skicka"
REJECT = "Hylkää / Avvisa"
Decision = Literal["Hyväksy ja lähetä / Godkänn och skicka", "Hylkää / Avvisa"]


class Approval(RunInput):
    """HR's answer to a waiting annual report: a required choice, and a comment that is required
    when the report is rejected (the server checks both before the run goes on)."""

    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"decision": {"const": REJECT}}, "required": ["decision"]},
         "then": {"properties": {"comment": {"minLength": 1, "pattern": "\\S"}},
                  "required": ["comment"]}},
        {"if": {"properties": {"decision": {"const": APPROVE}}, "required": ["decision"]},
         "then": {"properties": {"conclusions_fi": {"minLength": 1, "pattern": "\\S"},
                                 "conclusions_sv": {"minLength": 1, "pattern": "\\S"},
                                 "contact": {"minLength": 1, "pattern": "\\S"}},
                  "required": ["conclusions_fi", "conclusions_sv", "contact"]}},
    ]})

    decision: Decision = Field(
        title="Päätös / Beslut",
        description="Hyväksy ja lähetä: raportti lähetetään vastaanottajille sellaisena kuin se on "
        "liitteenä HR:n sähköpostissa. Hylkää: mitään ei lähetetä. / Godkänn och skicka: rapporten "
        "skickas till mottagarna sådan som den är bifogad i HR:s e-post. Avvisa: inget skickas.")
    comment: str = Field(
        "", title="Kommentti / Kommentar", max_length=2000,
        description="Pakollinen, kun hylkäät: mitä pitää korjata (tallentuu ajon tietoihin). / "
        "Obligatorisk när du avvisar: vad som ska rättas (sparas med körningen).")

    conclusions_fi: str = Field(
        "", title="Johtopäätökset ja toimenpide-ehdotukset (suomeksi)", max_length=6000,
        description="Pakollinen hyväksyttäessä. Tulee raportin alkuun sellaisenaan. Valmiina on "
        "osaavan luettelo huomioista (tavoitteet, toimialat, määräraha); muokkaa se henkilöstö"
        "hallinnon johtopäätöksiksi ja ehdotuksiksi. Yksi kohta riviä kohden.")
    conclusions_sv: str = Field(
        "", title="Slutsatser och förslag till åtgärder (på svenska)", max_length=6000,
        description="Obligatorisk vid godkännande. Står som sådan i början av rapporten. Färdigt "
        "finns osaavas lista över iakttagelser (mål, sektorer, anslag); redigera den till "
        "personalförvaltningens slutsatser och förslag. En punkt per rad.")
    contact: str = Field(
        "", title="Yhteyshenkilö / Kontaktperson", max_length=200,
        description="Pakollinen hyväksyttäessä: nimi, tehtävä ja puhelin tai sähköposti, kuten "
        "raportissa halutaan näkyvän. / Obligatorisk vid godkännande: namn, befattning och telefon "
        "eller e-post, som det ska stå i rapporten.")

    @property
    def approved(self) -> bool:
        return self.decision == APPROVE


def approval_form(conclusions_fi: str, conclusions_sv: str) -> type[Approval]:
    """The approval form with osaava's points for HR to consider already in the conclusion
    fields (their titles and help kept: ``with_initial_data`` would drop them)."""
    from copy import copy

    from pydantic import create_model

    fields = {}
    for name, value in (("conclusions_fi", conclusions_fi), ("conclusions_sv", conclusions_sv)):
        info = copy(Approval.model_fields[name])
        info.default = value
        fields[name] = (str, info)
    return create_model("Approval", __base__=Approval, **fields)
