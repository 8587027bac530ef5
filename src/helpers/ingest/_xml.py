"""Streaming XML with line numbers, for readers of XML exports (``wxr``, ``disqus``).

:func:`stream_xml` feeds a file to expat in 64 KiB chunks with :mod:`defusedxml`'s guards installed
(entity declarations and external references are refused, not expanded or fetched) and yields only
the subtrees a ``capture`` callback selects, as :class:`Node` objects that know the line they start
on. The rest of the document is never kept, so a large export does not have to fit in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import defusedxml
from defusedxml.expatreader import DefusedExpatParser

from ..errors import InputError
from ._text import open_input

__all__ = ["Node", "XMLStream", "Capture", "stream_xml"]

_CHUNK = 1 << 16


@dataclass(slots=True)
class Node:
    """An XML element kept from the stream: namespace URI, local name, attributes, line, children.

    Examples
    --------
    >>> n = Node("", "item", {}, 3, children=[Node("", "title", {}, 4, parts=["Hi"])])
    >>> n.find("title").text, n.child_text("title"), n.child_text("missing")
    ('Hi', 'Hi', '')
    """

    ns: str
    tag: str
    attrs: dict[tuple[str, str], str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's own character data (CDATA included), not its children's."""
        return "".join(self.parts)

    def find(self, tag: str, ns: Callable[[str], bool] | None = None) -> Node | None:
        """The first child called ``tag`` (whose namespace passes ``ns``, when given)."""
        for child in self.children:
            if child.tag == tag and (ns is None or ns(child.ns)):
                return child
        return None

    def child_text(self, tag: str, ns: Callable[[str], bool] | None = None) -> str:
        """Text of the first child called ``tag``; "" when there is none."""
        child = self.find(tag, ns)
        return child.text if child is not None else ""

    def texts(self, ns: Callable[[str], bool]) -> dict[str, str]:
        """``{local name: text}`` of the children whose namespace passes ``ns`` (the first of each name).

        One pass over the children, for records read field by field.
        """
        out: dict[str, str] = {}
        for child in self.children:
            if child.tag not in out and ns(child.ns):
                out[child.tag] = "".join(child.parts)
        return out

    def attr(self, local: str) -> str | None:
        """The value of the attribute with local name ``local``, in whatever namespace."""
        for (_uri, name), value in self.attrs.items():
            if name == local:
                return value
        return None


Capture = Callable[[int, str, str], bool]


class _Builder:
    """Expat handlers that keep only the subtrees ``capture(depth, ns, tag)`` asks for."""

    def __init__(self, capture: Capture, parser) -> None:
        self.capture = capture
        self.parser = parser
        self.depth = 0
        self.stack: list[Node] = []
        self.done: list[Node] = []
        self.namespaces: set[str] = set()  # every element namespace seen
        self.root: tuple[str, str] | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        uri, _, local = name.rpartition(" ")
        self.namespaces.add(uri)
        if self.root is None:
            self.root = (uri, local)
        stack = self.stack
        if stack or self.capture(self.depth, uri, local):
            node = Node(uri, local, _split_attrs(attrs) if attrs else {}, self.parser.CurrentLineNumber)
            if stack:
                stack[-1].children.append(node)
            stack.append(node)
        self.depth += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        stack = self.stack
        if stack:
            node = stack.pop()
            if not stack:
                self.done.append(node)

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)

    def drain(self) -> list[Node]:
        done, self.done = self.done, []
        return done


def _split_attrs(attrs: dict[str, str]) -> dict[tuple[str, str], str]:
    out = {}
    for name, value in attrs.items():
        uri, _, local = name.rpartition(" ")
        out[(uri, local)] = value
    return out


@dataclass
class XMLStream:
    """What :func:`stream_xml` found besides the captured elements (filled in as the stream is read)."""

    namespaces: set[str] = field(default_factory=set)
    root: tuple[str, str] | None = None


def _expat_parser():
    """An expat parser in namespace mode with defusedxml's guards: entity declarations and external
    references raise :class:`defusedxml.DefusedXmlException` instead of being expanded or fetched."""
    guard = DefusedExpatParser()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.EntityDeclHandler = guard.defused_entity_decl
    parser.UnparsedEntityDeclHandler = guard.defused_unparsed_entity_decl
    parser.ExternalEntityRefHandler = guard.defused_external_entity_ref_handler
    parser.buffer_text = True  # one call per run of text, not one per line
    return parser


def stream_xml(path: Path, *, source: str, capture: Capture, info: XMLStream | None = None) -> Iterator[Node]:
    """Parse an XML file as a stream and yield each subtree that ``capture`` selects, when it closes.

    The file is read in 64 KiB chunks by expat (the parser under :mod:`xml.etree` and
    :mod:`xml.sax`) with defusedxml's guards installed, so entity expansion bombs and external
    references are refused; only the selected subtrees are kept in memory, with the line each
    element starts on.

    Parameters
    ----------
    path : Path
        The file.
    source : str, keyword-only
        The path to cite in errors.
    capture : callable, keyword-only
        ``capture(depth, namespace_uri, local_name) -> bool`` for an element starting at ``depth``
        (0 for the root) outside any captured subtree.
    info : XMLStream, optional
        Filled with the namespaces seen and the root element.

    Yields
    ------
    Node
        Each captured element with its descendants; the rest of the document is not kept.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, is not well-formed XML (naming the line) or declares
        entities or external references (refused, as defusedxml does).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.xml"
    >>> _ = p.write_text("<a>\\n<b n='1'>one</b>\\n<b><![CDATA[two]]></b>\\n</a>")
    >>> [(n.tag, n.attr("n"), n.text, n.line) for n in stream_xml(p, source="x.xml", capture=lambda d, ns, t: t == "b")]
    [('b', '1', 'one', 2), ('b', None, 'two', 3)]
    """
    parser = _expat_parser()
    handler = _Builder(capture, parser)
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.characters
    fh = open_input(path, source=source)  # closed in finally; the generator yields in between
    try:
        empty = True
        while True:
            try:
                chunk = fh.read(_CHUNK)
            except OSError as exc:
                raise InputError(f"cannot read the file: {exc.strerror or exc}", path=source) from None
            if not chunk:
                break
            if empty and chunk.strip():
                empty = False
            _feed(parser, chunk, source)
            yield from handler.drain()
        if empty:
            raise InputError("the file is empty", path=source)
        _feed(parser, b"", source, final=True)
        yield from handler.drain()
    finally:
        fh.close()
        if info is not None:
            info.namespaces = handler.namespaces
            info.root = handler.root


def _feed(parser, chunk: bytes, source: str, *, final: bool = False) -> None:
    try:
        parser.Parse(chunk, final)
    except expat.ExpatError as exc:
        raise InputError(
            f"not well-formed XML: {expat.ErrorString(exc.code)}", path=source, row=exc.lineno
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise InputError(
            f"the XML declares entities or external references, which are refused for safety ({type(exc).__name__})",
            path=source,
            row=parser.CurrentLineNumber,
        ) from None
    except (UnicodeError, LookupError, ValueError) as exc:  # an encoding expat cannot handle, say
        raise InputError(f"cannot read the XML: {exc}", path=source, row=parser.CurrentLineNumber) from None
