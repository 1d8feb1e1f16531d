"""What HR reads when an annual report waits for approval: who receives it, where the draft
files are, what was already sent. Finnish first, then Swedish; plain words; no personal data
beyond the recipients' own addresses, which HR maintains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
LANG_NAMES = {"fi": ("suomeksi", "på finska"), "sv": ("ruotsiksi", "på svenska")}
GROUP_NAMES = {"committee": ("henkilöstöjaosto", "personalsektionen"),
               "management": ("johtoryhmä", "ledningsgruppen"),
               "hr": ("henkilöstöhallinto", "personalförvaltningen")}


def _date(value) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    d = value.astimezone(HELSINKI)
    return f"{d.day}.{d.month}.{d.year}"


def recipients_text(group: str, people: Iterable) -> tuple[str, str]:
    """("3 vastaanottajaa (henkilöstöjaosto): a@x (suomeksi), …", the same in Swedish)."""
    people = list(people)
    fi_g, sv_g = GROUP_NAMES.get(group, (group, group))
    fi = ", ".join(f"{p.address} ({LANG_NAMES[p.language][0]})" for p in people)
    sv = ", ".join(f"{p.address} ({LANG_NAMES[p.language][1]})" for p in people)
    n = len(people)
    return (f"{n} vastaanottaja{'a' if n != 1 else ''} ({fi_g}): {fi}",
            f"{n} mottagare ({sv_g}): {sv}")


def already_sent(ledger: Iterable[Mapping]) -> tuple[str, str] | None:
    """("Tämä raportti on jo lähetetty: a@x 29.11.2026, …", Swedish), or None when nothing."""
    rows = [r for r in ledger if r.get("sent_at")]
    if not rows:
        return None
    parts = ", ".join(f"{r['recipient']} {_date(r['sent_at'])}" for r in rows)
    return (f"Täsmälleen tämä raportti on jo lähetetty ({len(rows)}): {parts}. Sitä ei lähetetä "
            f"heille uudelleen, ellei ajoa käynnistetä valinnalla *Lähetä uudelleen*.",
            f"Exakt denna rapport har redan skickats ({len(rows)}): {parts}. Den skickas inte till "
            f"dem igen om inte körningen startas med valet *Skicka igen*.")


def draft_markdown(summary: str, *, folder: str, pdfs: Iterable[str], recipients: tuple[str, str],
                   sent: tuple[str, str] | None, batch: str, days: int) -> str:
    """The description of the approval form: the figures, where the draft is, who gets it."""
    files = "\n".join(f"- `{p}`" for p in pdfs)
    lines = [summary, "",
             "## Luonnos / Utkast", "",
             f"PDF-luonnokset ovat liitteenä hyväksyntäpyynnön sähköpostissa, ja kaikki tiedostot "
             f"ovat palvelimella kansiossa `{folder}`. / PDF-utkasten finns som bilagor i e-posten "
             f"med begäran om godkännande, och alla filer finns på servern i mappen `{folder}`.", "",
             files, "",
             f"Aineisto / Material: {batch}", "",
             "## Vastaanottajat / Mottagare", "",
             recipients[0], "", recipients[1], ""]
    if sent is not None:
        lines += ["## Jo lähetetty / Redan skickat", "", sent[0], "", sent[1], ""]
    lines += ["## Päätös / Beslut", "",
              "Valitse **Hyväksy ja lähetä** tai **Hylkää** ja paina *Resume* (avaa tämä lomake ajon "
              "valikosta ⋮ → *Resume*). Hyväksyntä vaatii johtopäätökset ja toimenpide-ehdotukset "
              "suomeksi ja ruotsiksi sekä yhteyshenkilön (valmiina on osaavan luettelo huomioista; "
              "muokkaa se). Hylkäys "
              "vaatii kommentin. Lähetetään nämä tiedostot tekstisi kanssa; lukuja ei lasketa "
              f"uudelleen. Jos päätöstä ei tehdä {days} päivässä, mitään ei lähetetä. / Välj "
              "**Godkänn och skicka** eller **Avvisa** och tryck *Resume* (Fortsätt). Ett godkännande "
              "kräver slutsatser och förslag till åtgärder på finska och svenska samt kontaktperson "
              "(osaavas lista över iakttagelser finns färdigt; redigera den). En avvisning "
              "kräver en kommentar. Dessa filer skickas med din text; siffrorna räknas inte om. Om inget "
              f"beslut fattas inom {days} dagar skickas ingenting. (Formuläret öppnas från "
              "körningens meny ⋮ → *Resume*.)"]
    return "\n".join(lines)


def batch_words(info) -> tuple[str, str]:
    """A stored batch in words: ("erä 4 (sources, haettu 29.11.2026)", Swedish)."""
    when = _date(info.created_at)
    return (f"erä {info.id} ({info.source}, haettu {when})", f"parti {info.id} ({info.source}, hämtat {when})")


def current_data(info) -> tuple[str, str]:
    """What reports use now, truthfully: the current loaded batch, or that there is none."""
    if info is None:
        return ("Hyväksyttyä aineistoa ei vielä ole, joten raportteja ei voi tehdä ennen kuin "
                "korjattu aineisto on haettu.",
                "Det finns ännu inget godkänt material, så rapporter kan inte göras förrän rättat "
                "material har hämtats.")
    fi, sv = batch_words(info)
    return (f"Raporteissa käytetään edelleen aiempaa hyväksyttyä aineistoa: {fi}.",
            f"Rapporterna använder fortfarande det tidigare godkända materialet: {sv}.")
