"""Validation (issue 4): GX suites, cross-table checks, the bad-input corpus, the DQ report."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest

from bad_inputs import CASES, HETU, LOADED, REFUSED, WARNING, Case, make_hetu, write_valid
from connectors.files import Limits, read_folder
from osaava import quality
from osaava.dq_report import NOTICE, render_dq_report
from osaava.guideline import guideline_for_year, load_codes
from osaava.issues import has_hetu
from osaava.schema import ENTITIES

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def config():
    return load_codes(), guideline_for_year(2025)


@pytest.fixture(scope="module")
def run(tmp_path_factory, config):
    """Read, validate and report a corpus case once per module."""
    done: dict[str, tuple] = {}
    codes, guideline = config

    def _run(case: Case):
        if case.name not in done:
            folder = tmp_path_factory.mktemp("corpus") / case.name
            case.build(folder)
            read = read_folder(folder, Limits(**case.limits) if case.limits else None)
            issues = read.issues + quality.validate(read.frames, codes, guideline,
                                                    known=read.issues, today=TODAY)
            html, data = render_dq_report(issues, read.rows_read, read.raw)
            done[case.name] = (read, issues, html, data)
        return done[case.name]

    return _run


@pytest.fixture(scope="module")
def valid_frames(tmp_path_factory):
    read = read_folder(write_valid(tmp_path_factory.mktemp("valid") / "export"))
    assert not read.issues
    return read.frames


# ---------------------------------------------------------------------------------------------
# The corpus


def test_corpus_is_large_enough():
    assert len([c for c in CASES if c.outcome != LOADED]) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: Case, run):
    read, issues, html, data = run(case)
    assert quality.outcome(issues) == case.outcome, [i.line() for i in issues]
    assert data["status"] == case.outcome
    if case.outcome == LOADED:
        assert issues == []
        return
    hits = [i for i in issues if i.code == case.code]
    assert hits, f"no {case.code} issue in {[i.line() for i in issues]}"
    issue = next((i for i in hits if case.row is None or case.row in i.rows), hits[0])
    line = issue.line(max_rows=20)
    assert issue.file == case.file and line.startswith(case.file)
    if case.row is not None:
        assert case.row in issue.rows
        assert re.search(rf"\brows? (?:[\d, ]*\b)?{case.row}\b", line), line
    if case.column is not None:
        assert issue.column == case.column
        assert f"column {case.column}" in line
    expected_severity = "critical" if case.outcome == REFUSED else "warning"
    assert issue.severity == expected_severity
    if case.outcome == WARNING:
        assert read.frames, "a batch with warnings is still read"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_henkilotunnus_never_shown(case: Case, run):
    _read, issues, html, data = run(case)
    texts = [i.line(max_rows=20) for i in issues] + [json.dumps(i.to_dict(), ensure_ascii=False)
                                                      for i in issues]
    texts += [html, json.dumps(data, ensure_ascii=False)]
    for t in texts:
        assert HETU not in t
        assert not has_hetu(t)
        for planted in case.planted:
            assert planted not in t, planted
    if case.hetu:
        assert any(i.code == "henkilotunnus" for i in issues)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_data_never_becomes_markup(case: Case, run):
    """A value from the data is escaped in the HR-internal report: no stored XSS."""
    from bad_inputs import XSS

    _read, _issues, html, _data = run(case)
    assert XSS not in html and "<img" not in html
    if case.name == "xss_in_duplicate_key":
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_corpus_hetu_is_valid_and_built_in_code():
    from osaava.issues import hetu_valid

    assert has_hetu(HETU) and hetu_valid(HETU)
    wrong = HETU[:-1] + ("A" if HETU[-1] != "A" else "B")
    assert not hetu_valid(wrong)
    assert has_hetu(wrong)  # a wrong check character is still treated as a henkilötunnus
    assert has_hetu(make_hetu(1, 1, 2001, 2))


def test_required_is_reported_once(run):
    case = next(c for c in CASES if c.name == "required_empty")
    _read, issues, _html, _data = run(case)
    assert [(i.code, i.column) for i in issues] == [("required", "Sukupuoli")]


# ---------------------------------------------------------------------------------------------
# The suites


def test_committed_suites_equal_the_generated_ones():
    for name, suite in quality.build_suites().items():
        path = quality.SUITES_DIR / f"{name}.json"
        assert path.read_text(encoding="utf-8") == quality.suite_json(suite), (
            f"{path} is stale: run `python -m osaava.quality` and commit the result")
    assert sorted(p.stem for p in quality.SUITES_DIR.glob("*.json")) == sorted(ENTITIES)


def test_suites_are_well_formed_and_load_into_gx():
    gx = quality._Gx.get()
    for name, suite in quality.load_suites().items():
        assert suite["name"] == name
        assert len(gx.suite(suite).expectations) == len(suite["expectations"])
        for x in suite["expectations"]:
            meta = x["meta"]
            assert meta["severity"] in ("critical", "warning")
            assert re.fullmatch(r"[a-z]+(_[a-z]+)*", meta["check"])
            assert meta["message"] and meta["advice"]
            for c in quality._expectation_columns(x):
                assert c.startswith("_") or ENTITIES[name].column(c)


def test_working_time_range_is_critical_and_from_the_schema():
    suite = quality.build_suites()["employments"]
    x = next(x for x in suite["expectations"] if x["kwargs"].get("column") == "working_time_pct"
             and x["type"] == "expect_column_values_to_be_between")
    col = ENTITIES["employments"].column("working_time_pct")
    assert (x["kwargs"]["min_value"], x["kwargs"]["max_value"]) == (col.min, col.max)
    assert x["meta"]["severity"] == "critical"


def test_wage_type_regex_agrees_with_the_code_mapping(config):
    codes, _ = config
    rx = re.compile(quality.suite_parameters(codes, config[1], TODAY)["wage_type_regex"])
    for n in range(0, 10000):
        assert bool(rx.match(str(n))) == (codes.wage_category(str(n)) is not None), n
    assert rx.match("01001") and not rx.match("1000a") and not rx.match("")


def test_ranges_regex_general():
    rx = re.compile(quality.ranges_regex([(7, 1234), (5000, 5000)]))
    assert [n for n in range(0, 6000) if rx.match(str(n))] == list(range(7, 1235)) + [5000]


# ---------------------------------------------------------------------------------------------
# validate() on frames directly


def _issues(frames, config, **kw):
    codes, guideline = config
    return quality.validate(frames, codes, guideline, today=TODAY, **kw)


def test_valid_frames_have_no_issues(valid_frames, config):
    assert _issues(valid_frames, config) == []


def test_rows_are_capped_at_twenty_and_counted(valid_frames, config):
    frames = dict(valid_frames)
    t = frames["trainings"]
    many = pd.concat([t] * 6, ignore_index=True)
    many["participation_id"] = [f"X{i}" for i in range(len(many))]
    many["hours"] = pd.array([-1.0] * len(many), dtype="Float64")
    many["_row"] = range(2, len(many) + 2)
    many.attrs["file"] = "koulutukset.csv"
    frames["trainings"] = many
    neg = [i for i in _issues(frames, config) if i.code == "negative" and i.column == "Tunnit"]
    assert len(neg) == 1
    assert neg[0].count == 36 and neg[0].rows == list(range(2, 22))
    assert json.dumps(neg[0].to_dict())  # plain Python values only


def test_latest_plausible_date_follows_today(valid_frames, config):
    late = quality.validate(valid_frames, *config, today=dt.date(2020, 1, 1))  # 2025 > 2022
    assert {i.code for i in late} == {"implausible_date"}
    assert all(i.severity == "warning" for i in late)


def test_frames_without_row_numbers_get_spreadsheet_lines(valid_frames, config):
    frames = {k: v.drop(columns="_row") for k, v in valid_frames.items()}
    e = frames["employments"].copy()
    e["working_time_pct"] = e["working_time_pct"].astype("Float64")
    e.loc[2, "working_time_pct"] = 150.0
    frames["employments"] = e
    (issue,) = _issues(frames, config)
    assert issue.code == "out_of_range" and issue.rows == [4]
    assert issue.file == "henkilosto.csv"


def test_refused_entity_skips_its_checks(valid_frames, config):
    frames = dict(valid_frames)
    del frames["employments"]  # e.g. refused for a missing column: nothing can be checked against it
    assert _issues(frames, config) == []


def test_overlap_with_an_ongoing_period(valid_frames, config):
    frames = dict(valid_frames)
    e = frames["employments"].copy()
    extra = e[e["person_id"] == "P001"].copy()
    extra["start"] = pd.Timestamp("2024-05-01")
    extra["end"] = pd.Timestamp("2024-06-30")
    extra["_row"] = 99
    frames["employments"] = pd.concat([e, extra], ignore_index=True)
    frames["employments"].attrs["file"] = "henkilosto.csv"
    (issue,) = _issues(frames, config)
    assert issue.code == "overlapping_periods" and sorted(issue.rows) == [2, 99]


def test_adjacent_periods_do_not_overlap(valid_frames, config):
    # P002: 1.8.2019–31.7.2024 then 1.8.2024–: touching, not overlapping
    assert not quality.overlap_issues(valid_frames)


# ---------------------------------------------------------------------------------------------
# Reconciliation and the report


def test_reconcile():
    r = quality.reconcile({"employments": 7, "trainings": 6}, refused=False)
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (13, 13, 0)
    r = quality.reconcile({"employments": 7, "trainings": 6}, refused=True)
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (13, 0, 13)
    assert r["entities"]["trainings"] == {"rows_read": 6, "rows_loaded": 0, "rows_quarantined": 6}


@pytest.mark.parametrize("name", ["valid", "far_future_date", "working_time_120"])
def test_report_says_hr_internal_first(name, run):
    read, issues, html, data = run(next(c for c in CASES if c.name == name))
    first = html.splitlines()[0]
    assert NOTICE in first and "<title>" in first
    assert re.search(r"<h1>([^<]*)</h1>", html).group(1) == NOTICE
    assert list(data)[0] == "notice" and data["notice"] == NOTICE
    assert json.loads(json.dumps(data)) == data
    assert data["reconciliation"]["rows_read"] == sum(read.rows_read.values())
    loaded = data["reconciliation"]["rows_loaded"] + data["reconciliation"]["rows_quarantined"]
    assert loaded == data["reconciliation"]["rows_read"]
    for i in data["issues"]:
        assert i["file"] in html and i["message"] in html


def test_report_masks_everything():
    from osaava.issues import Issue

    issue = Issue("warning", "extra_column", f"{HETU}.csv", f"column {HETU} ignored", "advice",
                  column=HETU, rows=[1], examples=[HETU])
    html, data = render_dq_report([issue], {"employments": 1}, [{"entity": "employments",
                                                                 "name": f"{HETU}.csv",
                                                                 "sha256": "00"}])
    assert HETU not in html and HETU not in json.dumps(data, ensure_ascii=False)
    assert data["status"] == WARNING


def test_hetu_as_extra_header_never_shown(tmp_path):
    from bad_inputs import VALID, csv_text, headers

    folder = write_valid(tmp_path / "export")
    rows = [r + ["x"] for r in VALID["koulutukset"]]
    (folder / "koulutukset.csv").write_text(
        csv_text("koulutukset", rows, headers("koulutukset") + [HETU]), encoding="utf-8")
    read = read_folder(folder)
    assert any(i.code == "henkilotunnus" for i in read.issues)
    for i in read.issues:
        assert HETU not in i.line() and HETU not in json.dumps(i.to_dict(), ensure_ascii=False)


def test_validate_command_writes_report_and_no_data_docs(tmp_path):
    """`osaava validate --out` writes the HR-internal report; no GX Data Docs (issue 13: GX puts
    data values into them unescaped, and they load scripts from CDNs)."""
    from typer.testing import CliRunner

    from flows.cli import app

    folder = write_valid(tmp_path / "export")
    out = tmp_path / "dq"
    res = CliRunner().invoke(app, ["validate", "--input", str(folder), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert not (out / "gx-data-docs").exists()
    assert sorted(p.name for p in out.iterdir()) == ["data-quality.html", "data-quality.json"]
    assert (out / "data-quality.html").read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE")


# ---------------------------------------------------------------------------------------------
# The messages in Finnish and Swedish (issue 14, item 7)

WHERE = {"fi": ("rivi", "rivit", "sarake"), "sv": ("rad", "rader", "kolumn")}


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("case", [c for c in CASES if c.outcome != LOADED], ids=lambda c: c.name)
def test_case_message_in_finnish_and_swedish(case: Case, run, lang):
    """Every bad-input case's issue, said in Finnish and in Swedish: a translated text (not the
    English one), still naming the file, the row and the column, and what to do; the structured
    fields stay as they are."""
    _read, issues, _html, _data = run(case)
    row_word, rows_word, col_word = WHERE[lang]
    for issue in issues:
        message, advice = issue.texts(lang)
        assert (message, advice) != (issue.message, issue.advice), (lang, issue.code, issue.params)
        assert message and advice and "{" not in message + advice, (issue.code, message, advice)
    issue = next(i for i in issues if i.code == case.code and (case.row is None or case.row in i.rows))
    line = issue.line(max_rows=20, lang=lang)
    assert line.startswith(case.file + ",") or line.startswith(case.file + ":")
    assert issue.texts(lang)[0].rstrip(".") in line and issue.texts(lang)[1] in line
    if case.row is not None:
        assert re.search(rf"\b(?:{row_word}|{rows_word}) (?:[\d, ]*\b)?{case.row}\b", line), line
    if case.column is not None:
        assert f"{col_word} {case.column}" in line
    assert HETU not in line and not has_hetu(line)


def test_one_case_word_for_word():
    """A hand-checked message: an end date before the start date in the trainings file."""
    from osaava.issues import Issue

    i = Issue("critical", "end_before_start", "koulutukset.csv", "Loppupvm is before Alkupvm",
              "Correct the dates", column="Alkupvm; Loppupvm", rows=[5], count=1,
              params={"start": "Alkupvm", "end": "Loppupvm"})
    assert i.line(lang="fi") == (
        "koulutukset.csv, rivi 5, sarake Alkupvm; Loppupvm: Loppupvm on ennen päivää Alkupvm. "
        "Korjaa päivämäärät: jakso sisältää molemmat päivät, joten Loppupvm on oltava sama tai "
        "myöhempi kuin Alkupvm.")
    assert i.line(lang="sv") == (
        "koulutukset.csv, rad 5, kolumn Alkupvm; Loppupvm: Loppupvm är före Alkupvm. "
        "Rätta datumen: perioden omfattar båda dagarna, så Loppupvm måste vara samma dag som "
        "eller senare än Alkupvm.")
    assert i.line().startswith("koulutukset.csv, row 5, column Alkupvm; Loppupvm: Loppupvm is before")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_report_in_the_hr_users_language(lang, run, tmp_path, monkeypatch):
    """The data-quality report in the language of the recipients file's HR recipient."""
    from osaava import recipients as rec
    from osaava.dq_report import NOTICES, write_quality_report

    people = rec.Recipients.model_validate({
        "sender": "osaava@kauniainen.fi",
        "groups": {"hr": [{"address": "hr@kauniainen.fi", "language": lang}]}})
    monkeypatch.setattr(rec, "load_recipients", lambda path=None: people)
    case = next(c for c in CASES if c.name == "end_before_start")
    read, issues, _html, _data = run(case)
    paths = write_quality_report(read, issues, tmp_path)
    html = open(paths["data_quality"], encoding="utf-8").read()
    data = json.loads(open(paths["data_quality_json"], encoding="utf-8").read())
    first = html.splitlines()[0]
    assert NOTICES[lang] in first and f'lang="{lang}"' in first
    assert data["notice"] == NOTICES[lang] and data["lang"] == lang
    assert data["status"] == "refused"  # the machine value stays
    words = {"fi": ("Tietojen laadun raportti", "Tila: hylätty", "Mitä tehdä", "Rivien täsmäytys"),
             "sv": ("Datakvalitetsrapport", "Status: avvisat", "Vad ska göras", "Avstämning av rader")}
    for w in words[lang]:
        assert w in html, w
    for i, d in zip(sorted(issues, key=lambda i: (i.severity != "critical", i.file,
                                                   i.rows[0] if i.rows else 0)), data["issues"]):
        assert d["message"] == i.texts(lang)[0] and d["message"] in html
        assert (d["file"], d["code"], d["column"]) == (i.file, i.code, i.column)
    for english in ("What to do", "Row reconciliation", "critical issue(s)"):
        assert english not in html
