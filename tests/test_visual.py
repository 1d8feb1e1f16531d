"""What a committee member sees, from the synthetic 600-person municipality through the real path
(report files → draft → HR's approval with conclusions → the sent files, osaava.drafts.finalise):
the cover-note mail and the web summary at 375 px (a phone) and 1280 px in headless Chromium, the
PDF's pages (pdftoppm) and the charts.

The images stay in test-artifacts/ (git-ignored) for a person to look at. Chromium and
pdftoppm are Debian packages: when missing, this test FAILS and says how to install them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "visual"
CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
INSTALL = ("is missing: run `sudo scripts/ensure_system_packages.sh` (installs Debian's chromium, "
           "poppler-utils and fonts-dejavu-core)")


def tool(path_or_name: str) -> str:
    found = shutil.which(path_or_name)
    if not found:
        pytest.fail(f"{path_or_name} {INSTALL}")
    return found


CONCLUSIONS = {
    "fi": "\nEhdotus: toimialajohtajat sopivat kevään aikana jokaisen työntekijän kanssa vähintään "
          "yhdestä koulutuksesta; käyttämätön määräraha kohdennetaan Yleishallinnon ja "
          "Yhdyskuntatoimen verkkokoulutuksiin.\nEhdotus: puuttuvat tavoitekeskustelut käydään "
          "maaliskuun loppuun mennessä.",
    "sv": "\nFörslag: sektorcheferna kommer under våren överens med varje anställd om minst en "
          "utbildning; det oanvända anslaget riktas till webbutbildningar inom Allmänna "
          "förvaltningen och Samhällstekniska sektorn.\nFörslag: de saknade målsamtalen hålls "
          "före slutet av mars.",
}
CONTACT = "Hanna Henkilö, henkilöstöpäällikkö / personalchef, puh. / tfn 09 505 6000"


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    """The files the committee gets: the 2025 report of the 600-person municipality, approved
    with HR's conclusions (osaava's points for HR plus two proposals, about 750 characters) —
    ``(public folder of the sent files, public folder of the draft)``."""
    from connectors.files import read_folder
    from osaava import drafts
    from osaava.proposals import draft_text
    from osaava.synth import generate, write_export
    from osaava.yearly import figures_from_frames
    from tasks.render import write_reports

    export = tmp_path_factory.mktemp("synth")
    write_export(generate(600, (2024, 2025), 1), export)
    frames = read_folder(export).frames
    out = ARTIFACTS / "report"
    shutil.rmtree(out, ignore_errors=True)
    # the real path: this year, last year, the trend and the breakdowns (osaava.yearly)
    yf = figures_from_frames(frames, 2025)
    paths = write_reports(yf, str(out), made_on=dt.date(2026, 1, 15))
    draft = drafts.record(out, year=2025, batch_id=1, batch_source="files",
                          guideline=yf.document["guideline"], report_id="annual-2025-visual",
                          run="visual", paths=paths, now=dt.datetime(2026, 1, 15, 6, 0, tzinfo=dt.UTC))
    public = __import__("json").loads(Path(paths["disclosure"]).read_text(encoding="utf-8"))
    final = drafts.finalise(draft, {lang: draft_text(public, lang) + CONCLUSIONS[lang]
                                    for lang in ("fi", "sv")}, CONTACT)
    return Path(final.paths()["report_html_fi"]).parent, out / "public"


@pytest.fixture(scope="module")
def report(sent):
    return sent[0]


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    cmd = [tool(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


# Headless Chromium lays a page out at least 500 px wide whatever --window-size says (it only
# crops the screenshot). A phone is emulated with an iframe exactly 375 px wide.
FRAME = """<!DOCTYPE html><html><body style="margin:0;background:#fff">
<iframe src="{src}" style="width:{w}px;height:{h}px;border:0;display:block"></iframe>
<script>window.addEventListener("message", function (e) {{
  document.body.setAttribute("data-probe", e.data); }});</script></body></html>"""
PROBE = """<script>
window.addEventListener("load", function () {
  var wide = Array.from(document.querySelectorAll(".scroll, .wrap, .chart, table, img"))
    .filter(function (e) { return e.scrollWidth > e.clientWidth + 1
                                  || e.getBoundingClientRect().right > innerWidth + 0.5; })
    .map(function (e) { return e.tagName + ": " + e.textContent.replace(/\\s+/g, " ").trim().slice(0, 60); });
  // the smallest text: the computed font size of every element that holds text of its own
  var sizes = Array.from(document.querySelectorAll("body *"))
    .filter(function (e) { return Array.from(e.childNodes).some(function (n) {
                             return n.nodeType === 3 && n.textContent.trim(); }); })
    .map(function (e) { return parseFloat(getComputedStyle(e).fontSize); });
  var imgs = Array.from(document.querySelectorAll("img")).map(function (e) {
    return {width: e.getBoundingClientRect().width, svg: e.src.indexOf("data:image/svg+xml") === 0}; });
  parent.postMessage(JSON.stringify({viewport: innerWidth, width: document.documentElement.scrollWidth,
                                     height: document.documentElement.scrollHeight,
                                     content: Math.ceil(document.body.getBoundingClientRect().height),
                                     min_font: Math.min.apply(null, sizes), images: imgs,
                                     wide: wide}), "*");
});
</script>"""
TWO_SCREENS = 1600  # px at 375 px wide: two screens of a common phone (375 × 812 less the bars)


def probe(html: Path, profile: Path, width: int = WIDTH) -> dict:
    """Layout facts of a page in a ``width`` px viewport, measured by Chromium itself."""
    import html as htmllib
    import json
    import re

    copy = html.with_name(html.stem + ".probe.html")
    frame = html.with_name(html.stem + ".frame.html")
    copy.write_text(html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                    encoding="utf-8")
    frame.write_text(FRAME.format(src=copy.name, w=width, h=400), encoding="utf-8")
    try:
        res = chromium([f"--window-size={max(500, width + 20)},2000", "--virtual-time-budget=5000",
                        "--dump-dom", frame.as_uri()], profile)
    finally:
        copy.unlink()
        frame.unlink()
    m = re.search(r'data-probe="([^"]*)"', res.stdout)
    assert m, f"chromium did not report the layout: {res.stderr[-2000:]}"
    return json.loads(htmllib.unescape(m.group(1)))


def screenshot(html: Path, png: Path, profile: Path, height: int, width: int = WIDTH) -> None:
    frame = html.with_name(html.stem + ".frame.html")
    frame.write_text(FRAME.format(src=html.name, w=width, h=height), encoding="utf-8")
    png.unlink(missing_ok=True)
    try:
        res = chromium([f"--screenshot={png}", f"--window-size={max(500, width + 20)},{height}",
                        frame.as_uri()], profile)
    finally:
        frame.unlink()
    assert png.is_file(), f"chromium made no screenshot: {res.stderr[-2000:]}"
    from PIL import Image

    Image.open(png).crop((0, 0, width, height)).save(png)


def trimmed(png: Path):
    """The page without the empty space below it (the window is taller than the page)."""
    import numpy as np
    from PIL import Image

    im = Image.open(png).convert("L")
    a = np.asarray(im)
    rows = np.where((a < 245).any(axis=1))[0]
    return im.crop((0, 0, im.width, int(rows.max()) + 12)) if len(rows) else im


def assert_readable(im, what: str, min_dark: float) -> None:
    import numpy as np

    a = np.asarray(im.convert("L"))
    assert a.min() < 80 and a.max() > 240, f"{what} is a single colour"
    dark = float((a < 128).mean())
    assert dark > min_dark, f"{what}: only {dark:.2%} dark pixels – blank or washed out"


def shoot(html: Path, name: str, profile: Path, width: int, height: int) -> "Image":
    """A screenshot of the whole page, kept in test-artifacts/ (and in slices of 1400 px a
    person or the file viewer can look at)."""
    png = ARTIFACTS / f"{name}-{width}.png"
    for old in ARTIFACTS.glob(f"{name}-{width}-part*.png"):
        old.unlink()
    screenshot(html, png, profile, height + 20, width)
    page = trimmed(png)
    page.save(png)
    if page.height > 1400:
        for i in range(0, page.height, 1400):
            page.crop((0, i, width, min(i + 1400, page.height))).save(
                ARTIFACTS / f"{name}-{width}-part{i // 1400 + 1}.png")
    return page


# ---------------------------------------------------------------------------------------------
# The mail: a cover note


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_mail_fits_a_phone_without_sideways_scrolling(report, lang, tmp_path):
    got = probe(report / f"report-{lang}.html", tmp_path / "profile")
    assert got["viewport"] == WIDTH
    assert got["width"] <= WIDTH, f"the page is {got['width']} px wide"
    assert got["wide"] == [], f"these need sideways scrolling at {WIDTH} px: {got['wide']}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_mail_is_two_phone_screens_at_most(report, lang, tmp_path):
    """The sent cover note, with HR's conclusions of a realistic length (about 750 characters),
    is at most two phone screens long at 375 px, with no text under 12 px and no images."""
    import numpy as np

    html = report / f"report-{lang}.html"
    got = probe(html, tmp_path / "profile")
    assert got["images"] == []
    assert got["min_font"] >= 12, f"text of {got['min_font']} px"
    assert got["content"] <= TWO_SCREENS, f"the mail is {got['content']} px long at {WIDTH} px"
    page = shoot(html, f"mail-{lang}", tmp_path / "profile", WIDTH, got["content"])
    assert_readable(page, f"the {lang} mail", 0.01)
    a = np.asarray(page)
    # one column that fits: nothing is drawn in the last 6 px (the page has 12 px padding)
    assert (a[:, WIDTH - 6:] > 235).all(), "something runs off the right edge at 375 px"
    # the first screen holds the title, the greeting and the targets
    assert float((a[:700] < 128).mean()) > 0.02
    wide = probe(html, tmp_path / "profile", 1280)
    shoot(html, f"mail-{lang}", tmp_path / "profile", 1280, wide["content"])


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_draft_mail_fits_too(sent, lang, tmp_path):
    """The draft HR reviews (no conclusions yet: it says they come with the approval)."""
    got = probe(sent[1] / f"report-{lang}.html", tmp_path / "profile")
    assert got["min_font"] >= 12 and got["content"] <= TWO_SCREENS and got["wide"] == []


# ---------------------------------------------------------------------------------------------
# The web summary: the full report


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_web_summary_on_a_phone_and_a_desktop(report, lang, tmp_path):
    """The full report as a web page: no sideways scrolling at 375 px, vector charts whose text
    is at least 12 px as shown (the chart's width on the page against its font sizes)."""
    from osaava.report.charts import SMALL_PT, text_px

    html = report / f"summary-{lang}.html"
    got = probe(html, tmp_path / "profile")
    assert got["width"] <= WIDTH and got["wide"] == [], got["wide"]
    assert got["min_font"] >= 12, f"text of {got['min_font']} px"
    assert len(got["images"]) >= 4 and all(i["svg"] for i in got["images"])
    for img in got["images"]:
        assert text_px(SMALL_PT, img["width"]) >= 12, f"chart text {text_px(SMALL_PT, img['width']):.1f} px"
    page = shoot(html, f"summary-{lang}", tmp_path / "profile", WIDTH, got["content"])
    assert_readable(page, f"the {lang} web summary", 0.01)
    assert page.height > 3000, "the whole report is expected, not a fragment"
    wide = probe(html, tmp_path / "profile", 1280)
    assert wide["wide"] == []
    shoot(html, f"summary-{lang}", tmp_path / "profile", 1280, wide["content"])


# ---------------------------------------------------------------------------------------------
# The PDF: every page


def pdf_lines(pdf: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Per page: its height and its text lines (top, bottom, text) in points (pdftotext)."""
    import html as htmllib
    import re

    res = subprocess.run([tool("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True, timeout=120)
    pages = []
    for page in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', res.stdout, re.S):
        lines = []
        for line in re.finditer(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
                                page.group(2), re.S):
            words = re.findall(r"<word [^>]*>(.*?)</word>", line.group(3), re.S)
            lines.append((float(line.group(1)), float(line.group(2)),
                          htmllib.unescape(" ".join(words))))
        pages.append((float(page.group(1)), lines))
    return pages


MM = 72 / 25.4


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_pdf_pages(report, lang):
    """Every page as an image in test-artifacts/; the charts are vector graphics (no raster
    image in the file) with their alt texts; no page holds only a few lines; no heading is the
    last thing on a page."""
    import numpy as np
    from PIL import Image
    from pypdf import PdfReader

    from osaava.report import texts

    pdf = report / f"report-{lang}.pdf"
    for old in ARTIFACTS.glob(f"pdf-{lang}-page*.png"):
        old.unlink()
    subprocess.run([tool("pdftoppm"), "-r", "60", "-png", str(pdf), str(ARTIFACTS / f"pdf-{lang}-page")],
                   check=True, timeout=120)
    images = sorted(ARTIFACTS.glob(f"pdf-{lang}-page*.png"))
    reader = PdfReader(str(pdf))
    assert len(images) == len(reader.pages) >= 5
    # vector charts: no image XObject anywhere (pages or the forms they draw)
    seen = set()

    def rasters(res) -> int:
        res = res.get_object() if res is not None else {}
        n = 0
        for _k, ref in (res.get("/XObject") or {}).items():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            n += obj.get("/Subtype") == "/Image"
            n += rasters(obj.get("/Resources")) if obj.get("/Subtype") == "/Form" else 0
        return n

    assert sum(rasters(p.get("/Resources")) for p in reader.pages) == 0
    figures = figures_alt(reader)
    assert len(figures) >= 4 and all(len(a) > 40 for a, _page in figures)
    # no near-empty page: between the header and the footer, ink covers at least a fifth
    for i, png in enumerate(images, 1):
        im = Image.open(png).convert("L")
        a = np.asarray(im)
        top, bottom = int(im.height * 24 / 297), int(im.height * (1 - 18 / 297))
        rows = np.where((a[top:bottom] < 200).any(axis=1))[0]
        assert len(rows), f"page {i} is empty"
        share = (rows.max() - rows.min()) / (bottom - top)
        assert share > 0.2, f"page {i} of {len(images)} holds only {share:.0%} of a page"
    if lang == "fi":
        assert_readable(Image.open(images[0]), "the PDF's first page", 0.02)
        w, h = Image.open(images[0]).size
        assert abs(h / w - 297 / 210) < 0.01, "A4 portrait"
    # headings: never the last line of a page's body
    t = texts(lang)
    headings = {" ".join(str(v).split()) for v in list(t["sections"].values()) + list(t["tables"].values())}
    pages = pdf_lines(pdf)
    # each chart on the page of the table it follows (with that table's heading)
    table_of = {"training_days_per_htv": "training_by_sector",
                "total_cost_per_htv_eur": "costs_by_sector",
                "discussion_coverage_pct": "discussions",
                "share_trained_by_group": "equity_working_time"}
    for alt, page in figures:
        chart = next((k for k in table_of if alt.startswith(
            t["charts"]["alt"].format(title=t["charts"][k], values="", target="").split(". ")[0])), None)
        if chart is None:
            continue
        text = " ".join(" ".join(ln[2] for ln in pages[page][1]).split())
        assert t["tables"][table_of[chart]] in text, f"the chart {chart} is not on its table's page"
    for n, (height, lines) in enumerate(pages, 1):
        body = [ln for ln in lines if 22 * MM - 2 < ln[0] and ln[1] < height - 20 * MM + 2]
        assert body, f"page {n} has no text"
        last = " ".join(max(body, key=lambda ln: ln[1])[2].split())
        assert last not in headings, f"page {n} ends with the heading {last!r}"


def figures_alt(reader) -> list[tuple[str, int]]:
    """The alt texts of the tagged PDF's figures, with the index of the page each is on."""
    out: list[tuple[str, int]] = []
    index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}

    def walk(node, page=None) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for k in node:
                walk(k, page)
            return
        if not hasattr(node, "get"):
            return
        page = node.get("/Pg", page)
        if node.get("/S") == "/Figure" and node.get("/Alt"):
            out.append((str(node["/Alt"]), index[page.idnum]))
        if node.get("/K") is not None:
            walk(node["/K"], page)

    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is not None:
        walk(root)
    return out


# ---------------------------------------------------------------------------------------------
# The charts


def test_charts_are_grey_scale_readable(report):
    """Printed in grey, the bars still differ from the background and the city's bar from the
    sectors'; the charts are what the report shows (the PNG files are the same drawings)."""
    import numpy as np
    from PIL import Image

    for png in sorted((report / "charts").glob("*.png")):
        grey = np.asarray(Image.open(png).convert("L"))
        levels = np.unique(grey // 16)
        assert len(levels) >= 6, f"{png.name}: too few grey levels to tell the bars apart"
        assert_readable(Image.open(png), png.name, 0.01)
        shutil.copy(png, ARTIFACTS / png.name)


# ---------------------------------------------------------------------------------------------
# Issue 14: the summary, the trend and where the training went, at 375 px, 1280 px and in the PDF


def _section(page_text: str, lang: str) -> list[str]:
    from osaava.report import texts

    t = texts(lang)
    return [t["tables"]["targets_by_sector"], t["sections"]["trend"], t["sections"]["where_training"],
            t["tables"]["training_by_area"], t["tables"]["no_training"]]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_issue14_sections_at_375_and_1280(report, lang, tmp_path):
    """The new sections fit a phone without sideways scrolling and are in the full report (the
    web summary; the mail is a cover note); the whole page is kept at 375 px and 1280 px
    (test-artifacts/visual/issue14/)."""
    import html as htmllib
    import re

    from osaava.report import texts

    out = ARTIFACTS / "issue14"
    out.mkdir(parents=True, exist_ok=True)
    src = report / f"summary-{lang}.html"
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", src.read_text(encoding="utf-8")))
    for heading in _section(text, lang):
        assert heading in text, heading
    raw = htmllib.unescape(src.read_text(encoding="utf-8"))
    assert 'src="data:image/svg+xml' in raw  # the charts, the trend among them, as SVG
    assert texts(lang)["charts"]["trend"] + ". " in raw  # in the trend chart's alt text
    got = probe(src, tmp_path / "profile")
    assert got["wide"] == [], f"these need sideways scrolling at {WIDTH} px: {got['wide']}"
    for width in (WIDTH, 1280):
        png = out / f"summary-{lang}-{width}.png"
        screenshot(src, png, tmp_path / "profile", got["height"] + 20, width)
        page = trimmed(png)
        page.save(png)
        assert_readable(page, f"the {lang} summary at {width} px", 0.01)
        for i in range(0, min(page.height, 5600), 1400):
            page.crop((0, i, width, min(i + 1400, page.height))).save(
                out / f"mail-{lang}-{width}-part{i // 1400 + 1}.png")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_issue14_pdf_pages(report, lang):
    """Every PDF page as an image (test-artifacts/visual/issue14/pdf-<lang>-<n>.png); the
    targets × sector table and the trend are on the first pages."""
    from pypdf import PdfReader

    from osaava.report import texts

    exe = tool("pdftoppm")
    out = ARTIFACTS / "issue14"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"pdf-{lang}-*.png"):
        old.unlink()
    subprocess.run([exe, "-r", "70", "-png", str(report / f"report-{lang}.pdf"),
                    str(out / f"pdf-{lang}")], check=True, timeout=180)
    pages = sorted(out.glob(f"pdf-{lang}-*.png"))
    assert len(pages) >= 5
    text = [p.extract_text() for p in PdfReader(str(report / f"report-{lang}.pdf")).pages]
    t = texts(lang)
    first = "".join(text[:3])
    assert t["tables"]["targets_by_sector"] in first and t["sections"]["trend"] in first
