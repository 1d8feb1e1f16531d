"""Both languages say the same things: every text key exists in Finnish and in Swedish, with the
same placeholders, and the glossary's words are used where the report names its terms."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

LOCALE = Path(str(resources.files("osaava") / "locale"))


def _flat(d, prefix=""):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _flat(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield from _flat(v, f"{prefix}[{i}]")
    else:
        yield prefix, d


def _placeholders(text) -> set[str]:
    return set(re.findall(r"{(\w+)", str(text)))


def test_report_texts_have_the_same_keys_and_placeholders_in_both_languages():
    fi = dict(_flat(yaml.safe_load((LOCALE / "fi.yaml").read_text(encoding="utf-8"))))
    sv = dict(_flat(yaml.safe_load((LOCALE / "sv.yaml").read_text(encoding="utf-8"))))
    assert fi.keys() == sv.keys(), sorted(fi.keys() ^ sv.keys())
    wrong = [k for k in fi if _placeholders(fi[k]) != _placeholders(sv[k])]
    assert not wrong, wrong


def test_notification_texts_have_the_same_keys_and_placeholders():
    t = yaml.safe_load((LOCALE / "notify.yaml").read_text(encoding="utf-8"))
    fi, sv = dict(_flat(t["fi"])), dict(_flat(t["sv"]))
    assert fi.keys() == sv.keys(), sorted(fi.keys() ^ sv.keys())

    def neutral(text) -> set[str]:  # {recipients_fi} and {recipients_sv} are the same value
        return {p.removesuffix("_fi").removesuffix("_sv") for p in _placeholders(text)}

    wrong = [k for k in fi if neutral(fi[k]) != neutral(sv[k])]
    assert not wrong, wrong


def test_words_the_issue_found_wrong_are_gone():
    sv = (LOCALE / "sv.yaml").read_text(encoding="utf-8")
    fi = (LOCALE / "fi.yaml").read_text(encoding="utf-8")
    for bad in ("lönens frånvaron", "Inhiberade", "För tid på egen tid"):
        assert bad not in sv, bad
    for bad in ("tuntihinta", "keskitaso"):
        assert bad not in fi, bad


def test_no_stilted_title_no_technical_ids_in_report_texts():
    """Issue 14: the Swedish title is plain Swedish, the guideline is named in words (its id
    never stands in a text), and words found wrong in review stay gone."""
    sv = yaml.safe_load((LOCALE / "sv.yaml").read_text(encoding="utf-8"))
    fi = yaml.safe_load((LOCALE / "fi.yaml").read_text(encoding="utf-8"))
    assert sv["title"] == "Hur utbildningsanvisningen genomfördes {year}"
    assert "förverkligande" not in sv["mail"]["subject"]
    for lang, t in (("fi", fi), ("sv", sv)):
        flat = dict(_flat(t))
        assert not [k for k, v in flat.items() if "{guideline_id}" in str(v)
                    or "kauniainen-koulutusohje" in str(v)], lang
        assert "{id}" not in t["method_text"]["guideline"] and "{guideline}" in t["subtitle"]
    svt = (LOCALE / "sv.yaml").read_text(encoding="utf-8")
    for bad in ("timpriset", "Frånvaron", "Lönedata", "Ytterligare information ger"):
        assert bad not in svt, bad
    # the glossary's words where the texts name their terms
    assert sv["findings_heading"] == "Iakttagelser" and fi["findings_heading"] == "Havainnot"
    assert sv["dq_report"]["title"] == "Datakvalitetsrapport"
