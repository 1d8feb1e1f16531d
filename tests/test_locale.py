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
