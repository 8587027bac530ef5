"""Reader for UK Parliament e-petitions (``petitions``), in either of the two JSON shapes Parliament publishes.

The petition.parliament.uk API
    One petition (``/petitions/<id>.json``)::

        {"links": {"self": ".../petitions/131215.json"},
         "data": {"type": "petition", "id": 131215,
                  "attributes": {"action": ..., "background": ..., "additional_details": ...,
                                 "signature_count": 3555721, "created_at": ..., "state": ...}}}

    or a page of the list (``/petitions.json``: ``"data"`` is a list of such objects;
    ``archived-petition`` objects are read the same way). Each petition is one ``petition`` row: ``title``
    is the action (what the petition asks for), ``text`` the background and additional details (the
    action when both are empty), ``votes_up`` the signature count. The signatures themselves are not
    contributions: a petition with 3.5 million signatures is one record read, and the signature
    tables by country and constituency are not read (a note says so).
The data.parliament.uk e-petitions feed
    A JSON list of petitions, each ``{"_about": uri, "created": {"_value": ...}, "identifier":
    {"_value": number}, "label": {"_value": title}, "numberOfSignatures": n, "status": ...}``. The
    feed has no petition body, so ``title`` and ``text`` are both the label.

Every petition is its own thread (``thread_id`` = ``comment_id`` = the petition number) and has no
parent. A petition is written by a member of the public, so text analysis reads it as it reads a
comment (:data:`helpers.schema.RESPONSE_KINDS`). ``author`` is left empty: the creator's name
(``creator_name``, ``sponsorPrinted``) is a private person's name and is not read. ``url`` is the
petition's page (API) or resource URI (feed). ``source_row`` is the petition's position in the file
(1 for a single petition), because these files are usually one long line.

Exclusions: an element that is not a petition object or has no number (``malformed``); a petition
number already read earlier in the file -- the feed repeats a few petitions across its pages --
(``duplicate_record``, naming the first); a petition with no words at all (``blank``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import COMMENT_COLUMNS, EXCLUSION_COLUMNS
from ._mapping import parse_count, parse_datetimes
from ._text import decode_text, head_text, read_bytes, refuse_lone_surrogates
from .registry import ReadOptions, Tables, publisher_zone, register_reader

__all__ = ["read_petitions", "sniff_petitions"]

#: Parliament's petitions keep UK time: the feed's dates without a zone are read in it, and the
#: briefing writes dates in it (a petition created at 23:39 UTC on 23 May 2016 was created on 24 May).
PETITIONS_TIMEZONE = "Europe/London"

_API_TYPE = re.compile(r'"type"\s*:\s*"(?:archived-)?petition"')
_PETITION_TYPES = ("petition", "archived-petition")


def sniff_petitions(head: bytes) -> float:
    """Confidence that a file is UK Parliament petitions JSON (API petition, or the data.parliament.uk feed).

    Examples
    --------
    >>> sniff_petitions(b'{"links": {}, "data": {"type": "petition", "id": 1, "attributes": {"action": "x"}}}')
    0.97
    >>> sniff_petitions(b'[{"_about": "u", "identifier": {"_value": "1"}, "numberOfSignatures": 3}]')
    0.95
    >>> sniff_petitions(b'{"id": 1, "text": "a"}')
    0.0
    """
    text = head_text(head)
    if text is None:
        return 0.0
    start = text.lstrip()[:1]
    if start == "{" and _API_TYPE.search(text) and '"attributes"' in text:
        return 0.97  # above jsonl's 0.95: a one-line API response is also a valid JSON Lines file
    if start == "[" and '"numberOfSignatures"' in text and '"identifier"' in text:
        return 0.95
    return 0.0


def _value(obj: object) -> object:
    """A feed value: ``{"_value": v}`` gives v; a bare scalar is taken as it is."""
    if isinstance(obj, dict):
        return obj.get("_value")
    return obj


def _as_str(v: object) -> str | None:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _paragraphs(*parts: object) -> str:
    return "\n\n".join(p.strip() for p in map(_as_str, parts) if p and p.strip())


def _blank(values: pd.Series) -> pd.Series:
    return (values.isna() | values.str.strip().eq("")).fillna(True).astype(bool)


#: What is read of each petition, in either shape.
_FIELDS = ("id", "title", "text", "created", "count", "url", "status", "counted", "abroad")


def _outside_uk(by_country: object) -> str | None:
    """Signatures from outside the UK: the sum of ``signatures_by_country`` over every code but GB, or
    None when the petition has no such table (or one that cannot be read).

    >>> _outside_uk([{"code": "GB", "signature_count": 90}, {"code": "FR", "signature_count": 7},
    ...              {"code": "VA", "signature_count": 3}])
    '10'
    """
    if not isinstance(by_country, list) or not by_country:
        return None
    total = 0
    for entry in by_country:
        count = entry.get("signature_count") if isinstance(entry, dict) else None
        if not isinstance(count, int) or isinstance(count, bool):
            return None
        total += count if entry.get("code") != "GB" else 0
    return str(total)


def _rows_from_feed(items: list) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in (*_FIELDS, "malformed")}
    for item in items:
        if not isinstance(item, dict):
            for k in _FIELDS:
                cols[k].append(None)
            cols["malformed"].append("the list element is not a petition object")
            continue
        label = _as_str(_value(item.get("label")))
        cols["id"].append(_as_str(_value(item.get("identifier"))))
        cols["title"].append(label)
        cols["text"].append(label)
        cols["created"].append(_as_str(_value(item.get("created"))))
        cols["count"].append(_as_str(_value(item.get("numberOfSignatures"))))
        cols["url"].append(_as_str(item.get("_about")))
        cols["status"].append(_as_str(_value(item.get("status"))))
        cols["counted"].append(None)  # the feed does not say when it counted
        cols["abroad"].append(None)
        cols["malformed"].append(None)
    return cols


def _rows_from_api(items: list, self_link: object) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in (*_FIELDS, "malformed")}
    for item in items:
        attrs = item.get("attributes") if isinstance(item, dict) else None
        if not isinstance(attrs, dict) or item.get("type") not in _PETITION_TYPES:
            cols["id"].append(_as_str(item.get("id")) if isinstance(item, dict) else None)
            for k in _FIELDS[1:]:
                cols[k].append(None)
            cols["malformed"].append("not a petition (type 'petition' with an attributes object)")
            continue
        links = item.get("links")
        link = links.get("self") if isinstance(links, dict) else self_link if len(items) == 1 else None
        action = _as_str(attrs.get("action"))
        cols["id"].append(_as_str(item.get("id")))
        cols["title"].append(action)
        cols["text"].append(_paragraphs(attrs.get("background"), attrs.get("additional_details")) or action)
        cols["created"].append(_as_str(attrs.get("created_at")))
        cols["count"].append(_as_str(attrs.get("signature_count")))
        cols["url"].append(re.sub(r"\.json$", "", link) if isinstance(link, str) else None)
        cols["status"].append(_as_str(attrs.get("state")))
        cols["counted"].append(_as_str(attrs.get("updated_at")))
        cols["abroad"].append(_outside_uk(attrs.get("signatures_by_country")))
        cols["malformed"].append(None)
    return cols


def _map(cols: dict[str, list], options: ReadOptions) -> Tables:
    source = options.source
    zone = publisher_zone(options, PETITIONS_TIMEZONE)
    n = len(cols["id"])
    rows = np.arange(1, n + 1)
    raw = {k: pd.Series(v, dtype="string") for k, v in cols.items()}
    ids = raw["id"].str.strip()
    malformed = raw["malformed"].notna().to_numpy(dtype=bool)
    no_id = _blank(ids).to_numpy(dtype=bool) & ~malformed
    duplicate = ids.duplicated().to_numpy(dtype=bool) & ~malformed & ~no_id
    text = normalise_text(raw["text"].fillna(""))
    blank = _blank(text).to_numpy(dtype=bool) & ~malformed & ~no_id & ~duplicate
    keep = ~(malformed | no_id | duplicate | blank)
    keep_s = pd.Series(keep)

    created = parse_datetimes(
        raw["created"].where(keep_s, pd.NA), rows, timezone=zone, column="created", source=source
    )
    count = raw["count"].where(keep_s, pd.NA)
    votes = parse_count(count, rows, key="votes_up", column="signatures", source=source)
    counted = parse_datetimes(
        raw["counted"].where(keep_s, pd.NA), rows, timezone=zone, column="updated_at", source=source
    )
    abroad = parse_count(raw["abroad"].where(keep_s, pd.NA), rows, key="votes_up_outside_uk",
                         column="signatures_by_country", source=source)
    status = raw["status"].str.strip().str.lower()
    title = normalise_text(raw["title"])
    url = raw["url"].str.strip()
    comments = pd.DataFrame(
        {
            "comment_id": ids,
            "parent_id": pd.Series(pd.NA, index=ids.index, dtype="string"),
            "thread_id": ids,
            "author": pd.Series(pd.NA, index=ids.index, dtype="string"),  # creator names are not read
            "created_at": created,
            "text": text,
            "kind": pd.Series("petition", index=ids.index, dtype="string"),
            "source": pd.Series(source, index=ids.index, dtype="string"),
            "source_row": pd.Series(rows, index=ids.index, dtype="Int64"),
            "title": title.where(~_blank(title), pd.NA),
            "url": url.where(~_blank(url), pd.NA),
            "votes_up": votes,
            "status": status.where(~_blank(status), pd.NA),
            "counted_at": counted,
            "votes_up_outside_uk": abroad,
        }
    )[[*COMMENT_COLUMNS, "title", "url", "votes_up", "status", "counted_at", "votes_up_outside_uk"]]
    # The data.parliament.uk feed says neither when it counted nor where signers live: no such columns.
    comments = comments.drop(columns=[c for c in ("counted_at", "votes_up_outside_uk") if comments[c].isna().all()])

    first = pd.Series(rows).groupby(ids.fillna("").to_numpy()).transform("min").astype("string")
    detail = np.select(
        [malformed, no_id, duplicate, blank],
        [
            raw["malformed"].fillna("").to_numpy(dtype=object),
            np.full(n, "the petition has no number", dtype=object),
            ("petition " + ids + " was already read as record " + first).to_numpy(dtype=object),
            np.full(n, "the petition has no title or text", dtype=object),
        ],
        default="",
    )
    reason = np.select(
        [malformed, no_id, duplicate, blank],
        ["malformed", "malformed", "duplicate_record", "blank"],
        default="",
    )
    dropped = ~keep
    record_id = ids.where(~_blank(ids), "record-" + pd.Series(rows, dtype="int64").astype("string"))
    exclusions = pd.DataFrame(
        {
            "source": pd.Series(source, index=ids.index, dtype="string")[dropped],
            "source_row": pd.Series(rows, index=ids.index, dtype="Int64")[dropped],
            "record_id": record_id[dropped],
            "reason": pd.Series(reason, dtype="string")[dropped],
            "detail": pd.Series(detail, dtype="string")[dropped],
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    return Tables(
        comments=comments[keep].reset_index(drop=True), exclusions=exclusions.reset_index(drop=True),
        timezone=zone,
    )


@register_reader("petitions", sniff=sniff_petitions)  # no suffix: other JSON must not fall back to it
def read_petitions(path: Path, options: ReadOptions) -> Tables:
    """Read UK Parliament petitions JSON: one ``petition`` row per petition (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "feed.json"
    >>> _ = p.write_text(json.dumps([{"_about": "http://example.org/r/1", "identifier": {"_value": "7"},
    ...     "created": {"_value": "2016-01-02T03:04:05Z"}, "label": {"_value": "Plant more trees"},
    ...     "numberOfSignatures": 12, "status": "open"}]))
    >>> t = read_petitions(p, ReadOptions(str(p)))
    >>> t.comments[["comment_id", "thread_id", "kind", "title", "votes_up"]].astype(object).values.tolist()
    [['7', '7', 'petition', 'Plant more trees', 12]]
    """
    source = options.source
    text = decode_text(read_bytes(path, source=source), encoding=options.encoding, source=source)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at column {exc.colno}", path=source, row=exc.lineno
        ) from None
    except RecursionError:
        raise InputError("not valid JSON: nested too deeply", path=source) from None
    refuse_lone_surrogates(text, doc, source=source)
    notes: list[str] = []
    if isinstance(doc, list) and doc and not any(isinstance(i, dict) and "identifier" in i for i in doc):
        raise InputError(
            "not a data.parliament.uk petitions list: no element has an 'identifier'", path=source, row=1
        )
    if isinstance(doc, dict) and isinstance(doc.get("data"), list) and doc["data"]:
        if not any(isinstance(i, dict) and i.get("type") in _PETITION_TYPES for i in doc["data"]):
            raise InputError("not a petitions list: no element has type 'petition'", path=source, row=1)
    if isinstance(doc, list):
        cols = _rows_from_feed(doc)
    elif isinstance(doc, dict) and isinstance(doc.get("data"), (dict, list)):
        data = doc["data"]
        items = [data] if isinstance(data, dict) else data
        links = doc.get("links")
        cols = _rows_from_api(items, links.get("self") if isinstance(links, dict) else None)
        tables = [
            name
            for item in items
            if isinstance(item, dict) and isinstance(item.get("attributes"), dict)
            for name in ("signatures_by_country", "signatures_by_constituency")
            if item["attributes"].get(name)
        ]
        if tables:
            notes.append(
                "signatures are counted in votes_up, not read as contributions; "
                "the signatures by country and by constituency are not read"
            )
    else:
        raise InputError(
            'not UK Parliament petitions JSON: expected {"data": {"type": "petition", ...}} '
            "or a list of data.parliament.uk petitions",
            path=source,
            row=1,
        )
    result = _map(cols, options)
    result.notes.extend(notes)
    return result
