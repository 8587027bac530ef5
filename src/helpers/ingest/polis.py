"""Reader for a Polis conversation export (``polis``): a folder of CSV files.

The folder holds ``comments.csv`` (one row per statement), and usually ``votes.csv`` (one row per vote),
``participants-votes.csv`` (one row per participant: Polis's opinion group, then the wide vote matrix),
``summary.csv`` and ``stats-history.csv``. Only ``comments.csv`` is required.

Records read are the rows of ``comments.csv``: every statement is kept as a ``comment`` except those
the moderator rejected (``moderated == -1``: excluded as ``moderated_out``) and those with no text
(``blank``). Statements accepted (1) or never moderated (0) are both kept.

Votes on statements the moderator rejected stay in the votes table: they are what participants did,
and Polis counts them in its own totals. Filter them with the exclusions table if a count should
leave them out. Votes on a statement id that comments.csv does not hold at all are not loaded (there
is no statement to analyse them with), and a note counts and names them; voters without a row in
participants-votes.csv are noted too (their votes are kept).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import EXCLUSION_COLUMNS
from ._text import SNIFF_BYTES, decode_text, head_text
from .consultation import to_int
from .registry import ReadOptions, Tables, register_reader
from .tabular import header_of, load_delimited

__all__ = ["read_polis", "sniff_polis", "sniff_polis_folder"]

#: Columns every Polis comments.csv has (older exports add ``datetime``; newer ones ``is-meta``, ...).
COMMENT_HEADER = ("timestamp", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body")
VOTE_HEADER = ("timestamp", "comment-id", "voter-id", "vote")
#: Columns of participants-votes.csv that are not comment ids.
PARTICIPANT_META = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


def _is_comments_header(first_line: str) -> bool:
    names = {n.strip().strip('"').casefold() for n in first_line.split(",")}
    return all(c in names for c in COMMENT_HEADER)


def sniff_polis(head: bytes) -> float:
    """Confidence that a file is a Polis ``comments.csv`` (its header names Polis's columns).

    Examples
    --------
    >>> sniff_polis(b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\\n")
    0.95
    >>> sniff_polis(b"id,text\\n1,x\\n")
    0.0
    """
    text = head_text(head[:SNIFF_BYTES])
    if text is None:
        return 0.0
    return 0.95 if _is_comments_header(text.split("\n", 1)[0]) else 0.0


def sniff_polis_folder(folder: Path) -> float:
    """Confidence that ``folder`` is a Polis export: a ``comments.csv`` with Polis's header."""
    try:
        with open(Path(folder) / "comments.csv", "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return 0.0
    score = sniff_polis(head)
    if score and any((Path(folder) / n).exists() for n in ("votes.csv", "participants-votes.csv")):
        return 1.0
    return score


def _columns(names: list[str], wanted: tuple[str, ...], *, source: str, row: int) -> dict[str, str]:
    folded = {n.casefold(): n for n in names}
    missing = [w for w in wanted if w not in folded]
    if missing:
        raise InputError(
            f"not a Polis export: the header lacks {', '.join(missing)} (it has {', '.join(names)})",
            path=source,
            row=row,
        )
    return {w: folded[w] for w in wanted}


def _ms_to_utc(values: pd.Series, rows: np.ndarray, *, what: str, source: str) -> pd.Series:
    """Polis timestamps (milliseconds since 1970, UTC) as UTC date-times; blank -> NaT."""
    ms = to_int(values, rows, column=what, source=source)
    bad = (ms.abs() > 9_000_000_000_000).fillna(False).to_numpy(dtype=bool)  # beyond 2255
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{what} {values.iloc[i]!r} is not a Polis timestamp (milliseconds)", path=source, row=int(rows[i]))
    return pd.to_datetime(ms.astype("Float64").to_numpy(dtype="float64", na_value=np.nan), unit="ms", utc=True).astype(
        "datetime64[ns, UTC]"
    ).to_series(index=values.index)


def _read_comments(path: Path, source: str, thread: str, encoding: str | None):
    frame, rows = load_delimited(path, source=source, encoding=encoding, delimiter=",")
    names, data, rows = header_of(frame, rows, source=source)
    col = _columns(names, COMMENT_HEADER, source=source, row=1)
    ids = data[col["comment-id"]].str.strip()
    blank_id = ids.eq("").to_numpy(dtype=bool)
    if blank_id.any():
        raise InputError("comment-id is empty", path=source, row=int(rows[np.flatnonzero(blank_id)[0]]))
    dup = ids.duplicated().to_numpy(dtype=bool)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"comment-id {ids.iloc[i]!r} appears twice", path=source, row=int(rows[i]))
    moderated = to_int(data[col["moderated"]], rows, column="moderated", source=source)
    odd = ~moderated.isin([-1, 0, 1]).fillna(True).to_numpy(dtype=bool)
    if odd.any():
        i = int(np.flatnonzero(odd)[0])
        raise InputError(
            f"moderated value {data[col['moderated']].iloc[i]!r} is not -1, 0 or 1", path=source, row=int(rows[i])
        )
    author = data[col["author-id"]].str.strip()
    text = normalise_text(data[col["comment-body"]].astype("string"))
    n = len(data)
    comments = pd.DataFrame(
        {
            "comment_id": ids.astype("string"),
            "parent_id": pd.Series(pd.NA, index=data.index, dtype="string"),
            "thread_id": pd.Series(thread, index=data.index, dtype="string"),
            "author": author.where(author.ne(""), pd.NA).astype("string"),
            "created_at": _ms_to_utc(data[col["timestamp"]], rows, what="timestamp", source=source),
            "text": text,
            "kind": pd.Series("comment", index=data.index, dtype="string"),
            "source": pd.Series(source, index=data.index, dtype="string"),
            "source_row": pd.Series(rows, index=data.index, dtype="Int64"),
            "respondent_id": author.where(author.ne(""), pd.NA).astype("string"),
            "votes_up": to_int(data[col["agrees"]], rows, column="agrees", source=source),
            "votes_down": to_int(data[col["disagrees"]], rows, column="disagrees", source=source),
        }
    )
    rejected = (moderated == -1).fillna(False).to_numpy(dtype=bool)
    blank = (text.isna() | text.eq("")).to_numpy(dtype=bool) & ~rejected
    mod_text = moderated.astype("string").fillna("blank")
    detail = ("rejected by the moderator (moderated=" + mod_text + ")").where(
        pd.Series(rejected, index=data.index), "no text in comment-body (moderated=" + mod_text + ")"
    )
    dropped = rejected | blank
    exclusions = pd.DataFrame(
        {
            "source": comments["source"][dropped],
            "source_row": comments["source_row"][dropped],
            "record_id": comments["comment_id"][dropped],
            "reason": pd.Series(np.where(rejected, "moderated_out", "blank"), index=data.index, dtype="string")[dropped],
            "detail": detail[dropped].astype("string"),
        },
        columns=list(EXCLUSION_COLUMNS),
    )
    assert n == int((~dropped).sum()) + len(exclusions)
    return comments[~dropped].reset_index(drop=True), exclusions.reset_index(drop=True), set(ids[rejected])


def _read_votes(path: Path, source: str, encoding: str | None) -> pd.DataFrame:
    frame, rows = load_delimited(path, source=source, encoding=encoding, delimiter=",")
    names, data, rows = header_of(frame, rows, source=source)
    col = _columns(names, VOTE_HEADER, source=source, row=1)
    vote = to_int(data[col["vote"]], rows, column="vote", source=source, allow_blank=False)
    bad = ~vote.isin([1, -1, 0]).fillna(True).to_numpy(dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"vote {data[col['vote']].iloc[i]!r} is not 1, -1 or 0", path=source, row=int(rows[i]))
    cid, voter = data[col["comment-id"]].str.strip(), data[col["voter-id"]].str.strip()
    for name, values in (("comment-id", cid), ("voter-id", voter)):
        empty = values.eq("").to_numpy(dtype=bool)
        if empty.any():
            raise InputError(f"{name} is empty", path=source, row=int(rows[np.flatnonzero(empty)[0]]))
    return pd.DataFrame(
        {
            "comment_id": cid.astype("string"),
            "voter_id": voter.astype("string"),
            "vote": vote.astype("Int8"),
            "created_at": _ms_to_utc(data[col["timestamp"]], rows, what="timestamp", source=source),
            "source": pd.Series(source, index=data.index, dtype="string"),
            "source_row": pd.Series(rows, index=data.index, dtype="Int64"),
        }
    )


def _read_participants(path: Path, source: str, encoding: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The respondents table and the votes held in the wide matrix of participants-votes.csv."""
    frame, rows = load_delimited(path, source=source, encoding=encoding, delimiter=",")
    names, data, rows = header_of(frame, rows, source=source)
    col = _columns(names, ("participant",), source=source, row=1)
    pid = data[col["participant"]].str.strip()
    empty = pid.eq("").to_numpy(dtype=bool)
    if empty.any():
        raise InputError("participant is empty", path=source, row=int(rows[np.flatnonzero(empty)[0]]))
    dup = pid.duplicated().to_numpy(dtype=bool)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"participant {pid.iloc[i]!r} appears twice", path=source, row=int(rows[i]))
    folded = {n.casefold(): n for n in names}
    group = data[folded["group-id"]].str.strip() if "group-id" in folded else pd.Series("", index=data.index)
    respondents = pd.DataFrame(
        {
            "respondent_id": pid.astype("string"),
            "external_group": group.where(group.ne(""), pd.NA).astype("string"),
            "source": pd.Series(source, index=data.index, dtype="string"),
            "source_row": pd.Series(rows, index=data.index, dtype="Int64"),
        }
    )
    vote_cols = [n for n in names if n.casefold() not in PARTICIPANT_META]
    if not vote_cols:
        return respondents, _empty_votes()
    flat = pd.Series(data[vote_cols].to_numpy(dtype=object).ravel(), dtype="string").str.strip().fillna("")
    filled = flat.ne("").to_numpy(dtype=bool).reshape(len(data), len(vote_cols))
    i, j = np.nonzero(filled)
    cells = flat[filled.ravel()].reset_index(drop=True)
    values = pd.to_numeric(cells, errors="coerce")
    bad = ~values.isin([1, -1, 0]).to_numpy(dtype=bool)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"vote {cells.iloc[k]!r} on comment {vote_cols[j[k]]!r} is not 1, -1 or 0",
            path=source,
            row=int(rows[i[k]]),
        )
    order = np.lexsort((j, i))  # participant by participant, comments in column order
    i, j, values = i[order], j[order], values.to_numpy()[order]
    votes = pd.DataFrame(
        {
            "comment_id": pd.Series(np.asarray(vote_cols, dtype=object)[j], dtype="string"),
            "voter_id": pd.Series(pid.to_numpy(dtype=object)[i], dtype="string"),
            "vote": pd.Series(values, dtype="Int8"),
            "created_at": pd.Series(pd.NaT, index=range(len(i)), dtype="datetime64[ns, UTC]"),
            "source": pd.Series(source, index=range(len(i)), dtype="string"),
            "source_row": pd.Series(rows[i], dtype="Int64"),
        }
    )
    return respondents, votes


def _some(ids: pd.Series) -> str:
    """A few of the distinct ``ids``, quoted, for a note."""
    distinct = list(dict.fromkeys(ids.astype(str)))
    shown = ", ".join(repr(i) for i in distinct[:5])
    return shown + (f" and {len(distinct) - 5} more" if len(distinct) > 5 else "")


def _check_vote_references(votes: pd.DataFrame, comments: pd.DataFrame, exclusions: pd.DataFrame,
                           respondents: pd.DataFrame | None, notes: list[str]) -> pd.DataFrame:
    """The votes on statements of comments.csv; a note for votes on other ids, and for voters without a row.

    A vote on a statement id that comments.csv does not hold (kept or excluded) cannot be read: there is
    no statement to have voted on, so it is not loaded (and so never analysed as a statement), and a
    note counts and names them. Voters missing from participants-votes.csv keep their votes; the note
    says their Polis group is unknown.
    """
    known = pd.Index(pd.concat([comments["comment_id"], exclusions["record_id"]]).astype(str).unique())
    unknown = ~votes["comment_id"].astype(str).isin(known).to_numpy(dtype=bool)
    if unknown.any():
        lost = votes[unknown]
        files = " and ".join(dict.fromkeys(Path(str(s)).name for s in lost["source"]))
        notes.append(
            f"{int(unknown.sum())} vote(s) in {files} on {lost['comment_id'].nunique()} statement id(s) that "
            f"comments.csv does not hold ({_some(lost['comment_id'])}) were not loaded: there is no statement "
            f"to analyse them with (first on row {int(lost['source_row'].min())})"
        )
        votes = votes[~unknown].reset_index(drop=True)
    if respondents is not None and len(votes):
        no_row = ~votes["voter_id"].astype(str).isin(respondents["respondent_id"].astype(str)).to_numpy(dtype=bool)
        if no_row.any():
            voters = votes.loc[no_row, "voter_id"]
            notes.append(
                f"{voters.nunique()} voter(s) in votes.csv have no row in participants-votes.csv "
                f"({_some(voters)}): their votes are kept, and their Polis group is unknown"
            )
    return votes


def _empty_votes() -> pd.DataFrame:
    from ..schema import VOTE_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in VOTE_COLUMNS.items()})


@register_reader("polis", sniff=sniff_polis, sniff_folder=sniff_polis_folder)
def read_polis(path: Path, options: ReadOptions) -> Tables:
    """Read a Polis export folder (or its ``comments.csv``, which reads the folder it is in).

    Parameters
    ----------
    path : Path
        The export folder, or the ``comments.csv`` inside it.
    options : ReadOptions
        ``source`` (the path as given) and ``encoding`` are used.

    Returns
    -------
    Tables
        comments
            One ``comment`` per statement in comments.csv: ``comment_id`` is Polis's comment-id,
            ``thread_id`` the conversation (the folder's name), ``author`` and ``respondent_id`` the
            author-id (an opaque participant number), ``created_at`` from the millisecond timestamp,
            ``votes_up``/``votes_down`` the agrees/disagrees tallies. ``source`` is the path of
            comments.csv, ``source_row`` the line where the statement starts.
        exclusions
            Statements rejected by the moderator (``moderated_out``) or without text (``blank``).
        votes
            From votes.csv (one row per vote event, with its time); when it is missing, from the wide
            matrix of participants-votes.csv (no times; ``source_row`` is the participant's line);
            ``None`` with a note when both are missing. Votes on rejected statements are kept.
        respondents
            One row per participant of participants-votes.csv, ``external_group`` = Polis's group-id
            (blank: not clustered); ``None`` when the file is missing.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()) / "demo-conv"
    >>> d.mkdir()
    >>> _ = (d / "comments.csv").write_text(
    ...     "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\\n"
    ...     "1500000000000,x,0,3,2,1,1,More buses\\n1500000060000,x,1,4,0,0,-1,Spam\\n")
    >>> t = read_polis(d, ReadOptions(str(d)))
    >>> t.comments[["comment_id", "thread_id", "author", "votes_up"]].astype(object).values.tolist()
    [['0', 'demo-conv', '3', 2]]
    >>> t.exclusions["reason"].tolist(), t.notes
    (['moderated_out'], ['votes.csv and participants-votes.csv are missing: no votes loaded'])
    """
    source = options.source
    folder = Path(path)
    src_folder = source
    if folder.is_file():
        folder = folder.parent
        src_folder = str(Path(source).parent)
    elif not folder.is_dir():
        raise InputError("no such folder", path=source)
    comments_path = folder / "comments.csv"
    if not comments_path.is_file():
        raise InputError("not a Polis export: the folder has no comments.csv", path=source)
    thread = folder.resolve().name or "polis"

    def src(name: str) -> str:
        return str(Path(src_folder) / name)

    comments, exclusions, rejected = _read_comments(comments_path, src("comments.csv"), thread, options.encoding)
    notes: list[str] = []
    respondents = votes = None
    if (folder / "participants-votes.csv").is_file():
        respondents, wide = _read_participants(
            folder / "participants-votes.csv", src("participants-votes.csv"), options.encoding
        )
    if (folder / "votes.csv").is_file():
        votes = _read_votes(folder / "votes.csv", src("votes.csv"), options.encoding)
    elif respondents is not None:
        votes = wide
        notes.append("votes.csv is missing: votes taken from the participants-votes.csv matrix (no vote times)")
    else:
        notes.append("votes.csv and participants-votes.csv are missing: no votes loaded")
    if votes is not None and len(votes):
        votes = _check_vote_references(votes, comments, exclusions, respondents, notes)
    if votes is not None and rejected:
        on_rejected = int(votes["comment_id"].isin(list(rejected)).sum())
        if on_rejected:
            notes.append(
                f"{on_rejected} votes are on statements the moderator rejected; they stay in the votes table"
            )
    return Tables(comments=comments, exclusions=exclusions, votes=votes, respondents=respondents, notes=notes,
                  title=_topic(folder / "summary.csv", options.encoding))


def _topic(path: Path, encoding: str | None) -> str:
    """The conversation's topic from ``summary.csv`` (rows of ``name,value``: ``topic,Can there be consensus
    on Brexit?``), or "" when there is no such file or row (it is optional, and only its topic is read)."""
    if not path.is_file():
        return ""
    try:
        rows = list(csv.reader(io.StringIO(decode_text(path.read_bytes(), encoding=encoding, source=str(path)))))
    except (InputError, csv.Error):
        return ""
    topic = next((row[1] for row in rows if len(row) >= 2 and row[0].strip().lower() == "topic"), "")
    return " ".join(topic.split())
