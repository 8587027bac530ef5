"""The canonical data model: defined here once, validated at the boundary, used everywhere else.

Tables
------
comments
    One row per contribution (a post, a comment, a reply, a pingback, a consultation answer, a petition...).
    Required columns are in :data:`COMMENT_COLUMNS`; optional columns that some sources carry are in
    :data:`OPTIONAL_COMMENT_COLUMNS`. ``parent_id`` is the contribution replied to: a top-level comment
    on a post has the post as parent when the post is in the table. ``thread_id`` names the
    conversation (the post, document, petition or question) the contribution belongs to.
    ``source`` and ``source_row`` say where the row came from: the file, and the 1-based line (or
    record) number in it where the contribution starts.
votes
    One row per vote on a comment (Polis, Consul, Global Dialogues): agree 1, disagree -1, pass 0.
respondents
    One row per respondent of a consultation: who they are and whether they consent to publication.
exclusions
    One row per input record that was read but not kept, with a reason from :data:`EXCLUSION_REASONS`.
    For every ingest, records read = rows kept + rows excluded.

Every validator returns a copy with canonical dtypes and column order, or raises
:class:`~helpers.errors.SchemaError` naming the source file and row of the first violation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import SchemaError

__all__ = [
    "KINDS",
    "quotable",
    "COMMENT_COLUMNS",
    "OPTIONAL_COMMENT_COLUMNS",
    "VOTE_COLUMNS",
    "RESPONDENT_COLUMNS",
    "EXCLUSION_COLUMNS",
    "EXCLUSION_REASONS",
    "empty_comments",
    "empty_exclusions",
    "validate_comments",
    "validate_votes",
    "validate_respondents",
    "validate_exclusions",
    "analysable",
    "reply_depths",
    "RESPONSE_KINDS",
]

#: What a contribution is. ``response`` is an answer to a consultation question; ``petition`` is a
#: petition written by a member of the public (its signatures are counted in ``votes_up``).
KINDS: tuple[str, ...] = ("post", "comment", "reply", "pingback", "trackback", "response", "petition")

#: Required columns of the comments table and their dtypes, in canonical order.
COMMENT_COLUMNS: dict[str, str] = {
    "comment_id": "string",
    "parent_id": "string",
    "thread_id": "string",
    "author": "string",
    "created_at": "datetime64[ns, UTC]",
    "text": "string",
    "kind": "string",
    "source": "string",
    "source_row": "Int64",
}

#: Optional columns: present only when a source carries them.
OPTIONAL_COMMENT_COLUMNS: dict[str, str] = {
    "title": "string",  # title of a post, petition or regulations.gov comment
    "question_id": "string",  # consultation question this answers (see the respondents table)
    "respondent_id": "string",  # who submitted it (links to the respondents table)
    "respondent_type": "string",  # individual, organisation, ...
    "organisation": "string",  # organisation name, for organisational responses
    "consent_to_publish": "boolean",  # may this text be quoted? missing = not stated
    "language": "string",  # ISO 639-1 code of the detected language
    "is_placeholder": "boolean",  # "See attached file(s)", "N/A": counted, kept out of text analysis
    "has_attachment": "boolean",  # the record carries attached files (never read)
    "url": "string",  # where the contribution is published (never a personal address)
    "votes_up": "Int64",  # platform vote tallies (Consul, Decidim, Polis agrees)
    "votes_down": "Int64",
    "status": "string",  # a petition's state on the platform when the data were taken: open, closed, rejected...
    "counted_at": "datetime64[ns, UTC]",  # when the platform counted votes_up (the export's snapshot time)
    "votes_up_outside_uk": "Int64",  # of votes_up, those from outside the UK (petition signatures by country)
}

VOTE_COLUMNS: dict[str, str] = {
    "comment_id": "string",
    "voter_id": "string",
    "vote": "Int8",  # 1 agree, -1 disagree, 0 pass
    "created_at": "datetime64[ns, UTC]",
    "source": "string",
    "source_row": "Int64",
}

RESPONDENT_COLUMNS: dict[str, str] = {
    "respondent_id": "string",
    "respondent_type": "string",
    "organisation": "string",
    "sector": "string",
    "region": "string",
    "consent_to_publish": "boolean",
    "external_group": "string",  # a platform's own grouping (e.g. Polis group-id), kept for comparison
    "source": "string",
    "source_row": "Int64",
}

EXCLUSION_COLUMNS: dict[str, str] = {
    "source": "string",
    "source_row": "Int64",
    "record_id": "string",
    "reason": "string",
    "detail": "string",
}

#: Why a record read from the input was left out of the comments table.
EXCLUSION_REASONS: dict[str, str] = {
    "blank": "no text at all",
    "non_answer": "a non-answer such as 'N/A' or 'Nothing'",
    "placeholder": "a placeholder such as 'See attached file(s)' with no text of its own",
    "deleted": "deleted or withdrawn on the platform",
    "spam": "marked as spam on the platform",
    "unapproved": "not approved by the site's moderator",
    "moderated_out": "rejected by the conversation's moderator",
    "duplicate_submission": "the same respondent submitted it again; merged",
    "duplicate_record": "the export lists the same record twice; kept once",
    "boilerplate": "page furniture (comment form, sharing buttons), not a contribution",
    "malformed": "a record that could not be read; the detail says why",
}


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def empty_comments() -> pd.DataFrame:
    """An empty comments table with the canonical columns and dtypes."""
    return _empty(COMMENT_COLUMNS)


def empty_exclusions() -> pd.DataFrame:
    """An empty exclusions table with the canonical columns and dtypes."""
    return _empty(EXCLUSION_COLUMNS)


def _where(df: pd.DataFrame, mask: pd.Series, table: str) -> tuple[str | None, int | None]:
    """Source file and row of the first row where ``mask`` holds (for error messages)."""
    i = int(mask.to_numpy().nonzero()[0][0])
    row = df.iloc[i]
    source = row["source"] if "source" in df.columns and pd.notna(row.get("source")) else None
    source_row = row["source_row"] if "source_row" in df.columns and pd.notna(row.get("source_row")) else i + 1
    return source, int(source_row)


def _coerce(df: pd.DataFrame, columns: dict[str, str], table: str, *, source: str | None) -> pd.DataFrame:
    out = df.copy()
    for col, dtype in columns.items():
        if col not in out.columns:
            continue
        try:
            if dtype.startswith("datetime64"):
                out[col] = _to_utc(out[col], col)
            elif dtype == "boolean":
                out[col] = out[col].astype("boolean")
            else:
                out[col] = out[col].astype(dtype)
        except SchemaError:
            raise
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"{table} column {col!r} cannot be read as {dtype}: {exc}", path=source) from None
    return out


def _to_utc(values: pd.Series, col: str) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    if pd.api.types.is_datetime64_dtype(values.dtype):
        if values.notna().any():
            raise SchemaError(f"column {col!r} holds dates without a timezone; say which timezone they are in")
        return values.dt.tz_localize("UTC").astype("datetime64[ns, UTC]")
    if values.isna().all():
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    raise SchemaError(f"column {col!r} must hold timezone-aware datetimes, not {values.dtype}")


def _check_table(
    df: pd.DataFrame, columns: dict[str, str], optional: dict[str, str], table: str, source: str | None
) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"{table} table must be a pandas DataFrame, not {type(df).__name__}", path=source)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{table} table lacks required column(s) {', '.join(missing)}", path=source)
    out = _coerce(df, {**columns, **optional}, table, source=source)
    ordered = list(columns) + [c for c in optional if c in out.columns and c not in columns]
    extra = [c for c in out.columns if c not in ordered]
    return out[ordered + extra].reset_index(drop=True)


def _fail_if(df: pd.DataFrame, mask: pd.Series, table: str, reason: str, source: str | None) -> None:
    mask = mask.fillna(False).astype(bool)
    if mask.any():
        src, row = _where(df, mask, table)
        raise SchemaError(reason, path=src or source, row=row)


def validate_comments(df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a comments table against the data model and return it with canonical dtypes.

    Parameters
    ----------
    df : DataFrame
        The table to check. Extra columns are kept after the known ones.
    source : str, optional
        File name to cite in errors when the table has no ``source`` column values.

    Returns
    -------
    DataFrame
        A copy with canonical dtypes and column order.

    Raises
    ------
    SchemaError
        On the first violation, naming the source file and row.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["a"], "parent_id": [None], "thread_id": ["a"],
    ...     "author": [None], "created_at": [pd.NaT], "text": ["Hello"], "kind": ["post"],
    ...     "source": ["x.txt"], "source_row": [1]})
    >>> validate_comments(t)["kind"].tolist()
    ['post']
    """
    out = _check_table(df, COMMENT_COLUMNS, OPTIONAL_COMMENT_COLUMNS, "comments", source)
    ids = out["comment_id"]
    _fail_if(out, ids.isna() | (ids.str.strip() == ""), "comments", "comment_id is empty", source)
    _fail_if(out, ids.duplicated(), "comments", "comment_id is not unique (seen on an earlier row)", source)
    bad_kind = ~out["kind"].isin(KINDS)
    if bad_kind.fillna(True).any():
        mask = bad_kind.fillna(True)
        value = out.loc[mask, "kind"].iloc[0]
        _fail_if(out, mask, "comments", f"kind {value!r} is not one of {', '.join(KINDS)}", source)
    out["text"] = out["text"].fillna("")  # no text and an empty text are the same thing
    _fail_if(out, out["thread_id"].isna(), "comments", "thread_id is missing", source)
    _fail_if(out, out["parent_id"] == ids, "comments", "parent_id refers to the comment itself", source)
    # Index lookups, not Series.isin: fast on a million Arrow-backed strings.
    parent_pos = _positions(ids, out["parent_id"])
    dangling = pd.Series((parent_pos < 0) & out["parent_id"].notna().to_numpy(), index=out.index)
    if dangling.any():
        value = out.loc[dangling, "parent_id"].iloc[0]
        _fail_if(out, dangling, "comments", f"parent_id {value!r} is not the comment_id of any row", source)
    reply_depths(out)  # raises on a reply cycle
    return out


def _positions(ids: pd.Series, refs: pd.Series) -> np.ndarray:
    """Row position of each value of ``refs`` in ``ids`` (-1 where absent or missing)."""
    index = pd.Index(ids.to_numpy(dtype=object, na_value=None))
    return index.get_indexer(refs.to_numpy(dtype=object, na_value=None))


def reply_depths(comments: pd.DataFrame) -> pd.Series:
    """Depth of each contribution in its reply tree: 0 for a root, 1 for a reply to a root, ...

    Pointer jumping over integer arrays: O(n log depth), no recursion, safe on a million rows.

    Raises
    ------
    SchemaError
        If parent links form a cycle, naming a row on it.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["p", "a", "b", "c"], "parent_id": [None, "p", "a", "p"]})
    >>> reply_depths(t).tolist()
    [0, 1, 2, 1]
    """
    jump = _positions(comments["comment_id"].astype("string"), comments["parent_id"].astype("string"))
    depth = (jump >= 0).astype("int64")
    # Invariant: depth[i] is the number of steps from i up to jump[i] (or to the root when jump[i] < 0).
    for _ in range(64):  # 2**64 steps: any chain that is not a cycle has ended by then
        has = jump >= 0
        if not has.any():
            return pd.Series(depth, index=comments.index, name="depth")
        up = np.where(has, jump, 0)
        depth = np.where(has, depth + depth[up], depth)
        jump = np.where(has, jump[up], -1)
    _fail_if(comments, pd.Series(jump >= 0, index=comments.index), "comments",
             "parent_id links form a cycle (a reply chain that leads back to itself)", None)
    raise AssertionError("unreachable")


def validate_votes(df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a votes table: every vote is 1 (agree), -1 (disagree) or 0 (pass), ids present.

    Examples
    --------
    >>> v = pd.DataFrame({"comment_id": ["1"], "voter_id": ["p1"], "vote": [-1],
    ...     "created_at": [pd.NaT], "source": ["votes.csv"], "source_row": [2]})
    >>> int(validate_votes(v)["vote"].iloc[0])
    -1
    """
    out = _check_table(df, VOTE_COLUMNS, {}, "votes", source)
    _fail_if(out, out["comment_id"].isna(), "votes", "comment_id is missing", source)
    _fail_if(out, out["voter_id"].isna(), "votes", "voter_id is missing", source)
    _fail_if(out, ~out["vote"].isin([1, -1, 0]), "votes", "vote must be 1, -1 or 0", source)
    return out


def validate_respondents(df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a respondents table: respondent_id present and unique."""
    out = _check_table(df, {"respondent_id": "string"}, RESPONDENT_COLUMNS, "respondents", source)
    _fail_if(out, out["respondent_id"].isna(), "respondents", "respondent_id is missing", source)
    _fail_if(out, out["respondent_id"].duplicated(), "respondents", "respondent_id is not unique", source)
    return out


def validate_exclusions(df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check an exclusions table: every row has a reason from :data:`EXCLUSION_REASONS`."""
    out = _check_table(df, EXCLUSION_COLUMNS, {}, "exclusions", source)
    bad = ~out["reason"].isin(list(EXCLUSION_REASONS))
    _fail_if(out, bad, "exclusions", "reason is not one of " + ", ".join(EXCLUSION_REASONS), source)
    return out


#: Kinds that carry a respondent's own words and are read by text analysis. A post is the prompt
#: people responded to; pingbacks and trackbacks are link notices from other sites. A petition is
#: written by a member of the public, so a list of petitions is analysed like comments.
RESPONSE_KINDS: tuple[str, ...] = ("comment", "reply", "response", "petition")


def analysable(comments: pd.DataFrame) -> pd.Series:
    """Boolean mask of the rows that text analysis (themes, sentiment) should read.

    Responses (comments, replies, consultation answers, petitions) with some text that are not
    placeholders. Everything else is still counted in every total.

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["post", "comment", "pingback", "comment", "reply", "petition"],
    ...                   "text": ["a", "b", "c", "  ", "d", "e"]})
    >>> analysable(t).tolist()
    [False, True, False, False, True, True]
    """
    mask = comments["kind"].isin(RESPONSE_KINDS) & comments["text"].fillna("").str.strip().ne("")
    if "is_placeholder" in comments.columns:
        mask &= ~comments["is_placeholder"].fillna(False).astype(bool)
    return mask.astype(bool)


def quotable(comments: pd.DataFrame, respondents: pd.DataFrame | None = None) -> tuple[pd.Series, int | None]:
    """Which comments may be quoted: ``consent_to_publish`` is not ``False`` on the comment or on its
    respondent (missing means "not stated", which allows quoting, as for public comments).

    Returns
    -------
    (boolean Series aligned with ``comments``, number refused or None when the source records no consent)

    Examples
    --------
    >>> c = pd.DataFrame({"comment_id": ["a", "b", "c"],
    ...                   "consent_to_publish": pd.array([True, False, None], dtype="boolean")})
    >>> ok, refused = quotable(c)
    >>> ok.tolist(), refused
    ([True, False, True], 1)
    """
    refused = pd.Series(False, index=comments.index)
    recorded = False
    if "consent_to_publish" in comments.columns:
        recorded = True
        refused |= comments["consent_to_publish"].astype("boolean").eq(False).fillna(False).astype(bool)
    if (respondents is not None and "consent_to_publish" in respondents.columns
            and "respondent_id" in comments.columns and "respondent_id" in respondents.columns):
        recorded = True
        said_no = set(respondents.loc[respondents["consent_to_publish"].astype("boolean").eq(False).fillna(False)
                                      .astype(bool), "respondent_id"].dropna())
        refused |= comments["respondent_id"].isin(said_no).fillna(False).astype(bool)
    return ~refused, (int(refused.sum()) if recorded else None)
