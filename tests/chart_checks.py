"""What a reader of a chart needs, measured on the laid-out matplotlib figure with its own
renderer: every text at least 12 px when the chart fills a phone's column (375 px), value labels
and the target's label inside the axes and off the target line, every text inside the figure,
and the target among the axis ticks."""

from __future__ import annotations

import math

from matplotlib.text import Text

from osaava.report.charts import MIN_TEXT_PX, PHONE_PX, WIDTH_IN, text_px


def texts_of(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def problems(fig, target: float | None = None, shown_px: float = PHONE_PX) -> list[str]:
    """Everything wrong with a chart; empty when it is readable."""
    fig.draw_without_rendering()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    box = ax.get_window_extent(r)
    out = []
    assert math.isclose(fig.get_figwidth(), WIDTH_IN)
    line = None
    if target is not None:
        line = ax.transData.transform((target, 0))[0]
        ticks = [float(v) for v in ax.get_xticks() if ax.get_xlim()[0] <= v <= ax.get_xlim()[1]]
        if not any(math.isclose(v, target) for v in ticks):
            out.append(f"the target {target} is not a tick: {ticks}")
        bold = [t.get_text() for t, v in zip(ax.get_xticklabels(), ax.get_xticks())
                if (t.get_fontweight() == "bold") != math.isclose(v, target)]
        if bold:
            out.append(f"only the target's tick is bold: {bold}")
    ticks = sorted((t.get_window_extent(r) for t in ax.get_xticklabels() if t.get_text()),
                   key=lambda bb: bb.x0)
    for a, b in zip(ticks, ticks[1:]):
        if a.x1 + 2 > b.x0:
            out.append(f"tick labels run into each other at {a.x1:.0f} px")
    for t in texts_of(fig):
        size = text_px(t.get_fontsize(), shown_px)
        if size < MIN_TEXT_PX - 1e-6:
            out.append(f"{t.get_text()!r}: {size:.1f} px at {shown_px} px")
        bb = t.get_window_extent(r)
        if bb.x0 < fig.bbox.x0 - 0.5 or bb.x1 > fig.bbox.x1 + 0.5 or bb.y0 < fig.bbox.y0 - 0.5 \
                or bb.y1 > fig.bbox.y1 + 0.5:
            out.append(f"{t.get_text()!r} runs outside the figure: {bb} / {fig.bbox}")
        role = getattr(t, "osaava_role", None)
        if role in ("value", "target"):
            if bb.x0 < box.x0 - 0.5 or bb.x1 > box.x1 + 0.5 or bb.y0 < box.y0 - 0.5 \
                    or bb.y1 > box.y1 + 0.5:
                out.append(f"{role} label {t.get_text()!r} is cut off by the axes: {bb} / {box}")
            if line is not None and bb.x0 - 1.5 <= line <= bb.x1 + 1.5:
                out.append(f"{role} label {t.get_text()!r} lies on the target line at {line:.0f}")
    return out
