"""Tests for helpers.plots: deterministic PNGs, escaped alt text and captions, data tables."""

from __future__ import annotations

import base64
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from helpers import plots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["Road safety and speeding on residential streets", "Parks", "Bus routes"],
            "share": [0.42, 0.31, 0.08],
            "low": [0.37, 0.26, 0.05],
            "high": [0.47, 0.36, 0.12],
        }
    )


def _img_src(html: str) -> bytes:
    m = re.search(r'<img class="lp-figure__img" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert m, html[:200]
    return base64.b64decode(m.group(1))


def test_apply_style_sets_the_accessible_style():
    matplotlib.rcParams["axes.spines.top"] = True
    plots.apply_style()
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["axes.spines.right"] is False
    assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    colours = [c["color"].upper() for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert colours[:3] == ["#0072B2", "#D55E00", "#009E73"]  # Okabe-Ito


def test_bar_chart_writes_values_at_bar_ends_in_row_order(themes):
    fig = plots.bar_chart(
        themes,
        label_col="theme",
        value_col="share",
        title="Road safety came up most",
        xlabel="Share of comments",
        value_format="{:.0%}",
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["42%", "31%", "8%"]
    assert fig.get_suptitle() == "Road safety came up most"
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["0%", "10%"]  # axis in the labels' units
    assert ax.get_xlabel() == "Share of comments"
    # first row at the top: y axis inverted
    bottom, top = ax.get_ylim()
    assert bottom > top
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].replace("\n", " ") == "Road safety and speeding on residential streets"
    assert "\n" in labels[0]  # long labels are wrapped
    # each label sits just beyond its bar
    for text, bar in zip(ax.texts, ax.patches, strict=True):
        assert text.get_position()[0] >= bar.get_width()


def test_bar_chart_error_bars_and_labels_beyond_them(themes):
    fig = plots.bar_chart(
        themes,
        label_col="theme",
        value_col="share",
        title="t",
        xlabel="x",
        ci_low_col="low",
        ci_high_col="high",
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.42", "0.31", "0.08"]  # auto format: below 10 -> 2 dp
    for text, high in zip(ax.texts, themes["high"], strict=True):
        assert text.get_position()[0] > high
    (errorbars,) = [c for c in ax.containers if isinstance(c, matplotlib.container.ErrorbarContainer)]
    segments = errorbars.lines[2][0].get_segments()
    # by hand: interval ends are exactly low and high
    assert [tuple(np.round(s[:, 0], 6)) for s in segments] == [(0.37, 0.47), (0.26, 0.36), (0.05, 0.12)]


def test_bar_chart_integer_values_get_thousands_separators():
    df = pd.DataFrame({"k": ["a", "b"], "n": [12345, 7]})
    fig = plots.bar_chart(df, label_col="k", value_col="n", title="t", xlabel="Comments")
    assert [t.get_text() for t in fig.axes[0].texts] == ["12,345", "7"]
    fig = plots.bar_chart(df, label_col="k", value_col="n", title="t", xlabel="Comments", annotate=False)
    assert len(fig.axes[0].texts) == 0


def test_bar_chart_missing_value_is_labelled_not_shown_as_zero():
    df = pd.DataFrame({"k": ["a", "b"], "n": [5.0, np.nan]})
    fig = plots.bar_chart(df, label_col="k", value_col="n", title="t", xlabel="x")
    assert [t.get_text() for t in fig.axes[0].texts] == ["5", "no data"]


def test_bar_chart_rejects_bad_columns(themes):
    with pytest.raises(ValueError, match="no such column"):
        plots.bar_chart(themes, label_col="nope", value_col="share", title="t", xlabel="x")
    with pytest.raises(ValueError, match="both"):
        plots.bar_chart(themes, label_col="theme", value_col="share", title="t", xlabel="x", ci_low_col="low")


def test_histogram_counts_by_hand():
    fig = plots.histogram([1, 2, 2, 3, 3, 3, None, np.nan], title="Most are short", xlabel="Words", bins=3)
    ax = fig.axes[0]
    assert [int(p.get_height()) for p in ax.patches] == [1, 2, 3]
    assert ax.get_ylabel() == "Number of comments"


def test_same_figure_gives_identical_png_bytes(themes):
    def make():
        return plots.bar_chart(themes, label_col="theme", value_col="share", title="t", xlabel="x")

    first, second = plots.png_bytes(make()), plots.png_bytes(make())
    assert first.startswith(PNG_SIGNATURE)
    assert first == second
    assert b"Software" not in first and b"matplotlib" not in first.lower()
    fig = make()
    assert plots.png_bytes(fig) == plots.png_bytes(fig)  # saving the same figure twice


def test_figure_html_embeds_png_with_escaped_alt_and_caption(themes):
    fig = plots.bar_chart(themes, label_col="theme", value_col="share", title="t", xlabel="x")
    html = plots.figure_html(fig, alt='Bars: "roads" <first>', caption="Source: <comments> & votes")
    assert html.startswith(
        '<figure class="lp-figure"><img class="lp-figure__img" src="data:image/png;base64,'
    )
    assert 'alt="Bars: &quot;roads&quot; &lt;first&gt;"' in html
    assert '<figcaption class="lp-figure__caption">Source: &lt;comments&gt; &amp; votes</figcaption>' in html
    assert _img_src(html).startswith(PNG_SIGNATURE)
    w, h = (int(x) for x in re.search(r'width="(\d+)" height="(\d+)"', html).groups())
    assert w == 770  # 7 in at 110 dpi
    assert "<details" not in html
    assert html.endswith("</figure>")


def test_figure_html_requires_alt_text():
    with pytest.raises(ValueError, match="alt"):
        plots.figure_html(plots.histogram([1, 2], title="t", xlabel="x"), alt="  ", caption="c")


def test_figure_html_with_data_table_and_closes_the_figure(themes):
    import matplotlib.pyplot as plt

    fig = plt.figure()  # a pyplot figure is released from pyplot too
    fig.add_subplot().plot([0, 1], [0, 1])
    html = plots.figure_html(
        fig,
        alt="A line",
        caption="c",
        data=themes[["theme", "share"]],
        data_caption="Shares <by> theme",
        formats={"share": "{:.0%}"},
    )
    assert '<details class="lp-details"><summary>Show the data behind this chart</summary>' in html
    assert '<caption class="lp-table__caption">Shares &lt;by&gt; theme</caption>' in html
    assert '<td class="lp-num">42%</td>' in html
    assert not plt.fignum_exists(fig.number)


def test_figure_html_is_deterministic_and_small(themes):
    def page():
        fig = plots.bar_chart(
            themes,
            label_col="theme",
            value_col="share",
            title="t",
            xlabel="x",
            ci_low_col="low",
            ci_high_col="high",
        )
        return plots.figure_html(fig, alt="a", caption="c", data=themes)

    first = page()
    assert first == page()
    assert len(first) < 200_000


def test_figure_data_table_is_capped_unless_asked_otherwise():
    data = pd.DataFrame({"comment_id": [f"c{i}" for i in range(1500)], "score": [0.5] * 1500})
    html = plots.figure_html(plots.histogram(data["score"], title="t", xlabel="x"), alt="a", caption="c", data=data)
    assert html.count("<tr>") == 1 + 1000 and "(first 1,000 of 1,500 rows)" in html and ">c999<" in html
    html = plots.figure_html(plots.histogram(data["score"], title="t", xlabel="x"), alt="a", caption="c", data=data,
                             max_rows=None)
    assert html.count("<tr>") == 1 + 1500 and "first" not in html


def test_histogram_counts_are_whole_numbers_and_a_scale_is_drawn_whole():
    # an audit's charts read "0, 0, 1, 2, 2, 3" on the count axis, and one tone score of -0.05 was drawn
    # as a bar from -0.55 to +0.45
    fig = plots.histogram([0.1, 0.2, 0.2], title="t", xlabel="x", bins=2)
    ticks = fig.axes[0].get_yticks()
    assert all(float(t).is_integer() for t in ticks)
    fig = plots.histogram([-0.05], title="t", xlabel="x", bins=40, scale=(-1, 1), band=(-0.05, 0.05, "neutral"))
    ax = fig.axes[0]
    assert ax.get_xlim() == (-1, 1)
    bars = [p for p in ax.patches if p.get_height() > 0 and p.get_width() <= 0.05 + 1e-9]
    assert len(bars) == 1 and abs(bars[0].get_width() - 0.05) < 1e-9  # one bar, 2/40 wide
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["neutral"]
