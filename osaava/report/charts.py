"""The report's charts: PNG bytes from the public (suppressed) document, with alt text.

Pure: matplotlib's object API with the Agg canvas (no pyplot, no global backend switch), texts
handed in by the caller (so no language is spelled here), numbers formatted by the caller's
``fmt``. Readable in grey-scale print: every series has its own hatching and a grey level, the
target is a dashed line with its value written next to it, and every bar carries its value.
Deterministic: the same document gives the same bytes (DejaVu Sans from matplotlib itself, no
time stamp or software version in the PNG).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import matplotlib.ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from osaava.disclosure import RESIDUAL
from osaava.report.tables import cell, ordered_groups, sectors

WIDTH_IN = 4.6  # 690 px at 150 dpi: shown at 100 % of a phone's width, labels stay legible
DPI = 150
ORG_FILL = "#33475b"  # the whole city: dark
SECTOR_FILLS = ("#d9d9d9", "#bfbfbf", "#f2f2f2", "#a6a6a6", "#e6e6e6")
SECTOR_HATCHES = ("//", "\\\\", "xx", "..", "++")
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 12.5,
    "axes.titlesize": 13.5,
    "axes.edgecolor": "#444444",
    "hatch.linewidth": 0.8,
    "hatch.color": "#222222",
    "svg.hashsalt": "osaava",
    "path.simplify": False,
    "text.parse_math": False,  # a label from the data is text, never mathtext ("$…$")
}


@dataclass(frozen=True)
class Chart:
    name: str  # file-name part, e.g. "training_days_per_htv"
    title: str
    alt: str
    png: bytes


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no value ("–")
    hidden: bool = False  # suppressed: no bar, "..": the caller says what it means
    fill: str = ORG_FILL
    hatch: str = ""
    header: bool = False  # a group heading line without a bar


def _wrap(text: str, width: int = 18) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _png(fig: Figure) -> bytes:
    """The figure as PNG. Every text is drawn as it is: a label from the data (a sector name
    with "$…$") is never parsed as mathtext."""
    import matplotlib.text

    for text in fig.findobj(matplotlib.text.Text):
        text.set_parse_math(False)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None},
                pil_kwargs={"optimize": False})
    return buf.getvalue()


def bar_chart(bars: list[Bar], title: str, value_text: Callable[[float], str],
              target: float | None = None, target_text: str = "", x_max: float | None = None,
              hidden_text: str = "..", missing_text: str = "–",
              stacked: list[tuple[str, str, str, list[float | None]]] | None = None,
              ticks: list[float] | None = None,
              tick_text: Callable[[float], str] | None = None,
              hidden_note: str = "") -> bytes:
    """Horizontal bars, top to bottom in the given order. ``stacked`` (legend label, fill,
    hatch, values) splits each bar into parts whose sum is the bar's value."""
    with matplotlib.rc_context(RC):
        n = len(bars)
        fig = Figure(figsize=(WIDTH_IN, 1.15 + 0.5 * n + (0.45 if stacked else 0)), dpi=DPI,
                     layout="constrained")
        ax = fig.add_subplot()
        ys = list(range(n))[::-1]
        values = [b.value for b in bars if b.value is not None and not b.hidden]
        top = max(values + ([target] if target is not None else []) + [0.0])
        x_max = max(x_max or 0.0, top * 1.32 if top > 0 else 1.0)
        for y, b in zip(ys, bars):
            if b.header:
                continue
            if b.hidden or b.value is None:
                ax.text(x_max * 0.01, y, hidden_text if b.hidden else missing_text,
                        va="center", ha="left", fontsize=12.5)
                continue
            if stacked:
                left = 0.0
                i = bars.index(b)
                for _label, fill, hatch, vals in stacked:
                    v = vals[i] or 0.0
                    ax.barh(y, v, left=left, height=0.62, color=fill, hatch=hatch,
                            edgecolor="#222222", linewidth=0.8)
                    left += v
            else:
                ax.barh(y, b.value, height=0.62, color=b.fill, hatch=b.hatch, edgecolor="#222222",
                        linewidth=0.8)
            ax.text(b.value + x_max * 0.015, y, value_text(b.value), va="center", ha="left",
                    fontsize=12.5, fontweight="bold" if b.fill == ORG_FILL else "normal",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0}, zorder=5)
        if target is not None:
            ax.axvline(target, color="#000000", linestyle=(0, (5, 3)), linewidth=1.6)
            ax.text(target, n - 0.45, f" {target_text}", va="bottom", ha="left", fontsize=11.5)
        ax.set_yticks(ys)
        ax.set_yticklabels([_wrap(b.label) for b in bars])
        for tick, b in zip(ax.get_yticklabels(), bars):
            if b.header or b.fill == ORG_FILL:
                tick.set_fontweight("bold")
        ax.set_xlim(0, x_max)
        ax.set_ylim(-0.6, n - 0.4 + (0.5 if target is not None else 0))
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", labelsize=11.5)
        tick_text = tick_text or value_text
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: tick_text(v)))
        if ticks is not None:
            ax.set_xticks(ticks)
        else:
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if hidden_note and any(b.hidden for b in bars):
            fig.supxlabel(hidden_note, x=0.02, ha="left", fontsize=10.5, color="#222222")
        fig.suptitle(_wrap(title, 36), x=0.02, ha="left", fontweight="bold",
                     fontsize=RC["axes.titlesize"])
        if stacked:
            from matplotlib.patches import Patch

            handles = [Patch(facecolor=fill, hatch=hatch, edgecolor="#222222", label=label)
                       for label, fill, hatch, _v in stacked]
            fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False,
                       fontsize=11.5)
        return _png(fig)


# ---------------------------------------------------------------------------------------------
# The four charts of the committee report


def _sector_bars(doc: dict, key: str, name: Callable[[tuple], str]) -> list[Bar]:
    bars = []
    for i, s in enumerate(sectors(doc)):
        c = cell(doc, f"sectors/{s}/{key}", "num")
        bars.append(Bar(name(("sector", s)), c.value, c.hidden, SECTOR_FILLS[i % 5],
                        SECTOR_HATCHES[i % 5]))
    c = cell(doc, f"organisation/{key}", "num")
    bars.append(Bar(name(("org",)), c.value, c.hidden))
    return bars


def _alt(t: dict, chart: str, bars: list[Bar], value_text, hidden_text: str,
         target: str = "") -> str:
    parts = []
    for b in bars:
        if b.header:
            continue
        v = hidden_text if b.hidden else ("–" if b.value is None else value_text(b.value))
        parts.append(f"{b.label.replace(chr(10), ' ')} {v}")
    return t["charts"]["alt"].format(title=t["charts"][chart], values="; ".join(parts),
                                     target=target).strip()


def charts(doc: dict, t: dict, name: Callable[[tuple], str], fmt: Callable[[object, str], str]
           ) -> list[Chart]:
    """The report's charts for one language: ``t`` its texts, ``name`` turns a label spec into
    words, ``fmt(value, kind)`` formats a number the language's way."""
    out: list[Chart] = []
    hidden_text = t["hidden_mark"]
    note = t["charts"]["hidden"].format(mark=hidden_text)
    targets = {x["key"]: x["target"] for x in doc["targets"]}

    def target_words(key: str, kind: str) -> str:
        return t["charts"]["target"].format(target=fmt(targets[key], kind))

    # 1. training days per htv by sector against the target
    key = "training_days_per_htv"
    bars = _sector_bars(doc, key, name)
    vt = lambda v: fmt(v, "num")  # noqa: E731
    title = t["charts"][key]
    png = bar_chart(bars, title, vt, targets.get(key), target_words(key, "num"),
                    hidden_text=hidden_text, hidden_note=note)
    out.append(Chart(key, title, _alt(t, key, bars, vt, hidden_text, target_words(key, "num")),
                     png))

    # 2. cost per htv by sector: direct and indirect stacked
    key = "total_cost_per_htv_eur"
    bars = _sector_bars(doc, key, name)
    scopes = [f"sectors/{s}/" for s in sectors(doc)] + ["organisation/"]
    direct = [cell(doc, p + "direct_cost_per_htv_eur", "eur").value for p in scopes]
    indirect = [None if b.value is None or d is None else b.value - d for b, d in zip(bars, direct)]
    vt = lambda v: f"{fmt(v, 'eur')} €"  # noqa: E731
    title = t["charts"][key]
    png = bar_chart(bars, title, vt, hidden_text=hidden_text, hidden_note=note,
                    stacked=[(t["charts"]["direct"], "#ffffff", "//", direct),
                             (t["charts"]["indirect"], "#9e9e9e", "..", indirect)])
    out.append(Chart(key, title, _alt(t, key, bars, vt, hidden_text), png))

    # 3. goal-discussion coverage by sector against the target
    key = "discussion_coverage_pct"
    bars = _sector_bars(doc, key, name)
    vt = lambda v: f"{fmt(v, 'pct')}\u00a0%"  # noqa: E731
    title = t["charts"][key]
    png = bar_chart(bars, title, vt, targets.get(key), target_words(key, "pct") + " %",
                    x_max=118.0, hidden_text=hidden_text, hidden_note=note, ticks=[0, 50, 100],
                    tick_text=lambda v: f"{fmt(int(v), 'int')}\u00a0%")
    out.append(Chart(key, title, _alt(t, key, bars, vt, hidden_text,
                                      target_words(key, "pct") + " %"), png))

    # 4. share trained by group, every dimension, against the share-trained target
    key = "share_trained_pct"
    bars = []
    for dim in doc["groups"]:
        bars.append(Bar(t["dimensions"][dim], None, header=True))
        for i, g in enumerate(ordered_groups(doc, dim)):
            c = cell(doc, f"groups/{dim}/{g}/share_trained_pct", "pct")
            if g == RESIDUAL:
                label = name(("residual", dim, tuple(doc["groups"][dim][g].get("members") or ())))
            else:
                label = name(("sector", g)) if dim == "sector" else name(("group", dim, g))
            bars.append(Bar(label, c.value, c.hidden, SECTOR_FILLS[i % 5], SECTOR_HATCHES[i % 5]))
    c = cell(doc, "organisation/share_trained_pct", "pct")
    bars.append(Bar(name(("org",)), c.value, c.hidden))
    title = t["charts"]["share_trained_by_group"]
    png = bar_chart(bars, title, vt, targets.get(key), target_words(key, "pct") + " %",
                    x_max=118.0, hidden_text=hidden_text, hidden_note=note, ticks=[0, 50, 100],
                    tick_text=lambda v: f"{fmt(int(v), 'int')}\u00a0%")
    out.append(Chart("share_trained_by_group", title,
                     _alt(t, "share_trained_by_group", bars, vt, hidden_text,
                          target_words(key, "pct") + " %"), png))

    # 5. the targets over the years (issue 14)
    trend = trend_chart(doc, t, fmt)
    if trend is not None:
        out.append(trend)
    return out


# ---------------------------------------------------------------------------------------------
# The trend (issue 14): the targets over the years, one chart


TREND_PCT = ("discussion_coverage_pct", "share_trained_pct", "equity_gap_pct_points")
TREND_STYLES = {  # grey-scale safe: each series its own line style and marker
    "discussion_coverage_pct": ("#000000", "-", "o"),
    "share_trained_pct": ("#555555", "--", "s"),
    "equity_gap_pct_points": ("#888888", ":", "^"),
    "training_days_per_htv": ("#000000", "-", "D"),
}


def trend_chart(doc: dict, t: dict, fmt: Callable[[object, str], str]) -> Chart | None:
    """The targets over the years of ``doc["trend"]`` as lines: the percentages (goal-
    discussion coverage, share trained, the largest gap between groups in points) in the upper
    panel, training days per htv in the lower one; each target a thin dashed line of the same
    grey with its value written at the right end. A hidden year's value is a gap in its line.
    None when the trend has fewer than two years."""
    tr = doc.get("trend") or {}
    years = [int(y) for y in tr.get("years", [])]
    if len(years) < 2:
        return None
    by_year = tr["by_year"]
    names = t["target_names"]

    def series(key: str) -> tuple[list[float | None], float | None]:
        vals, target = [], None
        for y in years:
            x = next((z for z in by_year[str(y)]["targets"] if z["key"] == key), None)
            vals.append(None if x is None or x.get("hidden") else x["value"])
            target = x["target"] if x is not None else target
        return vals, target

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTH_IN, 6.4), dpi=DPI, layout="constrained")
        top, bottom = fig.subplots(2, 1, height_ratios=[2.3, 1.0], sharex=True)
        xs = list(range(len(years)))

        def draw(ax, key: str, kind: str, unit: str) -> list[str]:
            colour, style, marker = TREND_STYLES[key]
            vals, target = series(key)
            pts = [(x, v) for x, v in zip(xs, vals) if v is not None]
            ax.plot([x for x, v in zip(xs, vals)], [float("nan") if v is None else v for v in vals],
                    color=colour, linestyle=style, marker=marker, linewidth=2.0, markersize=6,
                    label=names[key])
            if pts:  # the latest value written at its point
                x, v = pts[-1]
                ax.annotate(f"{fmt(v, kind)}{unit}", (x, v), textcoords="offset points",
                            xytext=(6, 0), va="center", ha="left", fontsize=11.5,
                            color="#000000", fontweight="bold")
            if target is not None:
                ax.axhline(target, color=colour, linestyle=(0, (2, 2)), linewidth=1.0)
            return [f"{names[key]}: " + ", ".join(
                f"{y} {'..' if v is None else fmt(v, kind) + unit}" for y, v in zip(years, vals))
                + (f" ({t['charts']['target'].format(target=fmt(target, kind))})" if target is not None else "")]

        alt = []
        for key in TREND_PCT:
            alt += draw(top, key, "pct", "\u00a0%" if key != "equity_gap_pct_points" else "")
        top.set_ylim(0, 105)
        top.set_yticks([0, 15, 50, 70, 90, 100])
        top.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _p: f"{fmt(int(v), 'int')}"))
        from matplotlib.lines import Line2D

        handles, _labels = top.get_legend_handles_labels()
        handles.append(Line2D([], [], color="#444444", linestyle=(0, (2, 2)), linewidth=1.0,
                              label=t["charts"]["trend_target"]))
        top.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=1,
                   frameon=False, fontsize=11.0, handlelength=2.6)
        top.set_title(t["charts"]["trend_pct"], loc="left", fontsize=12)
        alt += draw(bottom, "training_days_per_htv", "num", "")
        _vals, target = series("training_days_per_htv")
        hi = max([v for v in _vals if v is not None] + [target or 0.0, 1.0])
        bottom.set_ylim(0, hi * 1.35)
        ticks = sorted({0.0, float(target or 0.0), round(hi * 1.3, 0)})
        bottom.set_yticks([v for v in ticks if v <= hi * 1.35])
        bottom.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _p: fmt(v, "num")))
        bottom.set_title(t["charts"]["trend_days"], loc="left", fontsize=12)
        bottom.set_xticks(xs)
        bottom.set_xticklabels([str(y) for y in years])
        bottom.set_xlim(-0.3, len(years) - 0.4)
        for ax in (top, bottom):
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.tick_params(labelsize=11.5)
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        title = t["charts"]["trend"]
        fig.suptitle(_wrap(title, 36), x=0.02, ha="left", fontweight="bold",
                     fontsize=RC["axes.titlesize"])
        png = _png(fig)
    alt_text = t["charts"]["alt_trend"].format(title=title, values="; ".join(alt))
    return Chart("trend", title, alt_text, png)
