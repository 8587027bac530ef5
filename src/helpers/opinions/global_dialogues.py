"""Global Dialogues: agree/disagree votes on other participants' free-text answers, analysed per question.

A Global Dialogues round (Collective Intelligence Project and Remesh) publishes
``<ROUND>_verbatim_map.csv`` (one row per free-text answer: question, participant, thought id and text)
and ``<ROUND>_binary.csv`` (one row per vote: question, voting participant, thought id, Agree /
Disagree / Neutral). No registered reader turns these into the canonical tables yet, so
:func:`read_global_dialogues` does, and :func:`by_question` runs :func:`helpers.opinions.analyse`
separately for each question (votes on answers to different questions are different conversations).

Each participant votes on about five of several hundred answers, so two participants rarely vote on
the same answer: Polis's participation filter (at least seven votes) clusters only the few most active,
and groups found in such a sparse matrix say little. The per-question table reports how sparse each
question is, so a reader can see when groups are not supported; the most agreed answers (consensus)
remain meaningful.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import InputError
from . import OpinionResult, analyse

__all__ = ["VOTE_VALUES", "read_global_dialogues", "by_question"]

VOTE_VALUES = {"agree": 1, "disagree": -1, "neutral": 0}


def _find(folder: Path, suffix: str, round_name: str | None) -> Path:
    pattern = f"{round_name}_{suffix}" if round_name else f"*_{suffix}"
    found = sorted(folder.glob(pattern))
    if not found:
        raise InputError(f"no {pattern} in the folder", path=str(folder))
    return found[0]


def read_global_dialogues(folder: str | os.PathLike, *, round_name: str | None = None
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The answers and votes of one Global Dialogues round, as canonical-style comments and votes tables.

    Returns
    -------
    (comments, votes)
        comments: ``comment_id`` (thought id), ``question_id``, ``question``, ``respondent_id``, ``text``,
        ``source``, ``source_row``. votes: ``comment_id``, ``voter_id``, ``vote`` (1, -1, 0),
        ``question_id``, ``source``, ``source_row``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "GDX_verbatim_map.csv").write_text(
    ...     '"Question ID","Question Text","Participant ID","Thought ID","Thought Text"\\n"q","Why?","p1","t1","Because"\\n')
    >>> _ = (d / "GDX_binary.csv").write_text(
    ...     '"Question ID","Participant ID","Thought ID","Vote","Timestamp"\\n"q","p2","t1","Agree","x"\\n')
    >>> comments, votes = read_global_dialogues(d)
    >>> votes[["comment_id", "voter_id", "vote"]].values.tolist()
    [['t1', 'p2', 1]]
    """
    folder = Path(folder)
    answers_path = _find(folder, "verbatim_map.csv", round_name)
    votes_path = _find(folder, "binary.csv", round_name)
    answers = pd.read_csv(answers_path, dtype=str, keep_default_na=False)
    raw = pd.read_csv(votes_path, dtype=str, keep_default_na=False)
    for path, frame, cols in ((answers_path, answers, ("Question ID", "Participant ID", "Thought ID", "Thought Text")),
                              (votes_path, raw, ("Question ID", "Participant ID", "Thought ID", "Vote"))):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise InputError(f"not a Global Dialogues file: no column {missing[0]!r}", path=str(path), row=1)
    value = raw["Vote"].str.strip().str.casefold().map(VOTE_VALUES)
    if value.isna().any():
        i = int(value.isna().to_numpy().nonzero()[0][0])
        raise InputError(f"vote {raw['Vote'].iloc[i]!r} is not Agree, Disagree or Neutral", path=str(votes_path),
                         row=i + 2)
    comments = pd.DataFrame({
        "comment_id": answers["Thought ID"].astype("string"),
        "question_id": answers["Question ID"].astype("string"),
        "question": answers.get("Question Text", pd.Series("", index=answers.index)).astype("string"),
        "respondent_id": answers["Participant ID"].astype("string"),
        "text": answers["Thought Text"].astype("string"),
        "source": pd.Series(str(answers_path), index=answers.index, dtype="string"),
        "source_row": pd.Series(range(2, len(answers) + 2), dtype="Int64"),
    })
    votes = pd.DataFrame({
        "comment_id": raw["Thought ID"].astype("string"),
        "voter_id": raw["Participant ID"].astype("string"),
        "vote": value.astype("Int8"),
        "question_id": raw["Question ID"].astype("string"),
        "source": pd.Series(str(votes_path), index=raw.index, dtype="string"),
        "source_row": pd.Series(range(2, len(raw) + 2), dtype="Int64"),
    })
    return comments, votes


def by_question(comments: pd.DataFrame, votes: pd.DataFrame, **params) -> tuple[pd.DataFrame, dict]:
    """:func:`helpers.opinions.analyse` for each question's votes.

    Returns
    -------
    (summary, results)
        summary: one row per question: ``question_id``, ``question``, ``answers``, ``voters``, ``votes``,
        ``median_votes_per_voter``, ``clustered``, ``groups``, ``top_answer`` (the most agreed answer's
        id) and ``top_answer_share`` (share agreeing with it). results: question id -> OpinionResult.
    """
    rows, results = [], {}
    questions = comments.drop_duplicates("question_id").set_index("question_id")["question"]
    for qid, v in votes.groupby("question_id", sort=True):
        r: OpinionResult = analyse(v, **params)
        results[str(qid)] = r
        top = r.consensus.head(1)
        share_cols = [c for c in r.consensus.columns if c.startswith("share_")]
        rows.append({
            "question_id": str(qid), "question": str(questions.get(qid, "")),
            "answers": int(v["comment_id"].nunique()), "voters": int(v["voter_id"].nunique()),
            "votes": int(len(v)), "median_votes_per_voter": float(v.groupby("voter_id").size().median()),
            "clustered": int(r.notes["n_clustered"]), "groups": int(r.notes["n_groups"]),
            "top_answer": str(top["comment_id"].iloc[0]) if len(top) else "",
            "top_answer_share": float(top[share_cols].min(axis=1).iloc[0]) if len(top) and share_cols else float("nan"),
        })
    return pd.DataFrame(rows), results
