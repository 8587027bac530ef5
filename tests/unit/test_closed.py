"""Closed questions of a consultation (helpers.closed): scale order, sides, counts per respondent."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.closed import answer_order, answer_side, closed_answers, scale_words, side_counts


@pytest.mark.parametrize("answers, expected", [
    # the UK government's usual five-point scale with "Tend to", and a "Don't know"
    (["Tend to disagree", "Strongly agree", "Don't know", "Tend to agree", "Neither agree nor disagree",
      "Strongly disagree"],
     ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree", "Strongly disagree",
      "Don't know"]),
    (["Oppose", "Strongly support", "Support", "Strongly oppose", "Neutral"],
     ["Strongly support", "Support", "Neutral", "Oppose", "Strongly oppose"]),
    (["Not sure", "No", "Yes"], ["Yes", "No", "Not sure"]),
    (["Very dissatisfied", "Fairly satisfied", "Very satisfied", "Neither satisfied nor dissatisfied",
      "Fairly dissatisfied"],
     ["Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied", "Fairly dissatisfied",
      "Very dissatisfied"]),
])
def test_answers_follow_their_scale(answers, expected):
    assert answer_order(answers) == expected


def test_answers_on_no_scale_go_by_count_then_name():
    assert answer_order(["Bus", "Car", "Walk"], counts={"Car": 4, "Walk": 4, "Bus": 9}) == ["Bus", "Car", "Walk"]


@pytest.mark.parametrize("answer, side", [
    ("Agree", 1), ("DISAGREE", -1), ("No opinion", 0), ("Not sure", None), ("Don\u2019t know", None),
    ("Other (please specify)", None), ("No, not at all", -1), ("Yes, with exceptions", 1), ("Not for me", None),
])
def test_sides(answer, side):
    assert answer_side(answer) == side


def test_counts_once_per_respondent_with_campaign_senders():
    r = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(10)],
                      "q": ["Agree", "Agree", "Disagree", " Strongly disagree ", "Strongly disagree", "Strongly disagree",
                            "", None, "Don't know", "Agree"]})
    t = closed_answers(r, "q", in_campaigns=["r3", "r4", "r7", "zz"])
    # 8 answered (a blank cell is no answer): 3 agree, 1 disagree, 3 strongly disagree, 1 don't know
    assert t["answer"].tolist()[:-1] == ["Agree", "Disagree", "Strongly disagree", "Don't know"]
    assert pd.isna(t["answer"].iloc[-1])
    assert t["respondents"].tolist() == [3, 1, 3, 1, 2]
    assert t["share"].tolist()[:-1] == pytest.approx([3 / 8, 1 / 8, 3 / 8, 1 / 8])
    assert t["in_campaigns"].tolist() == [0, 0, 2, 0, 1]  # r3 and r4 strongly disagree; r7 did not answer
    assert side_counts(t) == {1: 3, 0: 0, -1: 4, None: 1}


def test_scale_words():
    assert scale_words(["Tend to agree", "Disagree"]) == ("agreed", "disagreed")
    assert scale_words(["Yes", "Not sure", "No"]) == ("said yes", "said no")
