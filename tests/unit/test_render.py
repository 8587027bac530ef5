"""Tests for helpers.render: the briefing page is self-contained, escaped, and shows only what it should."""

from __future__ import annotations

import base64
import re

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import plots, report
from helpers.errors import InputError
from helpers.render import TEMPLATE_DIR, briefing_html, check_self_contained, render_briefing

HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"
# A 1x1 PNG, for an image/png output.
TINY_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _html_output(html: str):
    return new_output(
        "display_data", data={"text/html": html, "text/plain": "<IPython.core.display.HTML object>"}
    )


@pytest.fixture
def notebook() -> nbformat.NotebookNode:
    body = (
        report.section("What people said", report.quote_html(HOSTILE, "r5"))
        + report.table_html(pd.DataFrame({"comment": [HOSTILE], "n": [1]}), caption="Hostile <caption>")
        + report.callout("A consultation is not a vote.")
    )
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell(
            "# Briefing: road safety consultation\n\nThis briefing summarises **public comments**."
        ),
        new_code_cell(
            "from helpers import report\nreport.show(...)",
            outputs=[
                _html_output(body),
                new_output("stream", name="stderr", text="UserWarning: SECRET_WARNING_TEXT\n"),
                new_output("stream", name="stdout", text="SECRET_STDOUT_TEXT\n"),
            ],
        ),
        new_markdown_cell(
            "**Researchers:** RESEARCHER_ONLY_GUIDANCE re-run 20_themes first.",
            metadata={"tags": ["researcher-only"]},
        ),
        new_code_cell(
            "x = 1", outputs=[_html_output("<p>REMOVED_CELL_OUTPUT</p>")], metadata={"tags": ["remove-cell"]}
        ),
        new_code_cell(
            "display(...)",
            outputs=[
                new_output(
                    "display_data",
                    data={"application/javascript": "alert('JS_OUTPUT')", "text/plain": "PLAIN_FALLBACK"},
                ),
                new_output("display_data", data={"text/markdown": "Markdown *output* from us"}),
                new_output(
                    "display_data",
                    data={"image/png": TINY_PNG, "text/plain": "<Figure>"},
                    metadata={"image/png": {"alt": "A tiny <test> image"}},
                ),
                new_output("execute_result", data={"text/plain": "'<b>plain</b>'"}, execution_count=3),
            ],
        ),
        new_code_cell(
            "y = 2", outputs=[_html_output("<p>OUTPUT_REMOVED</p>")], metadata={"tags": ["remove-output"]}
        ),
    ]
    return nb


@pytest.fixture
def page(notebook, tmp_path) -> str:
    source = tmp_path / "90_briefing.ipynb"
    nbformat.write(notebook, source)
    out = render_briefing(source, tmp_path / "out" / "briefing.html")
    assert out == tmp_path / "out" / "briefing.html"
    return out.read_text(encoding="utf-8")


def test_page_structure(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert '<meta charset="utf-8"/>' in page
    assert 'name="viewport"' in page
    assert "<title>Briefing: road safety consultation</title>" in page
    assert '<a class="lp-skip-link" href="#main">Skip to main content</a>' in page
    assert re.search(r'<main [^>]*id="main"', page)
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    assert "<strong>public comments</strong>" in page  # our markdown is rendered


def test_no_javascript_and_nothing_external(page):
    assert "<script" not in page.lower()
    assert "require" not in page.lower() and "mathjax" not in page.lower()
    assert check_self_contained(page) == []
    assert "JS_OUTPUT" not in page
    assert "PLAIN_FALLBACK" in page  # the JavaScript output's text/plain alternative is shown instead


def test_hostile_text_appears_escaped_only(page):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page and "<script>" not in page
    assert not any("event handler" in p for p in check_self_contained(page))


def test_streams_researcher_only_and_removed_cells_are_dropped(page):
    for secret in [
        "SECRET_WARNING_TEXT",
        "SECRET_STDOUT_TEXT",
        "UserWarning",
        "RESEARCHER_ONLY_GUIDANCE",
        "REMOVED_CELL_OUTPUT",
        "OUTPUT_REMOVED",
    ]:
        assert secret not in page
    for code in ["from helpers import report", "x = 1", "display(...)"]:
        assert code not in page  # no input is ever shown


def test_other_output_types_are_shown(page):
    assert "Markdown <em>output</em> from us" in page
    assert f'src="data:image/png;base64,{TINY_PNG}"' in page
    assert 'alt="A tiny &lt;test&gt; image"' in page
    assert "<pre class=\"lp-plain\">'&lt;b&gt;plain&lt;/b&gt;'</pre>" in page
    assert "In&nbsp;[" not in page and "Out[" not in page


def test_same_notebook_gives_identical_bytes(notebook, tmp_path):
    nbformat.write(notebook, tmp_path / "b.ipynb")
    first = render_briefing(tmp_path / "b.ipynb", tmp_path / "1.html").read_bytes()
    second = render_briefing(tmp_path / "b.ipynb", tmp_path / "2.html").read_bytes()
    assert first == second
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []  # atomic write left nothing


def test_title_argument_and_h1_added_when_the_notebook_has_none(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("## Summary\n\nText.")])
    html = briefing_html(nb, title="Road <safety> briefing")
    assert "<title>Road &lt;safety&gt; briefing</title>" in html
    assert "<h1>Road &lt;safety&gt; briefing</h1>" in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert "<title>Briefing</title>" in briefing_html(new_notebook(cells=[new_markdown_cell("text")]))


def test_h1_from_report_output_is_not_doubled():
    nb = new_notebook(cells=[new_code_cell("", outputs=[_html_output(report.heading("Title from code", 1))])])
    html = briefing_html(nb)
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_chart_from_plots_renders_self_contained(tmp_path):
    df = pd.DataFrame({"theme": ["Roads", "Parks"], "n": [30, 12]})
    fig = plots.bar_chart(df, label_col="theme", value_col="n", title="Roads came up most", xlabel="Comments")
    html = plots.figure_html(fig, alt="Bar chart: roads 30, parks 12", caption="Comments per theme", data=df)
    page = briefing_html(new_notebook(cells=[new_code_cell("", outputs=[_html_output(html)])]))
    assert check_self_contained(page) == []
    assert "Show the data behind this chart" in page


def test_failed_cell_is_refused(tmp_path):
    nb = new_notebook(
        cells=[
            new_code_cell(
                "1/0",
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["Traceback..."],
                    )
                ],
            )
        ]
    )
    with pytest.raises(InputError, match="cell 1 failed with ZeroDivisionError"):
        render_briefing(nb, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_missing_or_broken_notebook_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such notebook"):
        render_briefing(tmp_path / "nope.ipynb", tmp_path / "x.html")
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable notebook"):
        render_briefing(tmp_path / "bad.ipynb", tmp_path / "x.html")


def test_template_ships_inside_the_package():
    assert (TEMPLATE_DIR / "briefing" / "index.html.j2").is_file()
    assert (TEMPLATE_DIR / "briefing" / "conf.json").is_file()
    css = (TEMPLATE_DIR / "briefing" / "briefing.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "@page" in css and "size: A4" in css


# --------------------------------------------------------------------------------- check_self_contained


@pytest.mark.parametrize(
    ("html", "flagged"),
    [
        ('<script src="https://cdn.example/require.js"></script>', "<script src="),
        ("<script>var x = 1;</script>", "no JavaScript"),
        ('<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>', "<script>"),
        ('<link rel="stylesheet" href="https://fonts.example/css">', "<link href="),
        ("<style>@import url('x.css');</style>", "@import"),
        ("<style>body { background: url(http://x/y.png) }</style>", "url(http://x/y.png)"),
        ('<div style="background:url(&quot;https://x/y.png&quot;)"></div>', "url(https://x/y.png)"),
        ('<img src="http://example.com/a.png" alt="">', "<img src="),
        ('<img src="figure.png" alt="">', "<img src="),
        ('<img srcset="a.png 1x, data:image/png;base64,AA 2x" alt="">', "srcset"),
        ('<iframe src="data:text/html,hi"></iframe>', "<iframe>"),
        ('<img src="data:image/png;base64,AA" onerror="alert(1)" alt="">', "event handler"),
        ('<a href="javascript:alert(1)">x</a>', "runs script"),
        ('<meta http-equiv="refresh" content="0;url=https://x">', "refresh"),
        ('<base href="https://x/">', "<base>"),
        ('<svg><image href="https://x/y.png"/></svg>', "<image href="),
        ('<video poster="https://x/p.png"></video>', "poster"),
    ],
)
def test_check_self_contained_flags(html, flagged):
    problems = check_self_contained(html)
    assert problems and any(flagged in p for p in problems), problems


@pytest.mark.parametrize(
    "html",
    [
        '<img src="data:image/png;base64,AAAA" alt="chart">',
        '<a href="https://www.gov.uk/guidance">a link the reader may follow</a>',
        '<a href="#methodology">jump</a>',
        "<p>&lt;script src=&quot;http://x&quot;&gt;&lt;/script&gt; @import url(http://x)</p>",
        '<style>.x { color: #0b0c0c } a[href^="http"]::after { content: attr(href) }</style>',
        "<p>onerror=alert(1) is only text here</p>",
    ],
)
def test_check_self_contained_accepts(html):
    assert check_self_contained(html) == []


def test_check_self_contained_reports_line_numbers():
    assert check_self_contained('<p>ok</p>\n<script src="a.js"></script>') == ["line 2: <script src='a.js'>"]
