"""The report's charts: SVG (vector, for the PDF and the web page) and PNG bytes from the public
(suppressed) document, with alt text.

Pure: matplotlib's object API with the Agg canvas (no pyplot, no global backend switch), texts
handed in by the caller (so no language is spelled here), numbers formatted by the caller's
``fmt``. Readable in grey-scale print: the city's bar is dark and the sectors' light, a pattern
only where it tells parts apart (direct / indirect costs, with a legend), the target a dashed
line with its value written next to it and as a tick of the axis, and every bar carries its
value — never over the target line and never outside the chart (:func:`_place_labels` measures
them). Text is at least 12 px when the chart fills a phone's column (:data:`PHONE_PX`).
Deterministic: the same document gives the same bytes (DejaVu Sans from matplotlib itself, no
time stamp or software version in the PNG or SVG, a fixed SVG hash salt).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import matplotlib.ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from osaava.disclosure import RESIDUAL
from osaava.report.tables import cell, ordered_groups, sectors

WIDTH_IN = 4.6  # the figure's width; shown 351 px wide on a phone, 10.5 cm wide in the PDF
DPI = 150  # the PNG: 690 px wide
PHONE_PX = 351  # a phone's column: 375 px less the page's 2 × 12 px padding
MIN_TEXT_PX = 12.0  # no chart text smaller than this at PHONE_PX
ORG_FILL = "#33475b"  # the whole city: dark
SECTOR_FILL = "#c4c4c4"  # a sector or group: light grey, one colour (the label names the bar)
PART_FILLS = (("#ffffff", "////"), ("#8c8c8c", ""))  # stacked parts: white hatched, grey plain
VALUE_PT = 12.5
SMALL_PT = 12.0  # ticks, target text, legend, notes: 12 pt × 351 / 4.6 in / 72 = 12.7 px
TITLE_PT = 13.5
RC = {
    "font.family": "DejaVu Sans",
    "font.size": VALUE_PT,
    "axes.titlesize": TITLE_PT,
    "axes.edgecolor": "#444444",
    "hatch.linewidth": 0.8,
    "hatch.color": "#222222",
    "svg.hashsalt": "osaava",
    "svg.fonttype": "path",  # glyphs as outlines: the PDF needs no fonts, the bytes stay fixed
    "path.simplify": False,
    "text.parse_math": False,  # a label from the data is text, never mathtext ("$…$")
}


def text_px(size_pt: float, shown_px: float = PHONE_PX) -> float:
    """The size in CSS px of text of ``size_pt`` points when the chart is shown ``shown_px``
    wide."""
    return size_pt / 72 * shown_px / WIDTH_IN


assert text_px(SMALL_PT) >= MIN_TEXT_PX


@dataclass(frozen=True)
class Chart:
    name: str  # file-name part, e.g. "training_days_per_htv"
    title: str
    alt: str
    png: bytes
    svg: bytes = b""  # the same chart as vector graphics (the PDF and the web page use it)


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


def _plain_text(fig: Figure) -> None:
    """Every text is drawn as it is: a label from the data (a sector name with "$…$") is never
    parsed as mathtext."""
    import matplotlib.text

    for text in fig.findobj(matplotlib.text.Text):
        text.set_parse_math(False)


def _png(fig: Figure) -> bytes:
    """The figure as PNG (no software name or time stamp)."""
    _plain_text(fig)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None},
                    pil_kwargs={"optimize": False})
    return buf.getvalue()


def _svg(fig: Figure) -> bytes:
    """The figure as SVG: text as outlines, no date or creator, fixed ids (``svg.hashsalt``)."""
    _plain_text(fig)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def render(fig: Figure) -> tuple[bytes, bytes]:
    """(PNG, SVG) of a figure."""
    return _png(fig), _svg(fig)


def target_ticks(target: float | None, x_max: float, ticks: list[float] | None = None,
                 min_gap: float = 0.15) -> list[float]:
    """Axis ticks that include the target. First choice: evenly spaced ticks from 0 with a
    round step (1, 2, 2.5, 3 or 5 × 10ⁿ) that the target is a multiple of, three to six of them
    up to ``x_max`` (a target of 2.0 gives 0, 1, 2, 3). Otherwise ``ticks`` (or matplotlib's
    own choice of about four) with the target added and any tick closer to it than ``min_gap``
    of the axis dropped, so that no two tick labels run into each other."""
    if ticks is not None:  # the given ticks say how far the scale goes (100 % for a share)
        x_max = min(x_max, max(ticks))

    def within(vs) -> list[float]:
        return [float(v) for v in vs if 0 <= v <= x_max + 1e-9]

    if target is not None and target > 0:
        best = None
        for exp in range(-3, 7):
            for m in (1, 2, 2.5, 3, 5):
                step = m * 10.0 ** exp
                k = target / step
                if abs(k - round(k)) > 1e-9:
                    continue
                vs = within(step * i for i in range(int(x_max / step + 1e-9) + 1))
                if 3 <= len(vs) <= 6 and (best is None or abs(len(vs) - 4) < abs(len(best) - 4)):
                    best = vs
        if best:
            return best
    base = within(ticks if ticks is not None
                  else matplotlib.ticker.MaxNLocator(4).tick_values(0, x_max))
    if target is None:
        return base
    keep = [v for v in base if abs(v - target) >= min_gap * x_max]
    return sorted(set(keep) | {float(target)})


def _label_boxes(fig: Figure, texts) -> list:
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts]


def _place_labels(fig: Figure, ax, values: list[tuple[object, float, bool]], target: float | None,
                  target_label, pad_px: float, set_ticks: Callable[[float], None]) -> None:
    """Places each value label (text, bar end, dark bar?) so that it neither crosses the target
    line nor leaves the axes: at the bar's end; inside the bar's end when that would cross the
    line; just right of the line when the bar is too short for that. The axis is widened until
    every label fits, and the figure keeps room for the last tick label. Labels take no part in
    the layout, so measuring them does not move the axes."""
    right = 1.0
    for _round in range(10):
        set_ticks(ax.get_xlim()[1])
        fig.draw_without_rendering()
        inv = ax.transData.inverted()

        def data_width(px: float) -> float:
            return abs(inv.transform((px, 0))[0] - inv.transform((0, 0))[0])

        pad = data_width(pad_px)
        line = target
        needed = ax.get_xlim()[1]
        for (text, end, dark), bb in zip(values, _label_boxes(fig, [v[0] for v in values])):
            width = data_width(bb.width)
            x, ha, inside = end + pad, "left", False
            if line is not None and x - pad <= line <= x + width + pad:  # on or over the line
                if end - pad - width >= pad:  # room inside the bar, left of the line
                    x, ha, inside = end - pad, "right", True
                else:
                    x = line + pad
            text.set_x(x)
            text.set_horizontalalignment(ha)
            text.set_color("#ffffff" if inside and dark else "#000000")
            text.set_bbox(None if inside else {"facecolor": "white", "edgecolor": "none",
                                               "pad": 1.0})
            if not inside:
                needed = max(needed, x + width + pad)
        if target_label is not None:
            width = data_width(_label_boxes(fig, [target_label])[0].width)
            if target + pad + width <= needed:  # room right of the line
                target_label.set_x(target + pad)
                target_label.set_horizontalalignment("left")
            else:  # the line is near the right edge: written on the left of the line
                target_label.set_x(target - pad)
                target_label.set_horizontalalignment("right")
        # the last tick label may reach past the figure's edge: keep room for it
        ticks = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
        over = max([bb.x1 for bb in ticks] + [0.0]) - fig.bbox.x1
        if needed <= ax.get_xlim()[1] + 1e-9 and over <= 0:
            return
        if over > 0:
            right -= (over + 4) / fig.bbox.width
            fig.get_layout_engine().set(rect=(0, 0, right, 1))
        ax.set_xlim(0, max(needed, ax.get_xlim()[1]))
    fig.draw_without_rendering()


def bar_figure(bars: list[Bar], title: str, value_text: Callable[[float], str],
               target: float | None = None, target_text: str = "", x_max: float | None = None,
               hidden_text: str = "..", missing_text: str = "–",
               stacked: list[tuple[str, str, str, list[float | None]]] | None = None,
               ticks: list[float] | None = None,
               tick_text: Callable[[float], str] | None = None,
               hidden_note: str = "") -> Figure:
    """Horizontal bars, top to bottom in the given order. ``stacked`` (legend label, fill,
    hatch, values) splits each bar into parts whose sum is the bar's value. The target is a
    dashed line, a tick of the axis and a label above the bars."""
    with matplotlib.rc_context(RC):
        n = len(bars)
        fig = Figure(figsize=(WIDTH_IN, 1.2 + 0.5 * n + (0.45 if stacked else 0)
                              + (0.3 if hidden_note and any(b.hidden for b in bars) else 0)),
                     dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ys = list(range(n))[::-1]
        values = [b.value for b in bars if b.value is not None and not b.hidden]
        top = max(values + ([target] if target is not None else []) + [0.0])
        x_max = max(x_max or 0.0, top * 1.12 if top > 0 else 1.0)
        labels = []
        for y, b in zip(ys, bars):
            if b.header:
                continue
            if b.hidden or b.value is None:
                t = ax.text(x_max * 0.01, y, hidden_text if b.hidden else missing_text,
                            va="center", ha="left", fontsize=VALUE_PT)
                t.set_in_layout(False)
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
            t = ax.text(b.value, y, value_text(b.value), va="center", ha="left",
                        fontsize=VALUE_PT, fontweight="bold" if b.fill == ORG_FILL else "normal",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0}, zorder=5)
            t.set_in_layout(False)
            t.osaava_role = "value"
            labels.append((t, b.value, b.fill == ORG_FILL and not stacked))
        target_label = None
        if target is not None:
            ax.axvline(target, color="#000000", linestyle=(0, (5, 3)), linewidth=1.6, zorder=4)
            target_label = ax.text(target, n - 0.5, target_text, va="bottom", ha="left",
                                   fontsize=SMALL_PT, zorder=5)
            target_label.set_in_layout(False)
            target_label.osaava_role = "target"
        ax.set_yticks(ys)
        ax.set_yticklabels([_wrap(b.label) for b in bars])
        for tick, b in zip(ax.get_yticklabels(), bars):
            if b.header or b.fill == ORG_FILL:
                tick.set_fontweight("bold")
        ax.set_xlim(0, x_max)
        ax.set_ylim(-0.6, n - 0.4 + (0.75 if target is not None else 0))
        ax.tick_params(axis="y", length=0, labelsize=VALUE_PT)
        ax.tick_params(axis="x", labelsize=SMALL_PT)
        tick_text = tick_text or value_text
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: tick_text(v)))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if hidden_note and any(b.hidden for b in bars):
            fig.supxlabel(hidden_note, x=0.02, ha="left", fontsize=SMALL_PT, color="#222222")
        fig.suptitle(_wrap(title, 36), x=0.02, ha="left", fontweight="bold", fontsize=TITLE_PT)
        if stacked:
            from matplotlib.patches import Patch

            handles = [Patch(facecolor=fill, hatch=hatch, edgecolor="#222222", label=label)
                       for label, fill, hatch, _v in stacked]
            fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False,
                       fontsize=SMALL_PT)
        _plain_text(fig)
        dropped: set[float] = set()

        def set_ticks(x_max: float) -> None:
            ax.set_xticks([v for v in target_ticks(target, x_max, ticks) if v not in dropped])

        _place_labels(fig, ax, labels, target, target_label, pad_px=0.012 * WIDTH_IN * DPI,
                      set_ticks=set_ticks)
        # tick labels that run into each other (a narrow axis): the one nearer the target goes,
        # never 0 or the target itself
        for _round in range(6):
            fig.draw_without_rendering()
            shown = [(t.get_window_extent(), v) for t, v in
                     zip(ax.get_xticklabels(), ax.get_xticks()) if t.get_text()]
            clash = next(((a, b) for a, b in zip(shown, shown[1:])
                          if a[0].x1 + 4 > b[0].x0), None)
            if clash is None:
                break
            keep = {0.0} | ({float(target)} if target is not None else set())
            cands = [v for _bb, v in clash if float(v) not in keep] or [clash[1][1]]
            dropped.add(float(max(cands, key=lambda v: -abs(v - (target or 0)))
                              if target is not None else cands[-1]))
            set_ticks(ax.get_xlim()[1])
        # the target's tick in bold (the ticks' places are known once drawn)
        fig.draw_without_rendering()
        for tick in ax.xaxis.get_major_ticks():
            tick.label1.set_fontweight("bold" if target is not None
                                       and math.isclose(tick.get_loc(), target) else "normal")
        return fig


def bar_chart(*args, **kwargs) -> bytes:
    """:func:`bar_figure` as PNG bytes."""
    return _png(bar_figure(*args, **kwargs))


# ---------------------------------------------------------------------------------------------
# The four charts of the committee report


def _sector_bars(doc: dict, key: str, name: Callable[[tuple], str]) -> list[Bar]:
    bars = []
    for s in sectors(doc):
        c = cell(doc, f"sectors/{s}/{key}", "num")
        bars.append(Bar(name(("sector", s)), c.value, c.hidden, SECTOR_FILL))
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
    return [Chart(n, title, alt, *render(fig))
            for n, title, alt, fig in chart_figures(doc, t, name, fmt)]


def chart_figures(doc: dict, t: dict, name: Callable[[tuple], str],
                  fmt: Callable[[object, str], str]) -> list[tuple[str, str, str, Figure]]:
    """(name, title, alt text, matplotlib figure) of each chart of :func:`charts`, laid out and
    ready to save (tests measure the figures)."""
    out: list[tuple[str, str, str, Figure]] = []
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
    fig = bar_figure(bars, title, vt, targets.get(key), target_words(key, "num"),
                     hidden_text=hidden_text, hidden_note=note)
    out.append((key, title, _alt(t, key, bars, vt, hidden_text, target_words(key, "num")), fig))

    # 2. cost per htv by sector: direct and indirect stacked
    key = "total_cost_per_htv_eur"
    bars = _sector_bars(doc, key, name)
    scopes = [f"sectors/{s}/" for s in sectors(doc)] + ["organisation/"]
    direct = [cell(doc, p + "direct_cost_per_htv_eur", "eur").value for p in scopes]
    indirect = [None if b.value is None or d is None else b.value - d for b, d in zip(bars, direct)]
    vt = lambda v: f"{fmt(v, 'eur')} €"  # noqa: E731
    title = t["charts"][key]
    fig = bar_figure(bars, title, vt, hidden_text=hidden_text, hidden_note=note,
                     stacked=[(t["charts"]["direct"], *PART_FILLS[0], direct),
                              (t["charts"]["indirect"], *PART_FILLS[1], indirect)])
    out.append((key, title, _alt(t, key, bars, vt, hidden_text), fig))

    # 3. goal-discussion coverage by sector against the target
    key = "discussion_coverage_pct"
    bars = _sector_bars(doc, key, name)
    vt = lambda v: f"{fmt(v, 'pct')}\u00a0%"  # noqa: E731
    title = t["charts"][key]
    fig = bar_figure(bars, title, vt, targets.get(key), target_words(key, "pct") + " %",
                     x_max=100.0, hidden_text=hidden_text, hidden_note=note, ticks=[0, 50, 100],
                     tick_text=lambda v: f"{fmt(int(v), 'int')}\u00a0%")
    out.append((key, title, _alt(t, key, bars, vt, hidden_text, target_words(key, "pct") + " %"),
                fig))

    # 4. share trained by group, every dimension, against the share-trained target
    key = "share_trained_pct"
    bars = []
    for dim in doc["groups"]:
        bars.append(Bar(t["dimensions"][dim], None, header=True))
        for g in ordered_groups(doc, dim):
            c = cell(doc, f"groups/{dim}/{g}/share_trained_pct", "pct")
            if g == RESIDUAL:
                label = name(("residual", dim, tuple(doc["groups"][dim][g].get("members") or ())))
            else:
                label = name(("sector", g)) if dim == "sector" else name(("group", dim, g))
            bars.append(Bar(label, c.value, c.hidden, SECTOR_FILL))
    c = cell(doc, "organisation/share_trained_pct", "pct")
    bars.append(Bar(name(("org",)), c.value, c.hidden))
    title = t["charts"]["share_trained_by_group"]
    fig = bar_figure(bars, title, vt, targets.get(key), target_words(key, "pct") + " %",
                     x_max=100.0, hidden_text=hidden_text, hidden_note=note, ticks=[0, 50, 100],
                     tick_text=lambda v: f"{fmt(int(v), 'int')}\u00a0%")
    out.append(("share_trained_by_group", title,
                _alt(t, "share_trained_by_group", bars, vt, hidden_text,
                     target_words(key, "pct") + " %"), fig))

    # 5. the targets over the years (issue 14)
    trend = trend_figure(doc, t, fmt)
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


def trend_figure(doc: dict, t: dict, fmt: Callable[[object, str], str]
                 ) -> tuple[str, str, str, Figure] | None:
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
                            xytext=(6, 0), va="center", ha="left", fontsize=SMALL_PT,
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
                   frameon=False, fontsize=SMALL_PT, handlelength=2.6)
        top.set_title(t["charts"]["trend_pct"], loc="left", fontsize=SMALL_PT)
        alt += draw(bottom, "training_days_per_htv", "num", "")
        _vals, target = series("training_days_per_htv")
        hi = max([v for v in _vals if v is not None] + [target or 0.0, 1.0])
        bottom.set_ylim(0, hi * 1.35)
        ticks = sorted({0.0, float(target or 0.0), round(hi * 1.3, 0)})
        bottom.set_yticks([v for v in ticks if v <= hi * 1.35])
        bottom.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _p: fmt(v, "num")))
        bottom.set_title(t["charts"]["trend_days"], loc="left", fontsize=SMALL_PT)
        bottom.set_xticks(xs)
        bottom.set_xticklabels([str(y) for y in years])
        bottom.set_xlim(-0.3, len(years) - 0.4)
        for ax in (top, bottom):
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.tick_params(labelsize=SMALL_PT)
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        title = t["charts"]["trend"]
        fig.suptitle(_wrap(title, 36), x=0.02, ha="left", fontweight="bold",
                     fontsize=RC["axes.titlesize"])
    alt_text = t["charts"]["alt_trend"].format(title=title, values="; ".join(alt))
    return "trend", title, alt_text, fig
