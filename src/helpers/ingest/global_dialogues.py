"""Reader for a Global Dialogues round (``global-dialogues``): free-text answers and the votes on them.

A round (Collective Intelligence Project and Remesh) publishes, among others,
``<ROUND>_verbatim_map.csv`` (one row per free-text answer: question, participant, thought id and
text) and ``<ROUND>_binary.csv`` (one row per vote by another participant on an answer: Agree,
Disagree or Neutral). The reader takes the folder holding both, or the verbatim map itself (the votes
are then read from the ``_binary.csv`` beside it).

Records read are the rows of the verbatim map. Each answer is one ``response`` row: ``comment_id`` is
the thought id, ``respondent_id`` the (opaque) participant id, ``question_id`` the question's text
(shown to readers; each question is its own conversation, so ``thread_id`` is the question's id), and
``source_row`` the line where the answer starts (answers can span lines). Answers without text are
excluded as ``blank``, a thought id seen before as ``duplicate_record``.

Votes: ``comment_id`` (the thought voted on), ``voter_id``, ``vote`` (Agree 1, Disagree -1, Neutral 0)
and ``created_at`` (the round's "August 27, 2025 at 8:28 AM (GMT)"; missing when a time is in another
form). A vote on a thought the verbatim map does not hold is kept, and the read notes how many there
are. A vote other than Agree, Disagree or Neutral is an error naming its line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import normalise_text
from ..errors import InputError
from ..schema import EXCLUSION_COLUMNS, VOTE_COLUMNS
from ._text import SNIFF_BYTES, head_text
from .registry import ReadOptions, Tables, register_reader
from .tabular import header_of, load_delimited

__all__ = ["ANSWER_HEADER", "VOTE_HEADER", "VOTE_VALUES", "read_global_dialogues_round", "round_files",
           "sniff_global_dialogues", "sniff_global_dialogues_folder"]

#: Columns of ``*_verbatim_map.csv`` and ``*_binary.csv`` that the reader needs.
ANSWER_HEADER = ("Question ID", "Question Text", "Participant ID", "Thought ID", "Thought Text")
VOTE_HEADER = ("Question ID", "Participant ID", "Thought ID", "Vote")
VOTE_VALUES = {"agree": 1, "disagree": -1, "neutral": 0}


def _names(first_line: str) -> set[str]:
    return {n.strip().strip('"') for n in first_line.split(",")}


def sniff_global_dialogues(head: bytes) -> float:
    """Confidence that a file is a round's ``*_verbatim_map.csv`` (its header names the answer columns).

    Examples
    --------
    >>> sniff_global_dialogues(b'"Question ID","Question Text","Participant ID","Thought ID","Thought Text"\\n')
    0.95
    >>> sniff_global_dialogues(b"id,text\\n")
    0.0
    """
    text = head_text(head[:SNIFF_BYTES])
    if text is None:
        return 0.0
    return 0.95 if set(ANSWER_HEADER) <= _names(text.split("\n", 1)[0]) else 0.0


def round_files(path: Path, *, source: str) -> tuple[Path, Path]:
    """The verbatim map and the votes file of the round at ``path`` (a folder, or the verbatim map).

    A folder must hold exactly one ``*_verbatim_map.csv``, and the votes file is the one with the same
    round name (``GD6_verbatim_map.csv`` and ``GD6_binary.csv``).
    """
    path = Path(path)
    if path.is_dir():
        maps = sorted(path.glob("*_verbatim_map.csv"))
        if len(maps) != 1:
            found = ", ".join(p.name for p in maps) or "none"
            raise InputError(f"a Global Dialogues folder needs exactly one *_verbatim_map.csv (found: {found}); "
                             "name the round's verbatim map instead", path=source)
        answers = maps[0]
    elif path.is_file():
        answers = path
    else:
        raise InputError("no such file or folder", path=source)
    if not answers.name.endswith("_verbatim_map.csv"):
        raise InputError("a Global Dialogues round is read from its <ROUND>_verbatim_map.csv", path=source)
    votes = answers.with_name(answers.name[: -len("verbatim_map.csv")] + "binary.csv")
    if not votes.is_file():
        raise InputError(f"the round's votes file {votes.name} is not beside its verbatim map", path=source)
    return answers, votes


def sniff_global_dialogues_folder(folder: Path) -> float:
    """Confidence that ``folder`` holds one Global Dialogues round (a verbatim map and its votes)."""
    try:
        answers, _ = round_files(Path(folder), source=str(folder))
        with open(answers, "rb") as fh:
            return 1.0 if sniff_global_dialogues(fh.read(4096)) else 0.0
    except (InputError, OSError):
        return 0.0


def _table(path: Path, wanted: tuple[str, ...], *, source: str, encoding: str | None
           ) -> tuple[pd.DataFrame, np.ndarray]:
    frame, rows = load_delimited(path, source=source, encoding=encoding)
    names, data, rows = header_of(frame, rows, source=source)
    missing = [w for w in wanted if w not in names]
    if missing:
        raise InputError(f"not a Global Dialogues file: no column {missing[0]!r}", path=source, row=1)
    return data, rows


def _vote_times(stamps: pd.Series) -> pd.Series:
    """The round's "August 27, 2025 at 8:28 AM (GMT)" as UTC; other forms are missing."""
    text = stamps.str.strip().str.replace(r"\s+\(GMT\)$", "", regex=True)
    return pd.to_datetime(text, format="%B %d, %Y at %I:%M %p", errors="coerce").dt.tz_localize("UTC") \
        .astype("datetime64[ns, UTC]")


@register_reader("global-dialogues", sniff=sniff_global_dialogues, sniff_folder=sniff_global_dialogues_folder)
def read_global_dialogues_round(path: Path, options: ReadOptions) -> Tables:
    """Read a Global Dialogues round: answers as ``response`` rows, and the votes on them.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "GDX_verbatim_map.csv").write_text(
    ...     '"Question ID","Question Text","Participant ID","Thought ID","Thought Text"\\n'
    ...     '"q","Why?","p1","t1","Because"\\n"q","Why?","p2","t2",""\\n')
    >>> _ = (d / "GDX_binary.csv").write_text('"Question ID","Participant ID","Thought ID","Vote","Timestamp"\\n'
    ...     '"q","p2","t1","Agree","August 27, 2025 at 8:28 AM (GMT)"\\n')
    >>> t = read_global_dialogues_round(d, ReadOptions(str(d)))
    >>> t.comments[["comment_id", "thread_id", "question_id", "respondent_id", "kind"]].values.tolist()
    [['t1', 'q', 'Why?', 'p1', 'response']]
    >>> t.exclusions["reason"].tolist(), t.votes[["comment_id", "voter_id", "vote"]].values.tolist()
    (['blank'], [['t1', 'p2', 1]])
    >>> str(t.votes["created_at"].iloc[0])
    '2025-08-27 08:28:00+00:00'
    """
    source = options.source
    answers_path, votes_path = round_files(Path(path), source=source)
    in_folder = Path(path).is_dir()
    answers_src = str(Path(source) / answers_path.name) if in_folder else source
    votes_src = str(Path(answers_src).with_name(votes_path.name))

    data, rows = _table(answers_path, ANSWER_HEADER, source=answers_src, encoding=options.encoding)
    ids = data["Thought ID"].str.strip()
    if ids.eq("").any():
        raise InputError("Thought ID is empty", path=answers_src, row=int(rows[int(ids.eq("").to_numpy().argmax())]))
    text = normalise_text(data["Thought Text"].fillna(""))
    duplicate = ids.duplicated().to_numpy(dtype=bool)
    blank = text.str.strip().eq("").fillna(True).to_numpy(dtype=bool) & ~duplicate
    keep = ~(duplicate | blank)
    n = len(data)
    question = normalise_text(data["Question Text"].fillna("")).str.strip()
    question = question.where(question.ne(""), data["Question ID"].str.strip())
    comments = pd.DataFrame({
        "comment_id": ids.astype("string"),
        "parent_id": pd.Series(pd.NA, index=data.index, dtype="string"),
        "thread_id": data["Question ID"].str.strip().astype("string"),
        "author": pd.Series(pd.NA, index=data.index, dtype="string"),
        "created_at": pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns, UTC]"),
        "text": text.astype("string"),
        "kind": pd.Series("response", index=data.index, dtype="string"),
        "source": pd.Series(answers_src, index=data.index, dtype="string"),
        "source_row": pd.Series(rows, index=data.index, dtype="Int64"),
        "question_id": question.astype("string"),
        "respondent_id": data["Participant ID"].str.strip().astype("string"),
    })[keep].reset_index(drop=True)
    first = pd.Series(rows).groupby(ids.to_numpy()).transform("min").astype("string").to_numpy()
    dropped = ~keep
    exclusions = pd.DataFrame({
        "source": pd.Series(answers_src, index=range(n), dtype="string")[dropped],
        "source_row": pd.Series(rows, dtype="Int64")[dropped],
        "record_id": ids.astype("string").reset_index(drop=True)[dropped],
        "reason": pd.Series(np.where(duplicate, "duplicate_record", "blank"), dtype="string")[dropped],
        "detail": pd.Series(np.where(duplicate, "thought " + ids.to_numpy(dtype=object) + " was already read on line "
                                     + first, "the answer has no text"), dtype="string")[dropped],
    }, columns=list(EXCLUSION_COLUMNS)).reset_index(drop=True)

    raw, vote_rows = _table(votes_path, VOTE_HEADER, source=votes_src, encoding=options.encoding)
    value = raw["Vote"].str.strip().str.casefold().map(VOTE_VALUES)
    if value.isna().any():
        i = int(value.isna().to_numpy().argmax())
        raise InputError(f"vote {raw['Vote'].iloc[i]!r} is not Agree, Disagree or Neutral", path=votes_src,
                         row=int(vote_rows[i]))
    stamps = raw["Timestamp"] if "Timestamp" in raw.columns else pd.Series("", index=raw.index)
    votes = pd.DataFrame({
        "comment_id": raw["Thought ID"].str.strip().astype("string"),
        "voter_id": raw["Participant ID"].str.strip().astype("string"),
        "vote": value.astype("Int8"),
        "created_at": _vote_times(stamps.fillna("")),
        "source": pd.Series(votes_src, index=raw.index, dtype="string"),
        "source_row": pd.Series(vote_rows, index=raw.index, dtype="Int64"),
    })[list(VOTE_COLUMNS)].reset_index(drop=True)
    notes = []
    unknown = int((~votes["comment_id"].isin(set(ids))).sum())
    if unknown:
        notes.append(f"{unknown:,} votes are on thoughts the verbatim map does not hold; they stay in the votes table")
    return Tables(comments=comments, exclusions=exclusions, votes=votes, notes=notes)
