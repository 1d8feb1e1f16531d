"""What a committee member sees: the HTML mail on a 375 px phone screen (headless Chromium) and
the PDF appendix's first page (pdftoppm), from the synthetic 600-person municipality.

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


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from connectors.files import read_folder
    from osaava.disclosure import exposure
    from osaava.figures import compute
    from osaava.guideline import guideline_for_year, load_codes
    from osaava.report import figures_document
    from osaava.synth import generate, write_export
    from tasks.figures import YearFigures
    from tasks.render import write_reports

    export = tmp_path_factory.mktemp("synth")
    write_export(generate(600, (2024, 2025), 1), export)
    frames = read_folder(export).frames
    g, codes = guideline_for_year(2025), load_codes()
    fig, prev = compute(frames, g, codes, 2025), compute(frames, g, codes, 2024)
    doc = figures_document(fig, g, [], prev, g)
    out = ARTIFACTS / "report"
    shutil.rmtree(out, ignore_errors=True)
    write_reports(YearFigures(fig, g, doc, exposure(frames, fig, g)), str(out),
                  made_on=dt.date(2026, 1, 15))
    return out / "public"


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
  parent.postMessage(JSON.stringify({viewport: innerWidth, width: document.documentElement.scrollWidth,
                                     height: document.documentElement.scrollHeight,
                                     content: Math.ceil(document.body.getBoundingClientRect().height),
                                     min_font: Math.min.apply(null, sizes), wide: wide}), "*");
});
</script>"""


def probe(html: Path, profile: Path) -> dict:
    """Layout facts of the mail in a 375 px viewport, measured by Chromium itself."""
    import html as htmllib
    import json
    import re

    copy = html.with_name(html.stem + ".probe.html")
    frame = html.with_name(html.stem + ".frame.html")
    copy.write_text(html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                    encoding="utf-8")
    frame.write_text(FRAME.format(src=copy.name, w=WIDTH, h=2000), encoding="utf-8")
    try:
        res = chromium(["--window-size=500,2000", "--virtual-time-budget=5000", "--dump-dom",
                        frame.as_uri()], profile)
    finally:
        copy.unlink()
        frame.unlink()
    m = re.search(r'data-probe="([^"]*)"', res.stdout)
    assert m, f"chromium did not report the layout: {res.stderr[-2000:]}"
    return json.loads(htmllib.unescape(m.group(1)))


def screenshot(html: Path, png: Path, profile: Path, height: int) -> None:
    frame = html.with_name(html.stem + ".frame.html")
    frame.write_text(FRAME.format(src=html.name, w=WIDTH, h=height), encoding="utf-8")
    png.unlink(missing_ok=True)
    try:
        res = chromium([f"--screenshot={png}", f"--window-size=500,{height}", frame.as_uri()],
                       profile)
    finally:
        frame.unlink()
    assert png.is_file(), f"chromium made no screenshot: {res.stderr[-2000:]}"
    from PIL import Image

    Image.open(png).crop((0, 0, WIDTH, height)).save(png)


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


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_mail_fits_a_phone_without_sideways_scrolling(report, lang, tmp_path):
    got = probe(report / f"report-{lang}.html", tmp_path / "profile")
    assert got["viewport"] == WIDTH
    assert got["width"] <= WIDTH, f"the page is {got['width']} px wide"
    assert got["wide"] == [], f"these need sideways scrolling at {WIDTH} px: {got['wide']}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_mail_on_a_phone(report, lang, tmp_path):
    import numpy as np

    png = ARTIFACTS / f"mail-{lang}-375.png"
    height = probe(report / f"report-{lang}.html", tmp_path / "profile")["height"]
    screenshot(report / f"report-{lang}.html", png, tmp_path / "profile", height + 20)
    page = trimmed(png)
    page.save(png)
    assert_readable(page, f"the {lang} mail", 0.01)
    assert page.height > 3000, "the whole report is expected, not a fragment"
    a = np.asarray(page)
    # one column that fits: nothing is drawn in the last 6 px (a table or image wider than the
    # screen would run into the edge; the page has 12 px padding)
    assert (a[:, WIDTH - 6:] > 235).all(), "something runs off the right edge at 375 px"
    # the first screen holds the title and the first target
    top = a[:700]
    assert float((top < 128).mean()) > 0.02
    for i in range(0, page.height, 1400):  # slices a person (or the file tool) can look at
        page.crop((0, i, WIDTH, min(i + 1400, page.height))).save(
            ARTIFACTS / f"mail-{lang}-375-part{i // 1400 + 1}.png")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_pdf_first_page(report, lang):
    exe = tool("pdftoppm")
    stem = ARTIFACTS / f"pdf-{lang}-page1"
    for old in ARTIFACTS.glob(f"pdf-{lang}-page1*.png"):
        old.unlink()
    subprocess.run([exe, "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(report / f"report-{lang}.pdf"), str(stem)], check=True, timeout=120)
    from PIL import Image

    im = Image.open(f"{stem}.png")
    w, h = im.size
    assert abs(h / w - 297 / 210) < 0.01, "A4 portrait"
    assert_readable(im, f"the {lang} PDF's first page", 0.02)


def test_charts_are_grey_scale_readable(report):
    """Printed in grey, the bars still differ: each sector has its own grey level or pattern."""
    import numpy as np
    from PIL import Image

    for png in sorted((report / "charts").glob("*.png")):
        grey = np.asarray(Image.open(png).convert("L"))
        levels = np.unique(grey // 16)
        assert len(levels) >= 6, f"{png.name}: too few grey levels to tell the bars apart"
        assert_readable(Image.open(png), png.name, 0.01)
