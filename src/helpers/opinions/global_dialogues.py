"""Global Dialogues: agree/disagree votes on other participants' free-text answers, analysed per question.

A Global Dialogues round (Collective Intelligence Project and Remesh) publishes
``<ROUND>_verbatim_map.csv`` (one row per free-text answer) and ``<ROUND>_binary.csv`` (one row per
vote: Agree / Disagree / Neutral); the ``global-dialogues`` reader (:mod:`helpers.ingest.global_dialogues`)
turns them into the canonical comments (``response`` rows whose ``question_id`` is the question) and
votes tables. Votes on answers to different questions are different conversations, so
:func:`by_question` analyses each question separately: :func:`answer_support` (how many of those who
voted on each answer agreed) and :func:`helpers.opinions.analyse` (opinion groups).

Each participant votes on about five of several hundred answers, so two participants rarely vote on
the same answer: Polis's participation filter (at least seven votes) clusters only the few most active,
and groups found in such a sparse matrix say little. The per-question table reports how sparse each
question is, so a reader can see when groups are not supported; which answers won the widest agreement
among those who voted on them remains meaningful.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import OpinionResult, analyse

__all__ = ["read_global_dialogues", "answer_support", "question_of_votes", "by_question"]


def read_global_dialogues(folder: str | os.PathLike, *, round_name: str | None = None
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The answers and votes of one Global Dialogues round, read and cleaned as the pipeline does.

    ``folder`` holds the round (or is its ``*_verbatim_map.csv``); ``round_name`` picks one round
    when the folder holds several (``"GD6"``: ``GD6_verbatim_map.csv``).

    Returns
    -------
    (comments, votes)
        The canonical tables of :func:`helpers.ingest.read` with the ``global-dialogues`` reader.

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
    from ..ingest import read

    path = Path(folder) if round_name is None else Path(folder) / f"{round_name}_verbatim_map.csv"
    result = read(path, format="global-dialogues")
    return result.comments, result.votes


def question_of_votes(comments: pd.DataFrame, votes: pd.DataFrame) -> pd.Series:
    """The question (``question_id``) of the answer each vote is on; missing for a vote on an answer the
    comments table does not hold."""
    question = pd.Series(comments["question_id"].to_numpy(), index=comments["comment_id"].astype(str).to_numpy())
    return votes["comment_id"].astype(str).map(question).astype("string")


def answer_support(votes: pd.DataFrame) -> pd.DataFrame:
    """How each answer was received by those who voted on it, best supported first.

    ``seen`` votes, of which ``agree``, ``disagree`` and ``neutral``; ``agree_share`` = agree / seen;
    ``score`` = (agree + 1) / (seen + 2), Polis's pseudocounted agreement, so that an answer agreed by
    2 of 2 does not outrank one agreed by 40 of 45. Sorted by score, then by more votes, then by id.

    Examples
    --------
    >>> v = pd.DataFrame({"comment_id": ["a", "a", "b", "b", "b", "c"], "vote": [1, 1, 1, 1, -1, 0]})
    >>> answer_support(v)[["comment_id", "seen", "agree", "agree_share", "score"]].round(2).values.tolist()
    [['a', 2, 2, 1.0, 0.75], ['b', 3, 2, 0.67, 0.6], ['c', 1, 0, 0.0, 0.33]]
    """
    vote = votes["vote"].astype(int).to_numpy()
    table = pd.DataFrame({"comment_id": votes["comment_id"].astype(str).to_numpy(),
                          "agree": vote == 1, "disagree": vote == -1, "neutral": vote == 0})
    out = table.groupby("comment_id", sort=True).sum().astype(np.int64)
    out.insert(0, "seen", out.sum(axis=1))
    out["agree_share"] = out["agree"] / out["seen"]
    out["score"] = (out["agree"] + 1) / (out["seen"] + 2)
    out = out.reset_index().sort_values(["score", "seen", "comment_id"], ascending=[False, False, True],
                                        kind="stable")
    return out.reset_index(drop=True)


def by_question(comments: pd.DataFrame, votes: pd.DataFrame, **params) -> tuple[pd.DataFrame, dict]:
    """:func:`answer_support` and :func:`helpers.opinions.analyse` for each question's votes.

    Votes on answers the comments table does not hold belong to no question and are left out.

    Returns
    -------
    (summary, results)
        summary: one row per question, in question order: ``question_id``, ``answers`` (answers given),
        ``voted_answers`` (answers with at least one vote), ``voters``, ``votes``,
        ``median_votes_per_voter``, ``clustered``, ``groups``, ``top_answer`` (the best supported
        answer's id), ``top_answer_agree``, ``top_answer_seen`` and ``top_answer_share`` (its agree
        share). results: question -> (:func:`answer_support` table, OpinionResult).
    """
    question = question_of_votes(comments, votes)
    answers = comments["question_id"].astype(str).value_counts()
    rows, results = [], {}
    for qid, v in votes[question.notna().to_numpy()].groupby(question.dropna().to_numpy(), sort=True):
        support = answer_support(v)
        r: OpinionResult = analyse(v, **params)
        results[str(qid)] = (support, r)
        top = support.iloc[0]
        rows.append({
            "question_id": str(qid), "answers": int(answers.get(str(qid), 0)),
            "voted_answers": int(len(support)), "voters": int(v["voter_id"].nunique()), "votes": int(len(v)),
            "median_votes_per_voter": float(v.groupby("voter_id").size().median()),
            "clustered": int(r.notes["n_clustered"]), "groups": int(r.notes["n_groups"]),
            "top_answer": str(top["comment_id"]), "top_answer_agree": int(top["agree"]),
            "top_answer_seen": int(top["seen"]), "top_answer_share": float(top["agree_share"]),
        })
    return pd.DataFrame(rows), results
