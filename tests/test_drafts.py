"""The draft record: what HR approves is what is sent (osaava.drafts), and the texts HR reads
on the approval form (osaava.approval)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
