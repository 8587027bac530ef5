"""The cleaning stage as every reader's output passes through it in ``helpers.ingest.read``.

Expected values are worked out by hand from the small invented tables written inside the tests, the
hand-written fixtures in tests/fixtures/ingest/ and, for the shared NHS corpus, counted independently
with Python's csv module.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from helpers.ingest import read
from helpers.schema import validate_comments, validate_exclusions
from tests.conftest import EXAMPLE_PAGE, shared_corpus
from tests.unit.ingest_support import FIXTURES, table_values

LIBRARY = "The council should keep the library open on Saturdays for working families."
BUSES = "More buses in the evening would help people who work late shifts at the hospital."
FRENCH = "Il faudrait plus de bus le soir pour les personnes qui travaillent tard à l'hôpital."


def _write(tmp_path, rows, name="answers.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture
def consultation(tmp_path):
    """An invented consultation export: every cleaning rule is hit once or twice (line numbers in comments)."""
    return _write(
        tmp_path,
        [
            ["id", "respondent_id", "question_id", "parent_id", "created_at", "text"],
            ["1", "r1", "q1", "", "2021-03-01 10:00", LIBRARY],  # line 2: kept
            ["2", "r1", "q1", "", "2021-03-01 10:05", LIBRARY.upper()],  # line 3: r1 sent it again
            ["3", "r2", "q1", "", "2021-03-02 09:00", "N/A"],  # line 4: non-answer
            ["4", "r3", "q1", "", "2021-03-02 09:30", " _x000D_ "],  # line 5: Excel debris only: blank
            ["5", "r4", "q1", "", "2021-03-03 12:00", "Itâ€™s too expensive to park near the station now."],  # 6
            ["6", "r5", "q1", "", "2200-01-01 00:00", FRENCH],  # line 7: future date, French
            ["7", "r6", "q2", "", "2021-03-04 08:00", "No"],  # line 8: non-answer, but 8 replies to it
            ["8", "r7", "q2", "7", "2021-03-04 08:30", BUSES],  # line 9: reply
            ["9", "r1", "q2", "", "2021-03-05 08:00", LIBRARY],  # line 10: r1, other question: kept
            ["10", "r8", "q2", "", "2021-03-05 09:00", ""],  # line 11: blank (the reader's exclusion)
        ],
    )


def test_cleaning_a_consultation_export(consultation):
    result = read(consultation, kind="response")
    c, x = result.comments, result.exclusions
    assert c["comment_id"].tolist() == ["1", "5", "6", "7", "8", "9"]
    assert table_values(x, ["record_id", "reason", "source_row"]) == [
        ["10", "blank", 11],  # the reader's own exclusions come first
        ["2", "duplicate_submission", 3],
        ["3", "non_answer", 4],
        ["4", "blank", 5],
    ]
    assert x["detail"].tolist()[1:] == [
        "same respondent and text as 1",
        "the whole text is a non-answer (n/a)",
        "no text after cleaning",
    ]
    assert (x["source"] == str(consultation)).all()
    assert result.records_read == len(c) + len(x) == 10
    # "No" stays because "8" replies to it, flagged as a placeholder so text analysis leaves it out.
    assert table_values(c, ["comment_id", "is_placeholder"])[3] == ["7", True]
    assert c.loc[c["comment_id"] == "8", "parent_id"].tolist() == ["7"]
    assert c.loc[c["comment_id"] == "5", "text"].tolist() == ["It’s too expensive to park near the station now."]
    assert [v for (v,) in table_values(c, ["language"])] == ["en", "en", "fr", None, "en", "en"]  # "No" is too short
    assert result.notes == ["1 date is in the future (later than the time of reading); kept as given"]
    assert result.cleaning == {  # the cleaning stage's own counts: line 11 was the reader's exclusion
        "blank": 1,  # line 5 only
        "duplicate_submission": 1,
        "future_dates": 1,
        "kept_as_thread_anchor": 1,
        "language": {"en": 4, "fr": 1},
        "language_undetermined": 1,
        "mojibake_repaired": 2,  # the mojibake, and the debris that left nothing
        "non_answer": 1,
        "rows_from_reader": 9,  # 10 records read, less the reader's blank on line 11
        "rows_kept": 6,
    }
    summary = result.summary()
    assert summary["cleaning"] == result.cleaning
    assert summary["excluded_by_reason"] == {"blank": 2, "duplicate_submission": 1, "non_answer": 1}
    assert json.loads(json.dumps(summary)) == summary
    assert result.summary_line() == (
        "answers.csv: read 10 records = 6 kept + 4 excluded (blank 2, duplicate_submission 1, non_answer 1)"
    )
    validate_comments(c)
    validate_exclusions(x)


def test_clean_false_returns_the_readers_table(consultation):
    raw = read(consultation, kind="response", clean=False)
    assert len(raw.comments) == 9 and raw.exclusions["reason"].tolist() == ["blank"]
    assert "language" not in raw.comments.columns
    assert raw.comments.loc[raw.comments["comment_id"] == "5", "text"].str.contains("â€™").all()
    assert raw.cleaning == {} and raw.summary()["cleaning"] == {} and raw.notes == []
    assert raw.records_read == 10


def test_the_example_corpus_loses_nothing_to_cleaning():
    result = read(EXAMPLE_PAGE)
    assert (len(result.comments), len(result.exclusions)) == (11, 1)
    assert result.exclusions["reason"].tolist() == ["boilerplate"]
    raw = read(EXAMPLE_PAGE, clean=False)
    assert result.comments["text"].tolist() == raw.comments["text"].tolist()  # nothing to repair
    # Two pingbacks are site names, too short or too unlike any language to tell; the rest is English.
    assert result.comments["language"].isna().sum() == 2
    assert set(result.comments["language"].dropna()) == {"en"}


# fixture, options, kept [comment_id, language], excluded [record_id, reason] (the reader's, then cleaning's)
FIXTURE_TABLE = [
    ("consultation.tsv", {"text_column": "answer", "kind": "response"},
     [["row-2", None], ["row-3", None]], [["row-5", "blank"], ["row-4", "non_answer"]]),  # "Nothing"
    ("cp1252.csv", {}, [["a1", "en"], ["a2", None]], []),  # "Très bien": too short to tell
    ("multiline.csv", {}, [["c1", "en"], ["c2", None], ["c3", None]], []),
    ("threads.jsonl", {}, [["1", None], ["2", None], ["3", None]], [["4", "blank"]]),
    ("semicolon.csv", {}, [["q1-1", None], ["q1-2", None]], [["q1-3", "blank"]]),  # "No; I disagree" is an answer
]


@pytest.mark.parametrize(("name", "options", "kept", "excluded"), FIXTURE_TABLE, ids=[r[0] for r in FIXTURE_TABLE])
def test_fixtures_through_cleaning(name, options, kept, excluded):
    result = read(FIXTURES / name, **options)
    assert table_values(result.comments, ["comment_id", "language"]) == kept
    assert table_values(result.exclusions, ["record_id", "reason"]) == excluded
    assert result.records_read == read(FIXTURES / name, clean=False, **options).records_read


def test_every_reader_output_goes_through_cleaning(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(
        "\n".join(json.dumps(r) for r in [
            {"id": "a", "text": BUSES},
            {"id": "b", "text": "nothing to add."},
            {"id": "c", "text": "Fish &amp; chips on the pier are too dear now, honestly."},
        ]) + "\n",
        encoding="utf-8",
    )
    result = read(p)
    assert result.format == "jsonl"
    assert result.comments["text"].tolist() == [BUSES, "Fish & chips on the pier are too dear now, honestly."]
    assert table_values(result.exclusions, ["record_id", "reason", "source_row"]) == [["b", "non_answer", 2]]


def test_no_future_note_without_dates(tmp_path):
    result = read(_write(tmp_path, [["text"], [LIBRARY], [BUSES]]))
    assert result.notes == [] and result.cleaning["future_dates"] == 0


# -- real data --------------------------------------------------------------------------------------

# Whole-text non-answers written in the NHS file, folded here another way than helpers.clean does
# (everything but a-z and "/" made a space). Worked out by reading the file's distinct short answers
# (mostly to "What could be improved?"); emoji around them ("Nothing 😃") fold away too.
NHS_NON_ANSWERS = {"nothing", "no", "none", "nope", "n/a", "nothing to add", "nothing more", "nothing to report",
                   # "nothing" at greater length, as answers to "what could be improved?" (folded: "can't" is "can t")
                   "nothing at all", "no nothing", "absolutely nothing", "nothing really", "not a thing",
                   "not really", "honestly nothing", "nothing whatsoever", "nothing to improve", "nothing to change",
                   "nothing i can think of", "nothing that i can think of", "can t think of anything",
                   "i can t think of anything", "cant think of anything", "cannot think of anything",
                   "i cannot think of anything", "can not think of anything"}


@pytest.mark.shared
def test_nhs_feedback_non_answers_are_excluded():
    path = shared_corpus("nhs-patient-feedback", "text_data.csv")
    result = read(path, text_column="feedback")
    # SOURCE.txt: "phase_1/text_data.csv 10,334 rows"
    assert result.records_read == 10_334
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    folded = [" ".join(re.sub(r"[^a-z/ ]", " ", r["feedback"].lower()).split()) for r in rows]
    blank = sum(not r["feedback"].strip() for r in rows)
    non_answers = sum(f in NHS_NON_ANSWERS for f in folded)  # 1,064 ("Nothing" 617 of them)
    by_reason = result.exclusions["reason"].value_counts().to_dict()
    assert by_reason.get("blank", 0) == blank
    assert by_reason["non_answer"] == non_answers
    assert len(result.comments) == 10_334 - blank - non_answers
    assert result.cleaning["non_answer"] == non_answers
    # "Nothing" alone is by far the most common; none of the excluded details quotes more than that.
    assert sum(r["feedback"].strip() == "Nothing" for r in rows) <= non_answers
    assert result.exclusions["detail"].str.len().max() < 60
    # Answers that start like a non-answer are kept.
    kept = set(result.comments["text"])
    starts = [r["feedback"].strip() for r in rows if r["feedback"].strip().lower().startswith("nothing,")]
    assert all(t in kept for t in starts)


@pytest.mark.shared
def test_decide_madrid_cleaning_counts_are_the_stages_own():
    # The Consul reader excludes blank comments itself (keeping those that replies hang below), so
    # the cleaning stage is given fewer rows than were read and finds no blank left to exclude.
    path = shared_corpus("decide-madrid-2019", "data", "comments.csv")
    result = read(path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    parent = {row["id"]: row["parentId"] for row in rows}
    needed = set()  # every ancestor of a comment with text
    for row in rows:
        if row["text"].strip():
            p = parent[row["id"]]
            while p in parent and p not in needed:
                needed.add(p)
                p = parent[p]
    blank = {row["id"] for row in rows if not row["text"].strip()}
    assert (len(rows), len(blank), len(blank & needed)) == (5_633, 62, 7)  # SOURCE.txt: 5,633 and 62
    by_reason = result.exclusions["reason"].value_counts().to_dict()
    assert result.records_read == 5_633 and by_reason["blank"] == 62 - 7
    assert result.cleaning["rows_from_reader"] == 5_633 - 55
    assert result.cleaning["blank"] == 0  # the 7 blank thread anchors are kept, not excluded
    assert result.cleaning["kept_as_thread_anchor"] == 7
    assert result.cleaning["rows_kept"] == len(result.comments)
