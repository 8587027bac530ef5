"""Accessible figures in one consistent style, embedded in the briefing as PNG with alt text and data.

- One style (:func:`apply_style`): high contrast, the Okabe-Ito colour-blind-safe palette, readable
  sizes, no top/right spines, left-aligned titles that state the finding (the caller writes them).
- Meaning never depends on colour alone: bars carry their value as text at the bar end.
- :func:`figure_html` embeds a figure as a ``data:`` URI PNG with alt text, a caption and, when given,
  the data behind it in a table under a disclosure, so a screen-reader user gets the numbers too.

Figures are created with :class:`matplotlib.figure.Figure` and drawn with the Agg canvas whatever the
notebook's backend is, so they never pop up twice in JupyterLab and their PNG bytes are the same on every
run: text uses DejaVu Sans (bundled with matplotlib, so no machine-dependent font lookup) and the PNG is
written without a "Software" metadata entry.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .report import esc, table_html

__all__ = ["OKABE_ITO", "STYLE", "DPI", "apply_style", "bar_chart", "histogram", "line_chart", "group_map",
           "figure_html", "png_bytes"]

#: Okabe & Ito (2008) colour-blind-safe palette, strongest contrast first.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
TEXT = "#0b0c0c"  # GOV.UK text colour, as in the page
GRID = "#b1b4b6"  # GOV.UK border grey
BAR = OKABE_ITO["blue"]  # 5.1:1 against white
DPI = 110  # PNG resolution: a 7-inch figure is 770 px wide, sharp at page width and small on disk
WIDTH_IN = 7.0  # narrow enough that text stays legible when a phone scales the image down
DATA_ROWS = 1000  # most rows of the data shown under a figure (the caption then says how many there are)

STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 13,
    "axes.titlesize": 15,
    "figure.titlesize": 15,
    "figure.titleweight": "bold",
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 12,
    "axes.labelsize": 13,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": TEXT,
    "axes.linewidth": 1.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO.values())),
    "axes.grid": False,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "text.color": TEXT,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": DPI,
    "figure.dpi": DPI,
    "svg.hashsalt": "listening-post",
    "path.simplify": True,
}


def apply_style() -> None:
    """Set matplotlib's rcParams to the project style (idempotent; the plotting functions call it).

    Also usable in a notebook before plotting something by hand, so it matches the briefing's figures.
    """
    matplotlib.rcParams.update(STYLE)


def _new_figure(height_in: float) -> tuple[Figure, Any]:
    apply_style()
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # Agg whatever the session's backend is
    ax = fig.add_subplot()
    return fig, ax


def _title(fig: Figure, title: str) -> None:
    """The finding, left-aligned over the whole figure (not just the axes, which long labels push right),
    wrapped to the figure's width as measured by the renderer; the figure grows to fit extra lines."""
    renderer = fig.canvas.get_renderer()
    for width in range(72, 11, -4):
        text = fig.suptitle(_wrap(title, width), x=0.01, ha="left")
        if text.get_window_extent(renderer).x1 <= 0.99 * fig.bbox.width:
            break
    extra_lines = text.get_text().count("\n")
    if extra_lines:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w, h + 0.3 * extra_lines)


def _plain(text: Any) -> str:
    """``text`` made literal for matplotlib: ``$`` would otherwise start mathtext (and a label such as
    ``$\\frac$`` from a comment would fail to draw)."""
    return str(text).replace("$", r"\$")


def _wrap(text: Any, width: int) -> str:
    wrapped = "\n".join(textwrap.wrap(str(text), width=width, break_long_words=True)) or str(text)
    return _plain(wrapped)


def _auto_format(values: pd.Series) -> Callable[[float], str]:
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if v.size and np.all(np.isclose(v, np.round(v))):
        return lambda x: f"{x:,.0f}"
    if v.size and np.nanmax(np.abs(v)) < 10:
        return lambda x: f"{x:,.2f}"
    return lambda x: f"{x:,.1f}"


def bar_chart(
    data: pd.DataFrame,
    *,
    label_col: str,
    value_col: str,
    title: str,
    xlabel: str,
    ci_low_col: str | None = None,
    ci_high_col: str | None = None,
    annotate: bool = True,
    value_format: str | Callable[[float], str] | None = None,
) -> Figure:
    """A horizontal bar chart, first row at the top, with each value written at its bar's end.

    Parameters
    ----------
    data : DataFrame
        One row per bar, in the order to show them (sort first if you want them ranked).
    label_col, value_col : str
        Columns holding the bar labels and lengths.
    title : str
        States the finding ("Road safety was the most common theme").
    xlabel : str
        What the length measures, with units ("Share of comments (%)").
    ci_low_col, ci_high_col : str, optional
        Columns with the interval's ends; drawn as black error bars, the value label placed beyond them.
    annotate : bool
        Write each value at the end of its bar (so no reading off the axis is needed).
    value_format : str or callable, optional
        ``str.format`` pattern such as ``"{:.0%}"`` or a callable; default: whole numbers with thousands
        separators, else one or two decimals.

    Returns
    -------
    matplotlib.figure.Figure
        Pass it to :func:`figure_html`.

    Examples
    --------
    >>> df = pd.DataFrame({"theme": ["Roads", "Parks"], "n": [30, 12]})
    >>> fig = bar_chart(df, label_col="theme", value_col="n", title="Roads came up most",
    ...                 xlabel="Comments")
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['30', '12']
    """
    missing = [c for c in (label_col, value_col, ci_low_col, ci_high_col) if c and c not in data.columns]
    if missing:
        raise ValueError(f"bar_chart: no such column(s): {missing}")
    if (ci_low_col is None) != (ci_high_col is None):
        raise ValueError("bar_chart: give both ci_low_col and ci_high_col, or neither")
    labels = [_wrap(x, 24) for x in data[label_col].astype("string").fillna("")]
    raw = pd.to_numeric(data[value_col], errors="coerce").astype(float)
    missing_value = raw.isna().to_numpy()
    values = raw.fillna(0.0).to_numpy()  # no bar; labelled "no data" below, never shown as a zero
    n = len(values)
    fmt = _formatter(value_format) or _auto_format(data[value_col])

    lines = sum(label.count("\n") + 1 for label in labels)
    height = 1.4 + 0.42 * max(n, 1) + 0.2 * max(lines - n, 0)
    fig, ax = _new_figure(min(max(height, 2.4), 14.0))
    y = np.arange(n)
    xerr = None
    ends = values.copy()
    if ci_low_col is not None:
        low = pd.to_numeric(data[ci_low_col], errors="coerce").astype(float).to_numpy()
        high = pd.to_numeric(data[ci_high_col], errors="coerce").astype(float).to_numpy()
        low = np.where(np.isnan(low), values, low)
        high = np.where(np.isnan(high), values, high)
        xerr = np.vstack([np.clip(values - low, 0, None), np.clip(high - values, 0, None)])
        ends = np.maximum(values, high)
    ax.barh(
        y,
        values,
        height=0.65,
        color=BAR,
        xerr=xerr,
        error_kw={"ecolor": TEXT, "elinewidth": 1.3, "capsize": 4, "capthick": 1.3},
    )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()  # first row at the top
    _title(fig, title)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt(x)))  # axis in the labels' units
    ax.set_xlabel(_plain(xlabel))
    ax.tick_params(axis="y", length=0)
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    top = float(np.nanmax(ends)) if n else 1.0
    lowest = float(min(np.nanmin(values), 0.0)) if n else 0.0
    if annotate and n:
        pad = 0.01 * (top - lowest or 1.0)
        for yi, end, v, gap in zip(y, ends, values, missing_value, strict=True):
            label = "no data" if gap else fmt(v)
            ax.text(end + pad, yi, label, va="center", ha="left", fontsize=12, color=TEXT)
        top += 0.14 * (top - lowest or 1.0)  # room for the labels
    ax.set_xlim(lowest, top if top > lowest else lowest + 1.0)
    return fig


def _formatter(value_format: str | Callable[[float], str] | None) -> Callable[[float], str] | None:
    if value_format is None:
        return None
    if callable(value_format):
        return value_format
    return value_format.format


def histogram(
    values: Any,
    *,
    title: str,
    xlabel: str,
    bins: int | str | Any = "auto",
    ylabel: str = "Number of comments",
    scale: tuple[float, float] | None = None,
    band: tuple[float, float, str] | None = None,
    top_share: float = 0.0,
) -> Figure:
    """A histogram of ``values`` (missing values dropped) in the project style, counts in whole numbers.

    ``scale`` fixes the x axis and the bins' span (a score from -1 to +1 is drawn on its whole scale,
    even when every value is near 0); ``band`` = (low, high, name) shades and names a stretch of it (the
    neutral band of a tone score). ``top_share`` > 0 draws the values above that top share (say 0.01:
    the longest 1%) in the last bar, so one very long comment does not squeeze the rest into a corner;
    the axis label says so.

    Examples
    --------
    >>> fig = histogram([1, 2, 2, 3, 3, 3], title="Most comments are short", xlabel="Words", bins=3)
    >>> [int(p.get_height()) for p in fig.axes[0].patches]
    [1, 2, 3]
    >>> fig = histogram([1] * 98 + [2, 500], title="t", xlabel="Words", bins=4, top_share=0.01)
    >>> [int(p.get_height()) for p in fig.axes[0].patches], fig.axes[0].get_xlabel()
    ([98, 0, 0, 2], 'Words (the last bar also holds the 1 value above 2)')
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype="object")
    if not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
        s = pd.to_numeric(s.astype("object"), errors="coerce")  # numbers already need no conversion
    v = s.astype(float).dropna().to_numpy()
    if top_share > 0 and len(v):
        cut = float(np.sort(v)[max(0, int(np.ceil(len(v) * (1 - top_share))) - 1)])  # the top share lies above
        above = int((v > cut).sum())
        if above:
            v = np.minimum(v, cut)
            xlabel += (f" (the last bar also holds the {above:,} value{'s' if above > 1 else ''} above "
                       f"{cut:,.{0 if cut == int(cut) else 2}f})")
    fig, ax = _new_figure(4.2)
    if band is not None:
        ax.axvspan(band[0], band[1], color="#dddddd", zorder=0, label=band[2])
        ax.legend(loc="upper left", frameon=False)
    ax.hist(v, bins=bins, range=scale, color=BAR, edgecolor="white", linewidth=0.8)
    if scale is not None:
        ax.set_xlim(*scale)
    _title(fig, title)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no "0, 0, 1, 2, 2" from fractional ticks
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.0f}"))
    ax.set_xlabel(_plain(xlabel))
    ax.set_ylabel(_plain(ylabel))
    ax.yaxis.grid(True)
    ax.set_axisbelow(True)
    return fig


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: list[str],
    title: str,
    xlabel: str,
    ylabel: str,
    mark: Any = None,
) -> Figure:
    """Lines of ``data[y]`` against ``data[x]`` (e.g. coherence and stability for each number of
    themes), each with its own marker and line style so no meaning rests on colour, and a direct label
    at its last point; ``mark`` (an ``x`` value, such as the chosen number of themes) gets a dashed line.

    Examples
    --------
    >>> d = pd.DataFrame({"k": [2, 3, 4], "coherence": [0.1, 0.3, 0.2], "stability": [0.9, 0.8, 0.6]})
    >>> fig = line_chart(d, x="k", y=["coherence", "stability"], title="t", xlabel="Themes", ylabel="Score", mark=3)
    >>> [line.get_label() for line in fig.axes[0].lines][:2]
    ['coherence', 'stability']
    """
    fig, ax = _new_figure(4.2)
    styles = [("o", "-"), ("s", "--"), ("^", ":"), ("D", "-.")]
    for i, col in enumerate(y):
        marker, linestyle = styles[i % len(styles)]
        d = data[[x, col]].dropna()
        ax.plot(d[x], d[col], marker=marker, linestyle=linestyle, color=BAR if i == 0 else "#505a5f",
                label=_plain(col))
        if len(d):
            ax.annotate(_plain(col), (d[x].iloc[-1], d[col].iloc[-1]), xytext=(6, 0),
                        textcoords="offset points", va="center")
    if mark is not None:
        ax.axvline(mark, color="#0b0c0c", linestyle=(0, (4, 3)), linewidth=1)
        # the label sits on the side of the line with more room, so it is never cut off at the edge
        lo, hi = ax.get_xlim()
        right = (mark - lo) <= (hi - mark)
        ax.annotate(f"chosen: {mark}", (mark, 1), xycoords=("data", "axes fraction"), xytext=(4 if right else -4, -12),
                    textcoords="offset points", ha="left" if right else "right")
    if pd.api.types.is_integer_dtype(data[x]):  # counts, such as numbers of themes: whole-number ticks
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _title(fig, title)
    ax.set_xlabel(_plain(xlabel))
    ax.set_ylabel(_plain(ylabel))
    ax.legend(loc="best", frameon=False)
    ax.yaxis.grid(True)
    ax.set_axisbelow(True)
    return fig


def group_map(
    points: pd.DataFrame,
    *,
    title: str,
    x: str = "x",
    y: str = "y",
    group: str = "group_name",
    other_label: str = "Not grouped",
) -> Figure:
    """A map of participants (e.g. opinion groups from votes): one point each, a marker shape and colour
    per group, the group's letter and size written at its centre, so groups are told apart without
    colour; participants with no group (``group`` missing) are small grey crosses.

    The axes have no units (positions only say who voted alike), so ticks are hidden.

    Examples
    --------
    >>> d = pd.DataFrame({"x": [0, 0.1, 1, 1.1, 0.5], "y": [0, 0.1, 1, 1.1, 0.5],
    ...                   "group_name": ["A", "A", "B", "B", None]})
    >>> fig = group_map(d, title="Two groups")
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['A (2)', 'B (2)']
    """
    fig, ax = _new_figure(5.2)
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    colours = [OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange",
                                      "sky_blue", "black")]
    g = points[group].astype("string")
    rest = points[g.isna().to_numpy()]
    if len(rest):
        ax.scatter(rest[x], rest[y], marker="x", s=14, color="#6f777b", linewidths=0.8,
                   label=_plain(f"{other_label} ({len(rest):,})"))
    for i, name in enumerate(sorted(g.dropna().unique())):
        sel = points[(g == name).fillna(False).to_numpy()]
        ax.scatter(sel[x], sel[y], marker=markers[i % len(markers)], s=22, alpha=0.75,
                   color=colours[i % len(colours)], edgecolors="white", linewidths=0.4,
                   label=_plain(f"Group {name} ({len(sel):,})"))
        ax.text(float(sel[x].mean()), float(sel[y].mean()), _plain(f"{name} ({len(sel):,})"), ha="center",
                va="center", fontsize=14, fontweight="bold", color=TEXT,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": TEXT, "alpha": 0.9})
    _title(fig, title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("Position on the main dividing line in the votes")
    ax.set_ylabel("Second dividing line")
    ax.legend(loc="best", frameon=True, fontsize=11)
    return fig


def png_bytes(fig: Figure, *, dpi: int = DPI) -> bytes:
    """``fig`` as PNG bytes, identical for identical figures (no timestamp or software metadata)."""
    apply_style()
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def figure_html(
    fig: Figure,
    *,
    alt: str,
    caption: str,
    data: pd.DataFrame | None = None,
    data_caption: str | None = None,
    **table_options: Any,
) -> str:
    """``fig`` as a ``<figure>``: an embedded PNG with alt text, a caption, and optionally its data.

    The figure is closed afterwards (it is done with once it is in the page).

    Parameters
    ----------
    fig : Figure
        From :func:`bar_chart`, :func:`histogram` or your own matplotlib code.
    alt : str
        Alt text: what the chart shows and its main finding, for people who cannot see it. Required.
    caption : str
        Visible caption: source and how to read it (e.g. "Bars show 95% intervals").
    data : DataFrame, optional
        The numbers behind the chart, shown as a table under "Show the data behind this chart".
    data_caption : str, optional
        The table's caption (default: ``caption``).
    **table_options
        Passed to :func:`helpers.report.table_html` (``numeric``, ``formats``, ``max_rows`` ...).
        ``max_rows`` defaults to :data:`DATA_ROWS`, so that a chart of a million comments does not
        carry a million-row table (the table's caption then says "first 1,000 of ... rows").

    Examples
    --------
    >>> fig = histogram([1, 2, 3], title="t", xlabel="x")
    >>> html = figure_html(fig, alt="A histogram <of> lengths", caption="Comment lengths")
    >>> '<img class="lp-figure__img" src="data:image/png;base64,' in html, 'alt="A histogram &lt;of&gt; lengths"' in html
    (True, True)
    """
    if alt is None or not str(alt).strip():
        raise ValueError("figure_html: alt text is required (say what the chart shows and its finding)")
    try:
        png = png_bytes(fig)
        width, height = (int(round(x)) for x in fig.get_size_inches() * DPI)
    finally:
        _close(fig)
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    parts = [
        '<figure class="lp-figure">',
        f'<img class="lp-figure__img" src="{src}" alt="{esc(alt)}" width="{width}" height="{height}">',
        f'<figcaption class="lp-figure__caption">{esc(caption)}</figcaption>',
    ]
    if data is not None:
        table = table_html(data, caption=data_caption or caption, **{"max_rows": DATA_ROWS, **table_options})
        parts.append(
            '<details class="lp-details"><summary>Show the data behind this chart</summary>'
            f'<div class="lp-details__body">{table}</div></details>'
        )
    parts.append("</figure>")
    return "".join(parts)


def _close(fig: Figure) -> None:
    """Release ``fig``; also forget it in pyplot if it was made there (pyplot is not imported otherwise)."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    fig.clear()
