"""An intruder: what a reader can work out from all the public files of one report together.

Kept apart from the code that suppresses on purpose: it imports nothing of
``osaava.disclosure`` or ``osaava.report`` and knows only what a reader of the public files
knows — the Finnish workbook's sheet and column headings (``osaava/locale/fi.yaml``), the
definitions the report prints, and the numbers. It reads every table of ``report-fi.xlsx`` and
checks that every table row of ``report-fi.html`` (the mail) and ``summary-fi.html`` (the web
page) shows the same numbers; then it writes down the
relations a reader knows as linear constraints over integer person counts:

- a total is the sum of its parts (sectors → the city; groups of a dimension → the city;
  supervisors → their five levels);
- a share is count / persons at its shown precision (one decimal, so within ±0.05);
- counts are nested (trained ≤ persons, held ≤ eligible ≤ persons, compliant ≤ supervisors, …);
- the findings: "supervisor without the required level" = supervisors − compliant; each
  application finding ≤ required − compliant ≤ the three together;
- the equity gap: any hidden group of at least 5 persons has its share within the gap of the
  shown ones (unless the report says the gap is computed from the shown groups only);
- a group folded into "Muut (…)" is one of the members named; a group in no row has nobody.

Every count the reader does not see is a variable; ``scipy.optimize.milp`` (HiGHS) then gives
its feasible interval, and whether a given value is possible.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import Bounds, LinearConstraint, milp

HIDDEN = ".."
MISSING = "–"
BIG = 100_000
ORG = "ORG"
DIMENSIONS = ("sector", "gender", "age_band", "employment_type", "working_time")
GROUPS = {"gender": ("N", "M", "X"), "age_band": ("under_30", "30_49", "50_plus"),
          "employment_type": ("vakinainen", "määräaikainen"),
          "working_time": ("full_time", "part_time")}
APPLICATION_FINDINGS = ("application_missing", "application_late", "approver_below_limit")


def reader_texts(lang: str = "fi") -> dict:
    path = Path(__file__).resolve().parents[1] / "osaava" / "locale" / f"{lang}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Reading the public files


@dataclass
class Sheet:
    head: list
    rows: dict[str, list]  # row label → cell values (number, "..", "–" or text)
    order: list[str] = field(default_factory=list)


def read_workbook(path: Path, lang: str = "fi") -> dict[str, Sheet]:
    """Every sheet, keyed by the sheet id whose title (in ``lang``) it has."""
    import openpyxl

    t = reader_texts(lang)
    by_title = {v: k for k, v in t["sheets"].items()}
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        key = by_title.get(ws.title)
        if key is None:
            continue
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        sheet = Sheet(head=rows[0], rows={})
        for r in rows[1:]:
            if not r or r[0] is None or all(v is None for v in r[1:]):
                continue
            sheet.rows[str(r[0])] = list(r[1:])
            sheet.order.append(str(r[0]))
        out[key] = sheet
    return out


def number(text: str):
    """A number as the HTML writes it ("1 234,5", "..", "–") → float / marker."""
    s = text.replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
    if s in (HIDDEN, MISSING, ""):
        return s
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return text


def html_tables(path: Path) -> list[list[list[str]]]:
    raw = path.read_text(encoding="utf-8")
    out = []
    for tb in re.findall(r"<table\b.*?</table>", raw, flags=re.S):
        rows = []
        for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", tb, flags=re.S):
            cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", r, flags=re.S)]
            rows.append(cells)
        out.append(rows)
    return out


def check_html_matches_workbook(html: Path, book: dict[str, Sheet]) -> int:
    """Every number in every table of the HTML is the number the workbook holds in the same
    row (label) and column (heading): the HTML tells nothing the workbook does not. Returns
    the number of cells compared."""
    n = 0
    for rows in html_tables(html):
        head = rows[0]
        candidates = [s for s in book.values() if [str(h) for h in s.head] == head]
        assert candidates, f"{html.name}: a table with headings {head} is not in the workbook"
        for r in rows[1:]:
            sheet = next((s for s in candidates if r[0] in s.rows), None)
            assert sheet is not None, f"{html.name}: row {r[0]!r} is not in the workbook"
            for text, value in zip(r[1:], sheet.rows[r[0]]):
                got = number(text)
                if isinstance(got, float):
                    assert isinstance(value, (int, float)) and abs(got - value) < 1e-9, (
                        html.name, r[0], text, value)
                    n += 1
                elif got == HIDDEN:
                    assert value == HIDDEN, (html.name, r[0], text, value)
                    n += 1
    return n


NUMBER = re.compile(r"(?<![\w.,])-?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?(?![\w])")


def check_html_text_numbers(html: Path, book: dict[str, Sheet], year: int,
                            min_persons: int = 5) -> int:
    """The numbers in the HTML's running text about the figures — chart alt texts, the gap
    lines, the target boxes — are numbers of the workbook too (or years): the text tells
    nothing the tables do not. Returns the number of numbers checked."""
    raw = html.read_text(encoding="utf-8")
    known = {round(float(v), 6) for s in book.values() for r in s.rows.values() for v in r
             if isinstance(v, (int, float)) and not isinstance(v, bool)}
    known |= {float(year), float(year - 1), float(min_persons)}  # and the rule's threshold
    known |= {abs(v) for v in known}  # a change is written with a "−" or "+" sign as text
    trend = book.get("trend")
    if trend is not None:  # the trend's years are its column headings
        known |= {float(h) for h in trend.head[1:] if str(h).isdigit()}
    parts = re.findall(r'alt="([^"]*)"', raw)
    parts += re.findall(r'<p class="gap"[^>]*>(.*?)</p>', raw, flags=re.S)
    parts += re.findall(r'<div class="target[^"]*"[^>]*>(.*?)</div>', raw, flags=re.S)
    labels = sorted({lb for s in book.values() for lb in s.rows}, key=len, reverse=True)
    n = 0
    for part in parts:
        text = htmllib.unescape(re.sub(r"<[^>]+>", " ", part))
        for lb in labels:  # row labels ("alle 30", "30–49") are names, not numbers
            text = text.replace(lb, " ")
        for tok in NUMBER.findall(text):
            v = number(tok)
            assert isinstance(v, float) and round(v, 6) in known, (html.name, tok, text[:200])
            n += 1
    return n


def gap_partial(html: Path) -> bool:
    """Whether the report says a gap was computed from the shown groups only."""
    t = reader_texts()
    return t["equity_gap_partial"] in htmllib.unescape(html.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# The model


class Model:
    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integrality: list[int] = []
        self.constraints: list[tuple[dict[int, float], float, float]] = []
        self.hidden: set[tuple] = set()  # counts a reader sees as ".." or not at all
        self.shown: dict[tuple, float] = {}

    def var(self, key: tuple, ub: float = BIG, integer: bool = True) -> int:
        if key not in self.index:
            self.index[key] = len(self.lb)
            self.lb.append(0.0)
            self.ub.append(float(ub))
            self.integrality.append(1 if integer else 0)
        return self.index[key]

    def put(self, key: tuple, value) -> None:
        """A cell as the reader sees it: a number fixes the count, ".." leaves it open."""
        i = self.var(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.lb[i] = self.ub[i] = float(value)
            self.shown[key] = float(value)
            self.hidden.discard(key)
        elif key not in self.shown:
            self.hidden.add(key)

    def add(self, coeffs: dict[tuple, float], lo: float, hi: float) -> None:
        self.constraints.append(({self.var(k): c for k, c in coeffs.items()}, lo, hi))

    def share(self, num: tuple, den: tuple, pct) -> None:
        """num / den × 100 shown as ``pct`` with one decimal: within ±0.05."""
        if not isinstance(pct, (int, float)):
            return
        self.add({num: 100.0, den: -(pct + 0.05)}, -np.inf, 1e-9)
        self.add({num: 100.0, den: -(pct - 0.05)}, -1e-9, np.inf)

    def _solve(self, c: np.ndarray, extra: tuple[int, float] | None = None):
        n = len(self.lb)
        lb, ub = np.array(self.lb), np.array(self.ub)
        if extra is not None:
            lb[extra[0]] = ub[extra[0]] = extra[1]
        a = np.zeros((len(self.constraints), n))
        lo = np.zeros(len(self.constraints))
        hi = np.zeros(len(self.constraints))
        for r, (coeffs, l, h) in enumerate(self.constraints):
            for i, v in coeffs.items():
                a[r, i] += v
            lo[r], hi[r] = l, h
        res = milp(c, constraints=[LinearConstraint(a, lo, hi)] if len(lo) else [],
                   integrality=np.array(self.integrality), bounds=Bounds(lb, ub),
                   options={"presolve": True, "time_limit": 30})
        return res

    def feasible(self, key: tuple | None = None, value: float | None = None) -> bool:
        c = np.zeros(len(self.lb))
        res = self._solve(c, None if key is None else (self.index[key], value))
        return res.status == 0

    def interval(self, key: tuple) -> tuple[float, float]:
        i = self.index[key]
        c = np.zeros(len(self.lb))
        c[i] = 1.0
        lo = self._solve(c)
        hi = self._solve(-c)
        assert lo.status == 0 and hi.status == 0, (key, lo.message, hi.message)
        return round(lo.fun), round(-hi.fun)

    def fix_all(self, truth: dict[tuple, float]) -> bool:
        """Is the truth itself a solution? (A check of the model: it must be.)"""
        saved = (list(self.lb), list(self.ub))
        for k, v in truth.items():
            if k in self.index:
                i = self.index[k]
                self.lb[i] = self.ub[i] = float(v)
        ok = self.feasible()
        self.lb, self.ub = saved
        return ok


# ---------------------------------------------------------------------------------------------
# What a reader writes down


def build(folder: Path, min_persons: int = 5) -> tuple[Model, dict]:
    """The reader's model of the report in ``folder`` (the public folder)."""
    t = reader_texts()
    book = read_workbook(folder / "report-fi.xlsx")
    cells = check_html_matches_workbook(folder / "report-fi.html", book)
    cells += check_html_matches_workbook(folder / "summary-fi.html", book)
    year = int(re.search(r"\b(\d{4})\b", str(book["key_figures"].head[1])).group(1))
    # the mail (a cover note: the target boxes) and the web summary (the full report's text)
    cells += check_html_text_numbers(folder / "report-fi.html", book, year, min_persons)
    cells += check_html_text_numbers(folder / "summary-fi.html", book, year, min_persons)
    partial = gap_partial(folder / "summary-fi.html")
    m = Model()
    org_label = t["organisation"]
    # the required supervisor level, as the report's text says it
    intro = " ".join(t["intro"]["supervisors"].split("{level}")[0].split()[-2:])
    page = htmllib.unescape((folder / "summary-fi.html").read_text(encoding="utf-8"))
    required = int(re.search(re.escape(intro) + r"\s+(\d)", page).group(1))
    figure_of = {v: k for k, v in t["figures"].items()}

    eq = book["equity_sector"]
    sectors = [r for r in eq.order if r != org_label]
    scopes = sectors + [ORG]

    def scope(label: str) -> str:
        return ORG if label == org_label else label

    # the city's key figures, and last year's
    kf = book["key_figures"]
    for label, vals in kf.rows.items():
        key = figure_of.get(label)
        if key in ("persons_employed", "headcount_year_end", "persons_trained"):
            m.put((key, ORG), vals[0])
            if len(vals) > 1:
                m.put(("previous", key), vals[1])
    m.share(("persons_trained", ORG), ("persons_employed", ORG), kf.rows[t["figures"]["share_trained_pct"]][0])

    # sector tables: (sheet, [count keys], (num, den) of the share column)
    specs = [("equity_sector", ["persons_employed", None, None], ("persons_trained", "persons_employed")),
             ("discussions", ["discussions_eligible", "discussions_held", None],
              ("discussions_held", "discussions_eligible")),
             ("needs", ["needs_recorded", "needs_fulfilled", None], ("needs_fulfilled", "needs_recorded")),
             ("supervisors", ["supervisors", "supervisors_compliant", None],
              ("supervisors_compliant", "supervisors")),
             ("applications", ["applications_required", "applications_compliant", None],
              ("applications_compliant", "applications_required"))]
    for sheet, keys, (num, den) in specs:
        sh = book[sheet]
        for label, vals in sh.rows.items():
            s = scope(label)
            for key, v in zip(keys, vals):
                if key:
                    m.put((key, s), v)
            pct = vals[1] if sheet == "equity_sector" else vals[2]
            m.share((num, s), (den, s), pct)
    lv = book["supervisor_levels_by_sector"]
    for label, vals in lv.rows.items():
        s = scope(label)
        m.put(("supervisors", s), vals[0])
        for k in range(5):
            m.put((f"supervisors_level_{k}", s), vals[1 + k])
    lvo = book["supervisor_levels"]
    for label, vals in lvo.rows.items():
        if label == org_label:
            m.put(("supervisors", ORG), vals[0])
            continue
        k = int(label.split()[0])
        m.put((f"supervisors_level_{k}", ORG), vals[0])
        m.share((f"supervisors_level_{k}", ORG), ("supervisors", ORG), vals[1])

    # findings: by sector and in total; a code without a row has none anywhere
    finding_of = {v: k for k, v in t["findings"].items()}
    fb = book["findings_by_sector"]
    seen = set()
    for label, vals in fb.rows.items():
        code = finding_of[label]
        seen.add(code)
        for s, v in zip(sectors + [ORG], vals):
            m.put((code, s), v)
    for label, vals in book["findings"].rows.items():
        m.put((finding_of[label], ORG), vals[1])
    for code in t["findings"]:
        if code not in seen:
            for s in scopes:
                m.put((code, s), 0)

    # the sum of the sectors is the city, for every count
    counts = ["persons_employed", "persons_trained", "discussions_eligible", "discussions_held",
              "needs_recorded", "needs_fulfilled", "supervisors", "supervisors_compliant",
              "applications_required", "applications_compliant", "headcount_year_end",
              *(f"supervisors_level_{k}" for k in range(5)), *t["findings"]]
    for key in counts:
        m.add({**{(key, s): 1.0 for s in sectors}, (key, ORG): -1.0}, 0, 0)
    for s in scopes:
        le = [("persons_trained", "persons_employed"), ("headcount_year_end", "persons_employed"),
              ("discussions_eligible", "headcount_year_end"), ("discussions_held", "discussions_eligible"),
              ("needs_fulfilled", "needs_recorded"), ("supervisors", "headcount_year_end"),
              ("supervisors_compliant", "supervisors"), ("applications_compliant", "applications_required")]
        for a, b in le:
            m.add({(a, s): 1.0, (b, s): -1.0}, -np.inf, 0)
        m.add({**{(f"supervisors_level_{k}", s): 1.0 for k in range(5)}, ("supervisors", s): -1.0}, 0, 0)
        m.add({("supervisor_level_missing", s): 1.0, ("supervisors", s): -1.0,
               ("supervisors_compliant", s): 1.0}, 0, 0)
        # a supervisor with the required level or higher complies (others may, in their grace)
        m.add({("supervisors_compliant", s): 1.0,
               **{(f"supervisors_level_{k}", s): -1.0 for k in range(required, 5)}}, 0, np.inf)
        non = {("applications_required", s): 1.0, ("applications_compliant", s): -1.0}
        for code in APPLICATION_FINDINGS:
            m.add({(code, s): 1.0, **{k: -v for k, v in non.items()}}, -np.inf, 0)
        m.add({**{(c, s): 1.0 for c in APPLICATION_FINDINGS}, **{k: -v for k, v in non.items()}},
              0, np.inf)

    # groups of each dimension: persons and trained add up to the city's
    for dim in DIMENSIONS:
        sh = book[f"equity_{dim}"]
        if dim == "sector":
            groups = {label: label for label in sectors}
            pk = lambda g: ("persons_employed", g)  # noqa: E731
            tk = lambda g: ("persons_trained", g)  # noqa: E731
        else:
            names = {t["group_names"][g].lower(): g for g in GROUPS[dim]}
            groups = {g: g for g in GROUPS[dim]}
            pk = lambda g, d=dim: ("group_persons", d, g)  # noqa: E731
            tk = lambda g, d=dim: ("group_trained", d, g)  # noqa: E731
            placed = set()
            residual_prefix = t["residual"].split("{")[0]
            for label, vals in sh.rows.items():
                if label == org_label:
                    continue
                if label.startswith(residual_prefix):
                    members = [names[x.strip()] for x in label[len(residual_prefix):].rstrip(")").split(",")]
                    placed |= set(members)
                    m.put(("residual_persons", dim), vals[0])
                    m.add({**{pk(g): 1.0 for g in members}, ("residual_persons", dim): -1.0}, 0, 0)
                    m.add({**{tk(g): 1.0 for g in members}, ("residual_trained", dim): -1.0}, 0, 0)
                    m.share(("residual_trained", dim), ("residual_persons", dim), vals[1])
                    for g in members:
                        m.hidden.add(pk(g))
                        m.hidden.add(tk(g))
                    continue
                g = names[label.lower()]
                placed.add(g)
                m.put(pk(g), vals[0])
                m.share(tk(g), pk(g), vals[1])
                if vals[1] == HIDDEN:
                    m.hidden.add(tk(g))
            only_total = all(label == org_label for label in sh.rows)
            for g in GROUPS[dim]:
                m.var(pk(g))
                m.var(tk(g))
                if g not in placed:
                    if only_total:
                        m.hidden.add(pk(g))
                        m.hidden.add(tk(g))
                    else:  # in no row and not folded: nobody
                        m.put(pk(g), 0)
                        m.put(tk(g), 0)
        for g in groups:
            m.add({tk(g): 1.0, pk(g): -1.0}, -np.inf, 0)
        m.add({**{pk(g): 1.0 for g in groups}, ("persons_employed", ORG): -1.0}, 0, 0)
        m.add({**{tk(g): 1.0 for g in groups}, ("persons_trained", ORG): -1.0}, 0, 0)
        if dim == "sector":
            for g in groups:
                if eq.rows[g][1] == HIDDEN:
                    m.hidden.add(tk(g))
        # the gap: a hidden group of at least min persons has its share within the gap
        gaps = book["equity_gaps"].rows
        gap = gaps.get(t["dimensions"][dim], [None])[0]
        shown = [v[1] for label, v in sh.rows.items() if label != org_label
                 and not label.startswith(t["residual"].split("{")[0])
                 and isinstance(v[1], (int, float)) and isinstance(v[0], (int, float))
                 and v[0] >= min_persons]
        if isinstance(gap, (int, float)) and len(shown) >= 2 and not partial:
            lo, hi = max(shown) - gap - 0.15, min(shown) + gap + 0.15
            for g in groups:
                if pk(g) in m.shown and tk(g) in m.shown:
                    continue
                b = m.var(("big", dim, g), ub=1)
                m.constraints.append(({m.index[pk(g)]: 1.0, b: -float(min_persons)}, 0, np.inf))
                m.constraints.append(({m.index[pk(g)]: 1.0, b: -BIG}, -np.inf, min_persons - 1))
                m.constraints.append(({m.index[tk(g)]: 100.0, m.index[pk(g)]: -hi, b: 100.0 * BIG},
                                      -np.inf, 100.0 * BIG))
                m.constraints.append(({m.index[tk(g)]: 100.0, m.index[pk(g)]: -lo, b: -100.0 * BIG},
                                      -100.0 * BIG, np.inf))
    # issue 14 --------------------------------------------------------------------------------
    # persons without training = persons employed − persons trained, per sector and the city
    nt = book.get("no_training")
    if nt is not None:
        for label, vals in nt.rows.items():
            s = scope(label)
            m.put(("persons_employed", s), vals[0])
            m.put(("persons_untrained", s), vals[1])
            m.add({("persons_untrained", s): 1.0, ("persons_employed", s): -1.0,
                   ("persons_trained", s): 1.0}, 0, 0)
            m.share(("persons_untrained", s), ("persons_employed", s), vals[2])
    # targets by sector: the shares of the sectors, the city and the city last year
    tbs = book.get("targets_by_sector")
    if tbs is not None:
        heads = [str(h) for h in tbs.head[1:]]
        shares = {t["target_short"]["share_trained_pct"]: ("persons_trained", "persons_employed"),
                  t["target_short"]["discussion_coverage_pct"]: ("discussions_held",
                                                                 "discussions_eligible")}
        prev_label = t["previous_year_row"].split("{")[0]
        for label, vals in tbs.rows.items():
            for h, v in zip(heads, vals):
                if h not in shares:
                    continue
                num, den = shares[h]
                if label in sectors or label == org_label:
                    m.share((num, scope(label)), (den, scope(label)), v)
                elif label.startswith(prev_label) and num == "persons_trained":
                    m.share(("previous", num), ("previous", den), v)
    # the trend: the city's persons and trained of each year, and the share trained
    tr = book.get("trend")
    if tr is not None:
        years = [int(h) for h in tr.head[1:]]
        rows = {figure_of.get(label): vals for label, vals in tr.rows.items()}
        for j, y in enumerate(years):
            for key in ("persons_employed", "persons_trained"):
                if key in rows:
                    m.put(("trend", y, key), rows[key][j])
                    link = (key, ORG) if y == year else (("previous", key) if y == year - 1 else None)
                    if link is not None:
                        m.add({("trend", y, key): 1.0, link: -1.0}, 0, 0)
            m.add({("trend", y, "persons_trained"): 1.0, ("trend", y, "persons_employed"): -1.0},
                  -np.inf, 0)
            if "share_trained_pct" in rows:
                m.share(("trend", y, "persons_trained"), ("trend", y, "persons_employed"),
                        rows["share_trained_pct"][j])
    # where the training went: persons by competence area and by training form; a person may
    # be in several groups, every trained person is in at least one
    for sheet, dim, names in (("training_by_area", "competence_area", t["competence_areas"]),
                              ("training_by_type", "training_type", t["training_types"])):
        sh = book.get(sheet)
        if sh is None:
            continue
        code_of = {v.lower(): k for k, v in names.items()}
        residual_prefix = t["residual"].split("{")[0]
        placed: set = set()
        for label, vals in sh.rows.items():
            if label == org_label:
                m.put(("persons_trained", ORG), vals[0])
                continue
            if label.startswith(residual_prefix):
                inner = label[len(residual_prefix):].rstrip(")")
                members = [code_of[x.strip()] for x in inner.split(", ")]
                placed |= set(members)
                m.put(("bd_residual", dim), vals[0])
                for g in members:
                    m.var(("bd", dim, g))
                    m.hidden.add(("bd", dim, g))
                    m.add({("bd", dim, g): 1.0, ("bd_residual", dim): -1.0}, -np.inf, 0)
                m.add({**{("bd", dim, g): 1.0 for g in members}, ("bd_residual", dim): -1.0},
                      0, np.inf)
                continue
            g = code_of[label.lower()]
            placed.add(g)
            m.put(("bd", dim, g), vals[0])
        if not placed:
            continue  # only the total row: nothing of the groups is shown
        for g in names:
            if g not in placed:
                m.put(("bd", dim, g), 0)
            m.add({("bd", dim, g): 1.0, ("persons_trained", ORG): -1.0}, -np.inf, 0)
        m.add({**{("bd", dim, g): 1.0 for g in names}, ("persons_trained", ORG): -1.0}, 0, np.inf)

    # the hidden counts (not the helper binaries)
    m.hidden = {k for k in m.hidden if k[0] != "big"}
    return m, {"cells_compared": cells, "sectors": sectors, "gap_partial": partial}


def truth(doc: dict, sector_names: dict[str, str]) -> dict[tuple, float]:
    """The true counts of a figures document, under the reader's keys (for the checks only)."""
    out: dict[tuple, float] = {}
    scopes = {sector_names[s]: v for s, v in doc["sectors"].items()}
    scopes[ORG] = doc["organisation"]
    for s, v in scopes.items():
        for k, x in v.items():
            if isinstance(x, (int, float)) and not k.endswith(("_pct", "_eur")) and k != "htv":
                out[(k, s)] = x
    findings: dict[tuple, float] = {}
    for f in doc["findings"]:
        s = sector_names[f["sector"]]
        findings[(f["code"], s)] = findings.get((f["code"], s), 0) + f["count"]
        findings[(f["code"], ORG)] = findings.get((f["code"], ORG), 0) + f["count"]
    for code in reader_texts()["findings"]:
        for s in list(scopes):
            out[(code, s)] = findings.get((code, s), 0)
    for s, v in scopes.items():
        if "persons_employed" in v and "persons_trained" in v:
            out[("persons_untrained", s)] = v["persons_employed"] - v["persons_trained"]
    for y, v in ((doc.get("trend") or {}).get("by_year") or {}).items():
        for k in ("persons_employed", "persons_trained"):
            out[("trend", int(y), k)] = v["organisation"][k]
    for dim, bd in (doc.get("training_breakdowns") or {}).items():
        for g, v in bd["groups"].items():
            out[("bd", dim, g)] = v["persons_trained"]
    for dim, groups in doc["groups"].items():
        if dim == "sector":
            continue
        for g in GROUPS[dim]:
            v = groups.get(g, {"persons_employed": 0, "persons_trained": 0})
            out[("group_persons", dim, g)] = v["persons_employed"]
            out[("group_trained", dim, g)] = v["persons_trained"]
    return out


def audit(folder: Path, doc: dict, min_persons: int = 5) -> dict:
    """The intruder's verdict on one report: every hidden count's interval. Fails (assert) when
    a hidden count is determined, or when a count hidden because it is small (1 … min−1 in
    truth) can be shown not to be some value in 1 … min−1."""
    names = {s: v["fi"] for s, v in doc.get("sector_names", {}).items()}
    names = {s: names.get(s, s) for s in doc["sectors"]}
    m, info = build(folder, min_persons)
    real = truth(doc, names)
    assert m.fix_all(real), "the reader's relations must hold for the true figures"
    intervals = {}
    problems = []
    for key in sorted(m.hidden, key=str):
        lo, hi = m.interval(key)
        intervals[key] = (lo, hi)
        if lo == hi:
            problems.append(f"{key}: determined = {lo}")
            continue
        v = real.get(key)
        if v is not None and 0 < v < min_persons:
            for x in range(1, min_persons):
                if not lo <= x <= hi or not m.feasible(key, x):
                    problems.append(f"{key}: true {v}, the reader can exclude {x} (interval {lo}…{hi})")
                    break
    assert not problems, "\n".join(problems)
    return {**info, "intervals": intervals, "hidden": len(m.hidden)}
