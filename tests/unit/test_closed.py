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
    # negated answers sit on the negative side (a review found "Not very likely" ordered first)
    (["Not very likely", "Very likely", "Not at all likely", "Fairly likely", "Don't know"],
     ["Very likely", "Fairly likely", "Not very likely", "Not at all likely", "Don't know"]),
    (["Not satisfied", "Very satisfied", "Very dissatisfied", "Satisfied"],
     ["Very satisfied", "Satisfied", "Not satisfied", "Very dissatisfied"]),
    (["Very dissatisfied", "Fairly satisfied", "Very satisfied", "Neither satisfied nor dissatisfied",
      "Fairly dissatisfied"],
     ["Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied", "Fairly dissatisfied",
      "Very dissatisfied"]),
    # comparative and rating scales (an audit's "more/less likely" question read 75% "likely": "less
    # likely" counted as likely and "No difference" as no; "Excellent" and "Fair" were on no side)
    (["Much less likely", "More likely", "No difference", "Less likely", "Much more likely", "Don't know"],
     ["Much more likely", "More likely", "No difference", "Less likely", "Much less likely", "Don't know"]),
    (["Very good", "Good", "Poor", "Very poor", "Fair", "Don't know", "Excellent"],
     ["Excellent", "Very good", "Good", "Fair", "Poor", "Very poor", "Don't know"]),
    (["A little worse", "Much better", "Stayed the same", "A little better", "Much worse"],
     ["Much better", "A little better", "Stayed the same", "A little worse", "Much worse"]),
    (["Fair", "Neither fair nor unfair", "Very fair", "Unfair", "Very unfair"],
     ["Very fair", "Fair", "Neither fair nor unfair", "Unfair", "Very unfair"]),
])
def test_answers_follow_their_scale(answers, expected):
    assert answer_order(answers) == expected


def test_answers_on_no_scale_go_by_count_then_name():
    assert answer_order(["Bus", "Car", "Walk"], counts={"Car": 4, "Walk": 4, "Bus": 9}) == ["Bus", "Car", "Walk"]


@pytest.mark.parametrize("answer, side", [
    ("Agree", 1), ("DISAGREE", -1), ("No opinion", 0), ("Not sure", None), ("Don\u2019t know", None),
    ("Other (please specify)", None), ("No, not at all", -1), ("Yes, with exceptions", 1), ("Not for me", None),
    ("Not likely", -1), ("Not satisfied", -1), ("Do not agree", -1), ("I don't support it", -1),
    ("Not at all likely", -1), ("No preference", 0), ("No strong views", 0), ("Prefer not to say", None),
    ("Much less likely", -1), ("Less important", -1), ("No difference", 0), ("Fair", 0), ("Fairly satisfied", 1),
    ("Average", 0), ("Excellent", 1),
    # "fair" and "average" are the middle only on their own (a review: "Very fair" and "Below average" were 0)
    ("Very fair", 1), ("Not fair", -1), ("Unfair", -1), ("Below average", -1), ("Above average", 1),
])
def test_sides(answer, side):
    assert answer_side(answer) == side


def test_fair_is_the_middle_only_of_a_scale_without_one():
    assert answer_side("Fair", ["Good", "Fair", "Poor"]) == 0
    assert answer_side("Fair", ["Very fair", "Fair", "Neither fair nor unfair", "Unfair"]) == 1


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


def test_skipped_questions_are_not_answers():
    # Citizen Space and others write "Not Answered" in a skipped question's cell: 3 answered, not 6
    r = pd.DataFrame({"respondent_id": list("abcdef"),
                      "q": ["Yes", "Not Answered", "No", "Yes", "-", "not answered"]})
    t = closed_answers(r, "q")
    assert t["answer"].tolist()[:-1] == ["Yes", "No"] and t["respondents"].tolist() == [2, 1, 3]
    assert t["share"].tolist()[:-1] == pytest.approx([2 / 3, 1 / 3])


def test_typed_in_answers_given_once_are_counted_together():
    # a closed question whose "Other" box was typed into: 15 distinct typed answers would each be a row
    answers = ["Agree"] * 6 + ["Disagree"] * 4 + ["Other: buses"] * 2 + [f"Other: reason {i}" for i in range(15)]
    r = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(len(answers))], "q": answers})
    t = closed_answers(r, "q", in_campaigns=["r20", "r21", "r0"])
    assert t["answer"].tolist()[:-1] == ["Agree", "Disagree", "Other: buses", "Other answers, each given once (15)"]
    assert t["respondents"].tolist() == [6, 4, 2, 15, 0]
    assert t["in_campaigns"].tolist() == [1, 0, 0, 2, 0]  # r0 agreed; r20 and r21 typed reasons 8 and 9
    assert side_counts(t) == {1: 6, 0: 0, -1: 4, None: 17}


def test_scale_words():
    assert scale_words(["Tend to agree", "Disagree"]) == ("agreed", "disagreed")
    assert scale_words(["Much more likely", "Less likely"]) == ("said more likely", "said less likely")
    assert scale_words(["Yes", "Not sure", "No"]) == ("said yes", "said no")


def _respondents(counts: dict[str, int]) -> pd.DataFrame:
    answers = [a for a, k in counts.items() for _ in range(k)]
    return pd.DataFrame({"respondent_id": [f"r{i}" for i in range(len(answers))], "q": answers})


def test_the_briefing_sentence_puts_negated_answers_on_their_side():
    from helpers.briefing import _closed_sentence

    # a review: "Not satisfied" counted as satisfied, so 60 dissatisfied people read as "90% were satisfied"
    table = closed_answers(_respondents({"Very satisfied": 20, "Satisfied": 10, "Not satisfied": 60,
                                         "Very dissatisfied": 10}), "q")
    assert _closed_sentence("How satisfied are you?", table) == (
        "Asked “How satisfied are you?”, 70% of the 100 who answered were dissatisfied and 30% were satisfied.")
    # few answers: counts, not "3 of 6 of the 6"
    table = closed_answers(_respondents({"Agree": 3, "Disagree": 2, "Don't know": 1}), "q")
    assert _closed_sentence("Do you agree?", table) == (
        "Asked “Do you agree?”, 3 of the 6 who answered agreed and 2 disagreed; 1 gave another answer.")


def test_the_sentence_gives_the_answers_without_the_campaign_senders_too():
    from helpers.briefing import _closed_sentence

    # 60 disagree, 40 agree; the 50 campaign senders are all among those who disagree: the other 50 are
    # 10 against 40
    r = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(100)], "q": ["Disagree"] * 60 + ["Agree"] * 40})
    table = closed_answers(r, "q", in_campaigns=[f"r{i}" for i in range(50)])
    assert _closed_sentence("Do you agree?", table) == (
        "Asked “Do you agree?”, 60% of the 100 who answered disagreed and 40% agreed. 50 of them had sent an "
        "organised campaign’s letter; of the other 50, 20% disagreed and 80% agreed.")


def test_themes_by_side_counts_each_writer_once_per_theme_on_their_side():
    # Newcombe (1998, Table II, example a): 56 of 70 against 48 of 80, difference 0.20 with the hybrid
    # score interval 0.0524 to 0.3339. Built here from respondents: 70 who agreed and wrote (56 of them
    # raising "cost"), 80 who disagreed and wrote (48 raising "cost"); around them, what must not count.
    from helpers.closed import themes_by_side

    resp, comments, assign = [], [], []

    def person(pid, answer, themes_of_answers):
        resp.append({"respondent_id": pid, "q": answer})
        for j, themes in enumerate(themes_of_answers):
            cid = f"{pid}-{j}"
            comments.append({"comment_id": cid, "respondent_id": pid})
            assign.extend([{"comment_id": cid, "theme_id": t} for t in themes] or [{"comment_id": cid, "theme_id": None}])

    for i in range(70):  # "cost" in both answers of some: still one respondent
        person(f"a{i}", "Agree" if i % 2 else "Strongly agree",
               [[1], [1, 2]] if i < 10 else [[1]] if i < 56 else [[2]] if i < 60 else [[]])
    for i in range(80):
        person(f"d{i}", "Tend to disagree" if i % 3 else "Strongly disagree", [[1]] if i < 48 else [[]])
    person("silent", "Agree", [])  # agreed, wrote nothing: not among the 70
    person("middle", "Neither agree nor disagree", [[1]])
    person("unsure", "Don't know", [[1]])
    person("blank", "", [[1]])
    themes = pd.DataFrame({"theme_id": [1, 2], "label": ["cost", "safety"]})
    out = themes_by_side(pd.DataFrame(resp), "q", pd.DataFrame(comments),
                         pd.DataFrame(assign).astype({"theme_id": "Int64"}), themes)
    cost, safety = out.iloc[0], out.iloc[1]
    assert (cost["k_pos"], cost["n_pos"], cost["k_neg"], cost["n_neg"]) == (56, 70, 48, 80)
    assert cost["difference"] == pytest.approx(0.2)
    assert (round(cost["diff_low"], 4), round(cost["diff_high"], 4)) == (0.0524, 0.3339)
    assert (safety["k_pos"], safety["k_neg"]) == (14, 0)  # 10 with both themes and 4 with safety alone
    assert cost["share_pos"] == pytest.approx(0.8) and cost["share_neg"] == pytest.approx(0.6)
    assert out.attrs["words"] == ("agreed", "disagreed")
    assert len(out.attrs["respondents"][1]) == 70 and "silent" not in out.attrs["respondents"][1]
