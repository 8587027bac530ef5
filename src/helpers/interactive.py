"""Interactive tables for researchers in JupyterLab (searchable, sortable, filterable with ITables),
which fall back to a plain HTML table wherever scripts do not run (static HTML, GitHub, nbviewer).

ITables runs offline: its JavaScript bundle is embedded in the notebook, never fetched from a CDN.
"""

from __future__ import annotations

import pandas as pd

from . import report

__all__ = ["interactive_table_html", "show_table"]

_STATIC_ROWS = 500


def interactive_table_html(df: pd.DataFrame, *, caption: str, static_rows: int = _STATIC_ROWS) -> str:
    """HTML holding a plain table (first ``static_rows`` rows) and the ITables version of ``df``.

    The plain table is visible by default; a small script hides it once ITables has drawn the
    interactive one, so exactly one table shows in either case. All cell text is escaped.
    """
    import itables

    static = report.table_html(df, caption=caption, max_rows=static_rows)
    dynamic = itables.to_html_datatable(df, caption=caption, connected=False, maxBytes=2**20)
    ready = "_itables_" + itables.__version__.replace(".", "_")
    return (
        '<div class="lp-interactive-table">'
        f'<div class="lp-static-table">{static}</div>{dynamic}'
        "<script>(function () {"
        "var s = document.currentScript.parentElement.querySelector('.lp-static-table');"
        "var hide = function () { if (s) { s.style.display = 'none'; } };"
        f"if (window.{ready}) {{ hide(); }} else {{ window.addEventListener('itables-{itables.__version__}-ready', hide); }}"
        "})();</script></div>"
    )


def show_table(df: pd.DataFrame, *, caption: str) -> None:
    """Display ``df`` as an interactive table in a notebook (see :func:`interactive_table_html`)."""
    import itables
    from IPython.display import HTML, display

    itables.init_notebook_mode(connected=False)  # embeds the ITables bundle once per kernel
    display(HTML(interactive_table_html(df, caption=caption)))
