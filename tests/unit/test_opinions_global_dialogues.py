"""Global Dialogues votes on free-text answers, per question (helpers.opinions.global_dialogues)."""

import pytest

from helpers.errors import InputError
from helpers.opinions.global_dialogues import by_question, read_global_dialogues
from tests.conftest import shared_corpus

HEADER_ANSWERS = '"Question ID","Question Text","Participant ID","Thought ID","Thought Text"\n'
HEADER_VOTES = '"Question ID","Participant ID","Thought ID","Vote","Timestamp"\n'


def write(folder, answers, votes):
    (folder / "GDX_verbatim_map.csv").write_text(HEADER_ANSWERS + answers, encoding="utf-8")
    (folder / "GDX_binary.csv").write_text(HEADER_VOTES + votes, encoding="utf-8")


def test_votes_are_mapped_and_split_by_question(tmp_path):
    write(tmp_path, '"q1","Why?","p1","t1","Because"\n"q2","How?","p2","t2","Like so"\n',
          '"q1","p2","t1","Agree","x"\n"q1","p3","t1","Disagree","x"\n"q2","p1","t2","Neutral","x"\n')
    comments, votes = read_global_dialogues(tmp_path)
    assert votes["vote"].tolist() == [1, -1, 0]
    assert comments.set_index("comment_id").loc["t2", "question"] == "How?"
    summary, results = by_question(comments, votes)
    assert summary[["question_id", "answers", "voters", "votes"]].values.tolist() == [["q1", 1, 2, 2],
                                                                                       ["q2", 1, 1, 1]]
    assert set(results) == {"q1", "q2"}


def test_unknown_vote_is_an_input_error(tmp_path):
    write(tmp_path, '"q1","Why?","p1","t1","Because"\n', '"q1","p2","t1","Maybe","x"\n')
    with pytest.raises(InputError, match="'Maybe' is not Agree"):
        read_global_dialogues(tmp_path)


@pytest.mark.shared
def test_gd6_three_questions():
    folder = shared_corpus("global-dialogues-gd6")
    comments, votes = read_global_dialogues(folder, round_name="GD6")
    # SOURCE.txt: GD6 3,069 answers to 3 questions; 15,309 votes (12,796 agree, 2,512 disagree, 1 neutral).
    assert len(comments) == 3069 and comments["question_id"].nunique() == 3
    assert len(votes) == 15309
    assert votes["vote"].value_counts().to_dict() == {1: 12796, -1: 2512, 0: 1}
    summary, _ = by_question(comments, votes)
    assert summary["votes"].sum() == 15309 and len(summary) == 3
    assert (summary["median_votes_per_voter"] == 5).all()  # each person votes on about five answers
