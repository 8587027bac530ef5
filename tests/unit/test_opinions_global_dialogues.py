"""Global Dialogues votes on free-text answers: the reader (helpers.ingest.global_dialogues) and the
per-question analysis (helpers.opinions.global_dialogues)."""

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.ingest import detect_format, read
from helpers.opinions.global_dialogues import answer_support, by_question, read_global_dialogues
from tests.conftest import shared_corpus

HEADER_ANSWERS = '"Question ID","Question Text","Participant ID","Thought ID","Thought Text"\n'
HEADER_VOTES = '"Question ID","Participant ID","Thought ID","Vote","Timestamp"\n'


def write(folder, answers, votes, name="GDX"):
    (folder / f"{name}_verbatim_map.csv").write_text(HEADER_ANSWERS + answers, encoding="utf-8")
    (folder / f"{name}_binary.csv").write_text(HEADER_VOTES + votes, encoding="utf-8")


def test_votes_are_mapped_and_split_by_question(tmp_path):
    write(tmp_path, '"q1","Why?","p1","t1","Because of the buses"\n"q2","How?","p2","t2","Like so, with care"\n',
          '"q1","p2","t1","Agree","x"\n"q1","p3","t1","Disagree","x"\n"q2","p1","t2","Neutral","x"\n')
    comments, votes = read_global_dialogues(tmp_path)
    assert votes["vote"].tolist() == [1, -1, 0]
    assert comments.set_index("comment_id").loc["t2", "question_id"] == "How?"
    summary, results = by_question(comments, votes)
    assert summary[["question_id", "answers", "voters", "votes", "top_answer", "top_answer_agree",
                    "top_answer_seen"]].values.tolist() == [["How?", 1, 1, 1, "t2", 0, 1],
                                                            ["Why?", 1, 2, 2, "t1", 1, 2]]
    assert set(results) == {"Why?", "How?"}


def test_answer_support_ranks_by_pseudocounted_agreement():
    # 40 of 45 agree: (41/47) = 0.872 beats 2 of 2: (3/4) = 0.75, which beats 3 of 4: 4/6 = 0.667
    votes = pd.DataFrame({"comment_id": ["big"] * 45 + ["two"] * 2 + ["four"] * 4,
                          "vote": [1] * 40 + [-1] * 5 + [1, 1] + [1, 1, 1, 0]})
    got = answer_support(votes)
    assert got["comment_id"].tolist() == ["big", "two", "four"]
    assert got[["seen", "agree", "disagree", "neutral"]].values.tolist() == [[45, 40, 5, 0], [2, 2, 0, 0],
                                                                             [4, 3, 0, 1]]


def test_reader_lines_exclusions_and_notes(tmp_path):
    # an answer over two lines, a blank answer, a repeated thought id, a vote on an unknown thought
    write(tmp_path, '"q1","Why?","p1","t1","Line one\nline two"\n"q1","Why?","p2","t2"," "\n'
                    '"q1","Why?","p3","t1","Again"\n"q1","Why?","p4","t3","Third answer here"\n',
          '"q1","p2","t1","Agree","August 27, 2025 at 8:28 AM (GMT)"\n"q1","p2","t9","Agree","soon"\n')
    r = read(tmp_path)
    assert r.format == "global-dialogues" and detect_format(tmp_path / "GDX_verbatim_map.csv") == "global-dialogues"
    assert r.records_read == 4
    assert r.comments[["comment_id", "source_row", "respondent_id"]].values.tolist() == [["t1", 2, "p1"],
                                                                                        ["t3", 6, "p4"]]
    assert r.exclusions[["record_id", "source_row", "reason"]].values.tolist() == [["t2", 4, "blank"],
                                                                                  ["t1", 5, "duplicate_record"]]
    assert r.votes["source_row"].tolist() == [2, 3]
    assert str(r.votes["created_at"].iloc[0]) == "2025-08-27 08:28:00+00:00" and pd.isna(r.votes["created_at"].iloc[1])
    assert r.notes == ["1 votes are on thoughts the verbatim map does not hold; they stay in the votes table"]


def test_unknown_vote_is_an_input_error_naming_the_line(tmp_path):
    write(tmp_path, '"q1","Why?","p1","t1","Because"\n', '"q1","p2","t1","Agree","x"\n"q1","p2","t1","Maybe","x"\n')
    with pytest.raises(InputError, match=r"GDX_binary.csv: row 3: vote 'Maybe' is not Agree"):
        read_global_dialogues(tmp_path)


def test_a_folder_with_two_rounds_must_be_named(tmp_path):
    write(tmp_path, '"q1","Why?","p1","t1","Because"\n', "", name="GD1")
    write(tmp_path, '"q1","Why?","p1","t1","Because"\n', "", name="GD2")
    with pytest.raises(InputError, match="exactly one"):
        read_global_dialogues(tmp_path)
    assert len(read_global_dialogues(tmp_path, round_name="GD2")[0]) == 1


@pytest.mark.shared
def test_gd6_three_questions():
    folder = shared_corpus("global-dialogues-gd6")
    result = read(folder)
    # SOURCE.txt: GD6 3,069 answers to 3 questions; 15,309 votes (12,796 agree, 2,512 disagree, 1 neutral).
    assert result.records_read == 3069 and result.comments["question_id"].nunique() == 3
    comments, votes = result.comments, result.votes
    assert len(votes) == 15309
    assert votes["vote"].value_counts().to_dict() == {1: 12796, -1: 2512, 0: 1}
    summary, _ = by_question(comments, votes)
    # votes on the answers cleaning excluded (non-answers) belong to no question
    on_excluded = int(votes["comment_id"].isin(set(result.exclusions["record_id"])).sum())
    assert summary["votes"].sum() + on_excluded == 15309 and len(summary) == 3
    assert (summary["median_votes_per_voter"] == 5).all()  # each person votes on about five answers


def _round(folder):
    """Two questions; q1: t1 agreed by 3 of 3, t2 by 1 of 2 (one disagree), t3 by 0 of 1 (neutral);
    q2: t4 agreed by 1 of 2, t5 by 2 of 2. Voter v1 votes 3 times on q1 and once on q2."""
    answers = ('"q1","Why walk?","a1","t1","Walking keeps the town centre alive"\n'
               '"q1","Why walk?","a2","t2","Buses are too slow for short trips"\n'
               '"q1","Why walk?","a3","t3","It is cheaper than parking in town"\n'
               '"q2","What stops you?","a1","t4","Broken pavements on the high street"\n'
               '"q2","What stops you?","a2","t5","No crossings near the primary school"\n')
    votes = ('"q1","v1","t1","Agree","x"\n"q1","v2","t1","Agree","x"\n"q1","v3","t1","Agree","x"\n'
             '"q1","v1","t2","Agree","x"\n"q1","v2","t2","Disagree","x"\n"q1","v1","t3","Neutral","x"\n'
             '"q2","v1","t4","Agree","x"\n"q2","v3","t4","Disagree","x"\n'
             '"q2","v2","t5","Agree","x"\n"q2","v3","t5","Agree","x"\n')
    write(folder, answers, votes)
    run = folder / "run"
    from helpers import stages

    stages.ingest(run, source=str(folder), format="global-dialogues")
    return run


def test_stage_analyses_each_question_on_its_own(tmp_path):
    from helpers import stages

    run = _round(tmp_path)
    result, statements, notes = stages.opinions(run)
    assert result is None and notes["per_question"] and notes["n_questions"] == 2
    assert (notes["n_participants"], notes["n_votes"], notes["n_statements"]) == (3, 10, 5)
    # votes per (voter, question): v1 3 and 1, v2 2 and 1, v3 1 and 2 -> median of 1,1,1,2,2,3 = 1.5
    assert notes["median_votes_per_question"] == 1.5
    by_q = {q["question_id"]: q for q in notes["by_question"]}
    assert (by_q["Why walk?"]["top_answer"], by_q["Why walk?"]["top_answer_agree"]) == ("t1", 3)
    # q2: t5 (2 of 2: 3/4) before t4 (1 of 2: 2/4)
    assert statements[statements["question_id"] == "What stops you?"]["comment_id"].tolist() == ["t5", "t4"]
    assert statements.loc[statements["comment_id"] == "t5", "text"].item() == "No crossings near the primary school"
    assert not stages.output_path(run, "opinion_groups").is_file()


def test_briefing_lists_the_most_agreed_answers_per_question(tmp_path):
    import html
    import re

    from helpers import briefing, stages

    run = _round(tmp_path)
    stages.overview(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    stages.opinions(run)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", briefing.opinions_section(
        briefing.load_briefing_data(run)))).split())
    assert ("3 people voted 10 times, agreeing or disagreeing with answers other participants gave to 2 questions. "
            "Each person voted on about 1.5 answers to a question, too few") in text
    # Polis groups at least the 15 most active voters when fewer reach min_votes: here all 3
    assert ("Why walk? 3 answers; 3 people cast 6 votes on 3 of them. 3 of them voted on enough answers to be "
            "grouped, into 2 opinion groups. Most agreed: “Walking keeps the town centre alive” (answer t1): agreed "
            "by 3 of the 3 who voted on it. “Buses are too slow for short trips” (answer t2): agreed by 1 of the 2 "
            "who voted on it.") in text
    assert "“No crossings near the primary school” (answer t5): agreed by 2 of the 2 who voted on it." in text
    summary = html.unescape(re.sub(r"<[^>]+>", " ", briefing.summary_section(briefing.load_briefing_data(run))))
    assert "3 people also voted 10 times on each other’s answers" in " ".join(summary.split())


def test_notebook_runs_per_question(tmp_path):
    import nbformat
    import papermill

    from helpers import paths

    run = _round(tmp_path)
    out = tmp_path / "06.ipynb"
    papermill.execute_notebook(str(paths.notebooks_dir() / "06_opinion_groups.ipynb"), str(out),
                               parameters={"corpus": "gdx", "run_dir": str(run)}, progress_bar=False)
    shown = "".join(str(o.get("data", {}).get("text/plain", "")) for c in nbformat.read(out, as_version=4).cells
                    if c.cell_type == "code" for o in c.outputs)
    assert "each question is analysed on its own" in shown and "What stops you?" in shown
    assert "No votes in this corpus" not in shown
