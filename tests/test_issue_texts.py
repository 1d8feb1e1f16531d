"""Every validation and reading message has a Finnish and a Swedish text (issue 14, item 7):
each issue code raised in the code, and each text variant it names, is in the locale catalog of
both languages, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from osaava.issues import Issue
from osaava.report.i18n import texts

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*(ROOT / "connectors").glob("*.py"), ROOT / "osaava" / "quality.py"]


def _raised() -> set[str]:
    """Issue codes and text variants spelled in the code."""
    found: set[str] = set()
    for p in SOURCES:
        src = p.read_text(encoding="utf-8")
        found |= set(re.findall(r'Issue\(\s*"(?:critical|warning)",\s*"(\w+)"', src))
        found |= set(re.findall(r'"text":\s*"(\w+)"', src))
        found |= set(re.findall(r'text="(\w+)"', src))
        found |= set(re.findall(r'"(?:critical|warning)", "(\w+)",\s*\n?\s*(?:"|f")', src))
        found |= set(re.findall(r'_bad\(col, [^,]+, [^,]+, file, "(\w+)"', src))
        found |= set(re.findall(r'_exp\([^)]*?"(?:critical|warning)",\s*"(\w+)"', src, flags=re.S))
    from osaava.quality import build_suites

    found |= {x["meta"]["check"] for s in build_suites().values() for x in s["expectations"]}
    found |= {"unknown_cost_centre", "unknown_employment", "unknown_person", "unknown_discussion",
              "unknown_competence_area_need", "out_of_range_min", "out_of_range_max"}
    return found


def test_the_scan_finds_the_codes():
    found = _raised()
    for code in ("required", "not_date", "henkilotunnus", "end_before_start", "separator",
                 "missing_file", "duplicate_key", "source_failed_api", "xapi_no_time"):
        assert code in found, code


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_raised_code_has_a_text(lang):
    catalog = texts(lang)["issue_texts"]["codes"]
    # source_failed is always raised with a variant (api, lrs, db, query); validation_error
    # and the GX codes of _CONFIG_CODES come through their own entries
    missing = sorted(c for c in _raised() - {"source_failed"} if c not in catalog)
    assert not missing, missing
    for code, entry in catalog.items():
        assert entry["message"].strip() and entry["advice"].strip(), code


def test_same_placeholders_in_both_languages():
    fi, sv = (texts(x)["issue_texts"]["codes"] for x in ("fi", "sv"))
    assert fi.keys() == sv.keys()
    ph = lambda s: set(re.findall(r"{(\w+)", s))  # noqa: E731
    for code in fi:
        for part in ("message", "advice"):
            assert ph(fi[code][part]) == ph(sv[code][part]), (code, part)


def test_an_issue_without_a_text_keeps_its_english_words():
    i = Issue("warning", "no_such_code", "x.csv", "something odd", "look at it", rows=[3])
    assert i.line(lang="fi") == "x.csv, rivi 3: something odd. look at it"
    i = Issue("critical", "out_of_range", "x.csv", "the value must be between 0 and 100", "fix",
              column="Työaikaprosentti", rows=[4])  # stored without its values: English
    assert i.texts("sv") == ("the value must be between 0 and 100", "fix")
