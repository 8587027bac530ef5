"""Render the executed briefing notebook to one self-contained, accessible HTML page.

The page is made by nbconvert's :class:`~nbconvert.HTMLExporter` through the project's own template
(``templates/briefing``), which loads nothing from the network and contains no JavaScript. Code is
never shown; neither are prompts, stdout/stderr streams (warnings never reach the reader), cells
tagged ``remove-cell`` or ``researcher-only`` (guidance for researchers working in JupyterLab), nor the
outputs of cells tagged ``remove-output``. Of each output only ``text/html``, ``text/markdown``,
``image/png`` or ``text/plain`` is shown, in that order of preference. ``text/markdown`` outputs are
rendered as markdown, so they must be our own words: show comment text only through
:mod:`helpers.report` (``report.show(...)``), never through ``IPython.display.Markdown``.

:func:`check_self_contained` lists anything in a page that would fetch from elsewhere or run script;
the runner refuses to deliver a briefing for which it finds anything.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from .errors import InputError
from .tables import atomic_write

__all__ = [
    "TEMPLATE_DIR",
    "TEMPLATE_NAME",
    "REMOVE_CELL_TAGS",
    "SHOWN_MIMETYPES",
    "render_briefing",
    "briefing_html",
    "check_self_contained",
    "find_chromium",
    "print_pdf",
]

#: The folder holding the project's nbconvert templates (inside the package, so editable and regular
#: installs both find it).
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "briefing"
REMOVE_CELL_TAGS = frozenset({"remove-cell", "researcher-only"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output"})
#: Output types shown in the briefing, most preferred first.
SHOWN_MIMETYPES = ("text/html", "text/markdown", "image/png", "text/plain")
DEFAULT_TITLE = "Briefing"

_H1_MARKDOWN = re.compile(r"^ {0,3}#[ \t]+(?P<text>.+?)[ \t#]*$|^(?P<setext>[^\n]+)\n {0,3}=+[ \t]*$", re.M)
_H1_HTML = re.compile(r"<h1[\s>]", re.I)
_MD_INLINE = re.compile(r"[*_`]|<[^>]*>")


class _BriefingOutputs(Preprocessor):
    """Keep only what a reader should see of each output; refuse a notebook with errors in it."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise InputError(
                    f"cell {index + 1} failed with {output.get('ename', 'an error')}: "
                    "re-run the notebook without errors before rendering the briefing",
                    path=resources.get("metadata", {}).get("source"),
                )
            if kind not in ("display_data", "execute_result"):
                continue  # stream (stdout/stderr) and anything unknown
            data = {k: v for k, v in output.get("data", {}).items() if k in SHOWN_MIMETYPES}
            if not data:
                continue
            output["data"] = data
            output["metadata"] = {k: v for k, v in output.get("metadata", {}).items() if k in data}
            kept.append(output)
        cell["outputs"] = kept
        return cell, resources


def _exporter() -> HTMLExporter:
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    c.NbConvertBase.display_data_priority = list(SHOWN_MIMETYPES)
    c.HighlightMagicsPreprocessor.enabled = False
    exporter = HTMLExporter(
        config=c,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        sanitize_html=False,  # our own outputs, built from escaped blocks by helpers.report
    )
    # The tag filter is one of nbconvert's default preprocessors (enabled above); ours runs after it.
    exporter.register_preprocessor(_BriefingOutputs(), enabled=True)
    return exporter


def _first_h1(nb: nbformat.NotebookNode) -> tuple[str | None, bool]:
    """The text of the first level-1 markdown heading (None if none), and whether any h1 is present."""
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "markdown":
            m = _H1_MARKDOWN.search(cell.source)
            if m:
                text = m.group("text") or m.group("setext") or ""
                return " ".join(_MD_INLINE.sub("", text).split()) or None, True
            if _H1_HTML.search(cell.source):
                return _h1_text(cell.source), True
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/html", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                if _H1_HTML.search(text):
                    return _h1_text(text), True
    return None, False


_H1_ELEMENT = re.compile(r"<h1(?:\s[^>]*)?>(?P<inner>.*?)</h1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _h1_text(html_text: str) -> str | None:
    """The plain text of the first ``<h1>`` in ``html_text`` (entities decoded; the template escapes
    it again for ``<title>``), shortened to 150 characters; None when it has none."""
    import html as html_module

    m = _H1_ELEMENT.search(html_text)
    if not m:
        return None
    text = " ".join(html_module.unescape(_TAG.sub("", m.group("inner"))).split())
    if len(text) > 150:
        text = text[:149].rstrip() + "\u2026"
    return text or None


def _read_notebook(
    source: str | os.PathLike | nbformat.NotebookNode,
) -> tuple[nbformat.NotebookNode, Path | None]:
    if isinstance(source, nbformat.NotebookNode):
        return source, None
    path = Path(source)
    if not path.is_file():
        raise InputError("no such notebook", path=path)
    try:
        return nbformat.read(path, as_version=4), path
    except Exception as exc:  # nbformat raises several types for a file that is not a notebook
        raise InputError(f"not a readable notebook: {exc}", path=path) from exc


def briefing_html(
    executed_notebook: str | os.PathLike | nbformat.NotebookNode, *, title: str | None = None
) -> str:
    """The briefing page as a string (see :func:`render_briefing`, which also writes it)."""
    nb, path = _read_notebook(executed_notebook)
    found, has_h1 = _first_h1(nb)
    page_title = title or found or nb.metadata.get("title") or DEFAULT_TITLE
    resources: dict[str, Any] = {
        "metadata": {
            "name": path.stem if path else page_title,
            "path": str(path.parent) if path else "",
            "source": str(path) if path else None,
        },
        "briefing": {"title": str(page_title), "add_h1": not has_h1},
    }
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return html if html.endswith("\n") else html + "\n"


def render_briefing(
    executed_notebook: str | os.PathLike | nbformat.NotebookNode,
    out_html: str | os.PathLike,
    *,
    title: str | None = None,
) -> Path:
    """Convert the executed briefing notebook to one self-contained HTML file, written atomically.

    Parameters
    ----------
    executed_notebook : path or NotebookNode
        The notebook after papermill has run it.
    out_html : path
        Where to write the page (replaced only when the new page is complete).
    title : str, optional
        The page's ``<title>``. Default: the notebook's first level-1 heading, else its ``title``
        metadata, else "Briefing". When no cell provides an ``<h1>``, the title is shown as one.

    Returns
    -------
    Path
        ``out_html``.

    Raises
    ------
    InputError
        The notebook is missing, unreadable, or has a cell that failed.
    """
    html = briefing_html(executed_notebook, title=title)
    data = html.encode("utf-8")
    return atomic_write(out_html, lambda tmp: tmp.write_bytes(data))


# ------------------------------------------------------------------------------------------ checking

_URL_ATTRS = {"src", "srcset", "poster", "data", "action", "formaction", "background", "lowsrc", "xlink:href"}
_EMBEDDING_TAGS = {"iframe", "frame", "object", "embed", "applet", "portal"}
_CSS_IMPORT = re.compile(r"@import", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*(?P<url>[^'\")\s]*)", re.I)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.I)


def _external(url: str) -> bool:
    """True when loading ``url`` would need something outside the page (anything but data: or #frag)."""
    u = url.strip()
    return not (u.lower().startswith("data:") or u.startswith("#") or u == "")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def _add(self, what: str) -> None:
        line, _ = self.getpos()
        self.problems.append(f"line {line}: {what}")

    def _check_css(self, css: str, where: str) -> None:
        if _CSS_IMPORT.search(css):
            self._add(f"@import in {where}")
        for m in _CSS_URL.finditer(css):
            if _external(m.group("url")):
                self._add(f"url({m.group('url')}) in {where}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script":
            self._add(
                f"<script src={a['src']!r}>" if "src" in a else "<script> (the page must have no JavaScript)"
            )
        elif tag == "link":
            self._add(f"<link href={a.get('href', '')!r}>")
        elif tag == "base":
            self._add("<base> element")
        elif tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self._add("<meta http-equiv=refresh>")
        elif tag in _EMBEDDING_TAGS:
            self._add(f"<{tag}> element")
        elif tag == "style":
            self._in_style = True
        for name, value in a.items():
            if name.startswith("on"):
                self._add(f"<{tag} {name}=...> event handler")
            elif name == "style":
                self._check_css(value, f"style attribute of <{tag}>")
            elif name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if _external(url):
                        self._add(f"<{tag} srcset> loads {url!r}")
            elif name in _URL_ATTRS and tag not in ("script", "link") and _external(value):
                self._add(f"<{tag} {name}={value!r}>")
            elif name == "href":
                scheme = _SCHEME.match(value)
                if scheme and scheme.group(1).lower() in ("javascript", "vbscript"):
                    self._add(f"<{tag} href> runs script")
                elif tag not in ("a", "area") and _external(value):
                    self._add(f"<{tag} href={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_css(data, "<style>")


def check_self_contained(html: str) -> list[str]:
    """What in ``html`` would load from outside the page or run script; ``[]`` when there is nothing.

    Flags ``<script>`` of any kind, ``<link href>``, ``@import`` and non-``data:`` ``url(...)`` in CSS,
    non-``data:`` ``src``/``srcset``/``poster``/``data``/``action`` attributes, ``<iframe>``/``<object>``/
    ``<embed>``, ``<base>``, meta refresh, inline event handlers and ``javascript:`` links. Ordinary
    links (``<a href="https://...">``) are allowed: following one is the reader's choice, not a load.
    Text that merely looks like markup (``&lt;script&gt;``) is text and is not flagged.

    Examples
    --------
    >>> check_self_contained('<p>&lt;script src="http://x"&gt;</p><img src="data:image/png;base64,AA" alt="">')
    []
    >>> check_self_contained('<script src="https://cdn.example/require.js"></script>')
    ["line 1: <script src='https://cdn.example/require.js'>"]
    """
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return list(dict.fromkeys(checker.problems))


# ------------------------------------------------------------------------------------------- printing

#: Where Chromium is looked for, in order (Debian's package installs /usr/bin/chromium).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a headless Chromium that contacts nothing and leaves nothing behind.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-default-apps", "--disable-extensions", "--mute-audio")


def find_chromium() -> str | None:
    """The Chromium executable: ``$LP_CHROMIUM`` if set, else the first of :data:`CHROMIUM_NAMES` on
    the ``PATH``; None when there is none."""
    import shutil

    override = os.environ.get("LP_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike, *, timeout: float = 120.0
              ) -> Path | None:
    """Print the briefing to an A4 PDF with headless Chromium (the page's print styles apply).

    Parameters
    ----------
    html_path : path
        The rendered briefing.
    pdf_path : path
        Where to write the PDF (replaced only when the new one is complete).
    timeout : float
        Seconds to wait for Chromium.

    Returns
    -------
    Path or None
        ``pdf_path``, or None (and nothing written) when Chromium is not installed.

    Raises
    ------
    InputError
        ``html_path`` does not exist, or Chromium failed to print it.
    """
    import subprocess
    import tempfile

    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise InputError("no such briefing to print", path=html_path)
    chromium = find_chromium()
    if chromium is None:
        return None
    pdf_path = Path(pdf_path)

    def write(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="lp-chromium-") as profile:
            cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   "--print-to-pdf-no-header", f"--print-to-pdf={tmp.resolve()}", html_path.as_uri()]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                      env={**os.environ, "HOME": profile})
            except subprocess.TimeoutExpired:
                raise InputError(f"Chromium did not print the briefing within {timeout:.0f} s",
                                 path=html_path) from None
        if done.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise InputError(f"Chromium could not print the briefing: {detail[0]}", path=html_path)

    return atomic_write(pdf_path, write)
