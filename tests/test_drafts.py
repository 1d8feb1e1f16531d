"""The draft record: what HR approves is what is sent (osaava.drafts), and the texts HR reads
on the approval form (osaava.approval)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from osaava import approval, drafts


def _files(folder):
    folder.mkdir(parents=True)
    (folder / "figures.json").write_text(json.dumps({"year": 2024}), encoding="utf-8")
    (folder / "report-fi.pdf").write_bytes(b"%PDF fi")
    (folder / "charts").mkdir()
    (folder / "charts" / "a.png").write_bytes(b"png")
    return {"figures": str(folder / "figures.json"), "report_pdf_fi": str(folder / "report-fi.pdf"),
            "chart_fi_a": str(folder / "charts" / "a.png")}


def test_a_draft_records_every_file_and_reads_back(tmp_path):
    folder = drafts.run_folder(tmp_path / "reports", 2024, "1234-abcd")
    assert folder == tmp_path / "reports" / "2024" / "1234-abcd"
    paths = _files(folder)
    d = drafts.record(folder, year=2024, batch_id=3, batch_source="files",
                      guideline={"id": "g", "version": "1"}, report_id="annual-2024-x", run="1234-abcd",
                      paths=paths, now=dt.datetime(2025, 1, 15, 4, 0, tzinfo=dt.UTC))
    assert d.files["report_pdf_fi"] == {"path": "report-fi.pdf",
                                        "sha256": hashlib.sha256(b"%PDF fi").hexdigest()}
    assert d.files["chart_fi_a"]["path"] == "charts/a.png"
    back = drafts.load(folder)
    assert back == d and back.paths() == {k: str(folder.resolve() / f["path"]) for k, f in d.files.items()}
    assert back.document() == {"year": 2024} and back.created_at == "2025-01-15T04:00:00+00:00"
    drafts.verify(back)  # unchanged: nothing raised
    assert drafts.load(tmp_path / "elsewhere") is None


def test_a_changed_or_missing_file_refuses_to_send(tmp_path):
    folder = tmp_path / "d"
    paths = _files(folder)
    d = drafts.record(folder, year=2024, batch_id=1, batch_source="files", guideline={},
                      report_id="r", run="x", paths=paths)
    (folder / "report-fi.pdf").write_bytes(b"%PDF other figures")
    (folder / "charts" / "a.png").unlink()
    with pytest.raises(drafts.DraftChanged) as e:
        drafts.verify(d)
    assert "report-fi.pdf on muuttunut / har ändrats" in str(e.value)
    assert "charts/a.png puuttuu / saknas" in str(e.value)
    assert "mitään ei lähetetty" in str(e.value) and "inget skickades" in str(e.value)


def test_a_file_outside_the_draft_folder_is_refused(tmp_path):
    paths = _files(tmp_path / "d")
    (tmp_path / "x.pdf").write_bytes(b"x")
    with pytest.raises(ValueError, match="not in the draft folder"):
        drafts.record(tmp_path / "d", year=2024, batch_id=1, batch_source="f", guideline={},
                      report_id="r", run="x", paths={**paths, "extra": str(tmp_path / "x.pdf")})


def test_recipients_and_what_was_sent_in_words():
    people = [SimpleNamespace(address="a@k.fi", language="fi"), SimpleNamespace(address="b@k.fi", language="sv")]
    fi, sv = approval.recipients_text("committee", people)
    assert fi == "2 vastaanottajaa (henkilöstöjaosto): a@k.fi (suomeksi), b@k.fi (ruotsiksi)"
    assert sv == "2 mottagare (personalsektionen): a@k.fi (på finska), b@k.fi (på svenska)"
    assert approval.recipients_text("hr", people[:1])[0] == "1 vastaanottaja (henkilöstöhallinto): a@k.fi (suomeksi)"
    assert approval.already_sent([]) is None
    # 29.11.2026 22:30 UTC is already 30.11. in Helsinki
    sent = approval.already_sent([{"recipient": "a@k.fi", "sent_at": dt.datetime(2026, 11, 29, 22, 30)}])
    assert sent[0].startswith("Täsmälleen tämä raportti on jo lähetetty (1): a@k.fi 30.11.2026.")
    assert sent[1].startswith("Exakt denna rapport har redan skickats (1): a@k.fi 30.11.2026.")


def test_the_data_in_use_is_said_truthfully():
    info = SimpleNamespace(id=4, source="sources", created_at=dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC))
    fi, sv = approval.current_data(info)
    assert fi == "Raporteissa käytetään edelleen aiempaa hyväksyttyä aineistoa: erä 4 (sources, haettu 29.11.2026)."
    assert sv == "Rapporterna använder fortfarande det tidigare godkända materialet: parti 4 (sources, hämtat 29.11.2026)."
    assert "Hyväksyttyä aineistoa ei vielä ole" in approval.current_data(None)[0]


def test_hr_conclusions_go_into_the_sent_report_and_the_figures_stay(tmp_path, small_frames):
    """The approved draft of the small city, with HR's conclusions: the sent report starts with
    them and names the contact person, in each language; the figures and the workbook are the
    draft's own (nothing computed again); a missing language or contact refuses to send."""
    import html as htmllib
    import re

    from pypdf import PdfReader

    from osaava.disclosure import exposure
    from osaava.figures import compute
    from osaava.guideline import guideline_for_year, load_codes
    from osaava.proposals import draft_text
    from osaava.report import figures_document
    from osaava.yearly import YearFigures
    from tasks.render import write_reports

    g = guideline_for_year(2024)
    fig = compute(small_frames, g, load_codes(), 2024)
    doc = figures_document(fig, g, [{"entity": "employments", "file": "henkilosto.csv", "rows": 10,
                                     "sha256": "0" * 64}])
    yf = YearFigures(fig, g, doc, exposure(small_frames, fig, g))
    folder = tmp_path / "reports" / "2024" / "run-1"
    paths = write_reports(yf, str(folder), made_on=dt.date(2025, 1, 15))
    d = drafts.record(folder, year=2024, batch_id=1, batch_source="files", guideline=doc["guideline"],
                      report_id="annual-2024-x", run="run-1", paths=paths,
                      now=dt.datetime(2025, 1, 15, 5, 0, tzinfo=dt.UTC))
    public = json.loads((folder / d.files["disclosure"]["path"]).read_text(encoding="utf-8"))
    # osaava's points come from the public document only: the small city's targets rest on fewer
    # than 5 persons and are hidden there, so the one point is the budget: 280 000 € of budgets,
    # 8 720 € used (3,1 %) → 271 280 € (96,9 %) unused
    assert draft_text(public, "fi") == "- Koulutusmäärärahaa jäi käyttämättä 271\u00a0280 € (96,9 %)."
    assert draft_text(public, "sv") == "- Av utbildningsanslaget blev 271\u00a0280 € (96,9 %) oanvänt."

    with pytest.raises(ValueError, match="Slutsatserna saknas: sv"):
        drafts.finalise(d, {"fi": "Lisää keskusteluja.", "sv": " "}, "Hanna HR, 09 123")
    with pytest.raises(ValueError, match="yhteyshenkilö"):
        drafts.finalise(d, {"fi": "a", "sv": "b"}, "")
    final = drafts.finalise(d, {"fi": "Tavoitekeskustelut käydään kaikkien kanssa.\n- Lisää koulutusta",
                                "sv": "Målsamtal förs med alla."}, "Hanna HR, puh. 09 123")
    assert final.folder == str((folder / "sent").resolve()) and drafts.load(folder / "sent") == final
    drafts.verify(final)
    assert final.files["figures"]["sha256"] == d.files["figures"]["sha256"]
    assert final.files["report_xlsx_fi"]["sha256"] == d.files["report_xlsx_fi"]["sha256"]
    assert final.files["report_pdf_fi"]["sha256"] != d.files["report_pdf_fi"]["sha256"]
    fi_html = htmllib.unescape(re.sub(r"<[^>]+>", " ", Path(final.paths()["report_html_fi"]).read_text("utf-8")))
    assert "Johtopäätökset ja toimenpide-ehdotukset" in fi_html
    assert "Tavoitekeskustelut käydään kaikkien kanssa." in fi_html and "Lisää koulutusta" in fi_html
    # HR's "- " lines are a list of points in the mail
    assert '<li class="conclusion"' in Path(final.paths()["report_html_fi"]).read_text("utf-8")
    assert "Lisätietoja antaa: Hanna HR, puh. 09 123." in " ".join(fi_html.split())
    # the mail is the cover note: the targets in brief, then HR's conclusions, then the attachments
    assert fi_html.index("Koulutuspäivät / htv") < fi_html.index("Johtopäätökset") < fi_html.index("Liitteet")
    assert "Luonnos:" not in fi_html and "<img" not in Path(final.paths()["report_html_fi"]).read_text("utf-8")
    sv_pdf = " ".join(p.extract_text() for p in PdfReader(final.paths()["report_pdf_sv"]).pages)
    assert "Slutsatser och förslag till åtgärder" in sv_pdf and "Målsamtal förs med alla." in sv_pdf
    # the draft HR was sent for review is untouched
    drafts.verify(d)


def test_the_batch_artifact_speaks_finnish_and_swedish():
    from tasks.artifacts import batch_markdown

    md = batch_markdown({"batch_id": 3, "status": "refused", "rows_read": 10, "rows_loaded": 0,
                         "rows_quarantined": 10,
                         "issues": [{"severity": "critical", "file": "henkilosto.csv", "rows": [2, 5],
                                     "column": "Alkupvm", "message": "not a valid date",
                                     "code": "not_date", "count": 2}],
                         "sources": [{"name": "export", "kind": "files", "rows": {"employments": 10},
                                      "pages": 7, "watermark": None, "changed": True}]})
    assert md.startswith("# Erä / Parti 3: hylätty / avvisat")
    assert "Rivejä luettu 10 = ladattu 0 + karanteenissa 10. / Rader lästa 10 = laddade 0 + i karantän 10." in md
    assert "Kriittisiä virheitä: 1, varoituksia: 0. / Kritiska fel: 1, varningar: 0." in md
    assert "| export | files | 10 | 7 | – | kyllä / ja |" in md
    assert "- **kriittinen / kritisk** henkilosto.csv, rivit / rader 2, 5, sarake / kolumn Alkupvm" in md
    assert ": arvo ei ole kelvollinen päivämäärä / värdet är inte ett giltigt datum (2)" in md
