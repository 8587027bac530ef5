"""The reader registry: one decorated function per input format, and content-based format detection.

Adding a format is one function::

    @register_reader("wxr", suffixes=(".xml",), sniff=lambda head: 0.9 if b"<wp:comment>" in head else 0.0)
    def read_wxr(path: Path, options: ReadOptions) -> Tables:
        ...

A reader gets the file's path and the caller's :class:`ReadOptions` and returns :class:`Tables`: the
comments it kept and the records it excluded (plus votes or respondents when the format has them).
It raises :class:`~helpers.errors.InputError` for anything wrong with the file, naming the line. It
need not validate: :func:`helpers.ingest.read` validates every table against :mod:`helpers.schema`.
Readers normalise text with :func:`helpers.clean.normalise_text`.

A sniffer gets the first :data:`SNIFF_BYTES` of a file and returns how sure it is that the file is
in its format, from 0 (not at all) to 1 (certain). :func:`detect_format` picks the most confident
reader; the file name's suffix only breaks ties (and decides when no reader recognises the content).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ConfigError, InputError
from ._text import SNIFF_BYTES, read_bytes

__all__ = [
    "ReadOptions",
    "Tables",
    "publisher_zone",
    "ReaderSpec",
    "register_reader",
    "get_reader",
    "available_formats",
    "detect_format",
    "sniff_scores",
    "SNIFF_BYTES",
]

Sniffer = Callable[[bytes], float]
FolderSniffer = Callable[[Path], float]


@dataclass(frozen=True)
class ReadOptions:
    """What the caller of :func:`helpers.ingest.read` asked for. Readers ignore options that do not apply.

    Examples
    --------
    >>> ReadOptions("answers.csv", text_column="answer", kind="response").kind
    'response'
    """

    source: str  #: the path as the caller gave it: cited in errors and in the ``source`` column
    text_column: str | None = None
    id_column: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    kind: str = "comment"
    timezone: str = "UTC"
    sheet: str | int | None = None
    encoding: str | None = None
    question_map: str | None = None  #: consultation spreadsheets: the YAML question map


@dataclass
class Tables:
    """What a reader returns: canonical tables, not yet validated.

    Examples
    --------
    >>> from helpers.schema import empty_comments, empty_exclusions
    >>> Tables(empty_comments(), empty_exclusions()).votes is None
    True
    """

    comments: pd.DataFrame
    exclusions: pd.DataFrame
    votes: pd.DataFrame | None = None
    respondents: pd.DataFrame | None = None
    #: Problems worth telling the user that did not stop the read (e.g. "votes.csv is missing").
    notes: list[str] = field(default_factory=list)
    #: Consultations: question id -> {"text": the question as the file words it, "kind": "open" or "closed"}.
    questions: dict = field(default_factory=dict)
    #: What the source says it is about, when it says (a Polis conversation's topic), else "".
    title: str = ""
    #: The zone of the calendar the source's publisher keeps (UK petitions: Europe/London), in which the
    #: briefing writes dates; "" for the run's ``timezone`` parameter.
    timezone: str = ""


def publisher_zone(options: ReadOptions, zone: str) -> str:
    """The zone a reader whose publisher keeps ``zone``'s calendar uses: ``zone``, unless the caller
    named another zone than UTC (the default) in ``options.timezone``.

    Examples
    --------
    >>> publisher_zone(ReadOptions("a.json"), "Europe/London")
    'Europe/London'
    >>> publisher_zone(ReadOptions("a.json", timezone="Asia/Taipei"), "Europe/London")
    'Asia/Taipei'
    """
    return zone if options.timezone in (None, "", "UTC") else options.timezone


Reader = Callable[[Path, ReadOptions], Tables]


@dataclass(frozen=True)
class ReaderSpec:
    """A registered reader: its name, the function, the file suffixes it claims and its sniffer.

    Examples
    --------
    >>> get_reader("csv").suffixes
    ('.csv', '.tsv', '.tab', '.psv')
    """

    name: str
    read: Reader
    suffixes: tuple[str, ...] = ()
    sniff: Sniffer | None = None
    sniff_folder: FolderSniffer | None = None


_READERS: dict[str, ReaderSpec] = {}


def register_reader(
    name: str,
    *,
    suffixes: tuple[str, ...] = (),
    sniff: Sniffer | None = None,
    sniff_folder: FolderSniffer | None = None,
) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader for format ``name``.

    Parameters
    ----------
    name : str
        The format's name, as users pass it to ``read(..., format=name)``.
    suffixes : tuple of str, keyword-only
        File name endings (with the dot, any case) that suggest this format; they only break ties
        between equally confident sniffers.
    sniff : callable, keyword-only
        ``sniff(head: bytes) -> float``: confidence from 0 to 1 that a file starting with ``head``
        is in this format. Without one, the format is only chosen by suffix or by name.
    sniff_folder : callable, keyword-only
        ``sniff_folder(folder: Path) -> float``: confidence that a folder holds an export in this
        format (e.g. Polis's ``comments.csv`` and ``votes.csv``). Readers of folders register one;
        their reader function then receives the folder's path.

    Returns
    -------
    callable
        A decorator that registers the function and returns it unchanged.

    Examples
    --------
    >>> @register_reader("demo-format", suffixes=(".demo",), sniff=lambda head: float(head.startswith(b"DEMO")))
    ... def read_demo(path, options):
    ...     raise NotImplementedError
    >>> "demo-format" in available_formats()
    True
    >>> _ = _READERS.pop("demo-format")  # tidy up after the example
    """
    if not name or name != name.strip():
        raise ValueError(f"invalid reader name {name!r}")
    if name in _READERS:
        raise ValueError(f"a reader named {name!r} is already registered")
    norm = tuple(s.lower() if s.startswith(".") else "." + s.lower() for s in suffixes)

    def decorate(func: Reader) -> Reader:
        """Record ``func`` under ``name`` and give it back unchanged."""
        _READERS[name] = ReaderSpec(name=name, read=func, suffixes=norm, sniff=sniff, sniff_folder=sniff_folder)
        return func

    return decorate


def get_reader(name: str) -> ReaderSpec:
    """The registered reader called ``name``, or :class:`~helpers.errors.ConfigError` listing the formats.

    Examples
    --------
    >>> get_reader("jsonl").name
    'jsonl'
    >>> get_reader("docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    helpers.errors.ConfigError: unknown format 'docx'; available formats: blog-page, ...
    """
    try:
        return _READERS[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown format {name!r}; available formats: {', '.join(available_formats())}"
        ) from None


def available_formats() -> list[str]:
    """Names of the registered input formats, sorted.

    Examples
    --------
    >>> {"blog-page", "csv", "jsonl", "xlsx"} <= set(available_formats())
    True
    """
    return sorted(_READERS)


def sniff_scores(head: bytes) -> dict[str, float]:
    """Every registered sniffer's confidence (0 to 1) that a file starting with ``head`` is its format.

    Examples
    --------
    >>> scores = sniff_scores(b'{"id": 1, "text": "a"}\\n')
    >>> max(scores, key=scores.get), scores["jsonl"], scores["csv"]
    ('jsonl', 0.95, 0.0)
    """
    scores = {}
    for name in available_formats():
        spec = _READERS[name]
        score = float(spec.sniff(head)) if spec.sniff is not None else 0.0
        scores[name] = min(max(score, 0.0), 1.0)
    return scores


def _detect_folder(folder: Path, source: str) -> str:
    """The folder reader most confident that ``folder`` is its export; ties go to the first name."""
    scores = {n: float(s.sniff_folder(folder)) for n, s in sorted(_READERS.items()) if s.sniff_folder is not None}
    best = max(scores, key=lambda n: scores[n], default=None)
    if best is not None and scores[best] > 0:
        return best
    folders = [n for n in available_formats() if _READERS[n].sniff_folder is not None]
    raise InputError(
        "no reader recognises this folder"
        + (f" (folder formats: {', '.join(folders)})" if folders else "; name a file instead"),
        path=source,
    )


def detect_format(path: str | os.PathLike) -> str:
    """The name of the registered format that ``path`` is in, judged by its content.

    Each reader's sniffer scores the first 64 KiB; the highest score wins, the file name's suffix
    breaks ties, and when no sniffer recognises the content a reader claiming the suffix is used.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    str
        A name from :func:`available_formats`.

    Raises
    ------
    InputError
        If the file is missing or empty, or no reader recognises it.

    Examples
    --------
    >>> from helpers.paths import resolve
    >>> detect_format(resolve("data/raw/obama-toolkit/page.txt"))
    'blog-page'
    """
    source = str(path)
    p = Path(path)
    if p.is_dir():
        return _detect_folder(p, source)
    head = read_bytes(p, source=source, limit=SNIFF_BYTES)
    if not head or head.isspace():
        raise InputError("the file is empty", path=source)
    suffix = p.suffix.lower()
    scores = sniff_scores(head)
    ranked = sorted(scores, key=lambda n: (scores[n], suffix in _READERS[n].suffixes), reverse=True)
    best = ranked[0] if ranked else None
    if best is not None and scores[best] > 0:
        return best
    by_suffix = [n for n in available_formats() if suffix and suffix in _READERS[n].suffixes]
    if by_suffix:
        return by_suffix[0]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "this is an old-style Excel (.xls) or other OLE file; save it as .xlsx or CSV", path=source
        )
    what = "binary data" if b"\x00" in head else "text in no format I know"
    raise InputError(
        f"cannot tell what format this file is in (it looks like {what}); "
        f"pass format= one of {', '.join(available_formats())}",
        path=source,
    )
