"""Representative, consensus and divisive statements (helpers.opinions.statements), worked by hand."""

import numpy as np
import pandas as pd
import pytest

from helpers.opinions.statements import (
    Z90,
    consensus_statements,
    divisive_statements,
    group_statement_stats,
    overall_statements,
    prop_test,
    representative_statements,
    two_prop_test,
)


@pytest.mark.parametrize("succ, n, expected", [
    (8, 10, 2.11058),  # 2 * sqrt(11) * (9/11 - 1/2)
    (0, 0, 1.0),  # 2 * sqrt(1) * (1/1 - 1/2)
    (5, 10, 2 * np.sqrt(11) * (6 / 11 - 0.5)),  # 0.30151
])
def test_prop_test(succ, n, expected):
    assert float(prop_test(succ, n)) == pytest.approx(expected, abs=1e-5)


def test_two_prop_test_by_hand():
    # 9 of 10 in the group, 1 of 10 outside: (10/11 - 2/11) / sqrt(12/22 * 10/22 * (1/11 + 1/11)) = 3.4254
    assert float(two_prop_test(9, 1, 10, 10)) == pytest.approx(3.42540, abs=1e-4)
    assert float(two_prop_test(5, 5, 5, 5)) == 0.0  # pooled proportion 1: Polis returns 0


def small():
    """Two groups of 4. s1: A agrees, B disagrees. s2: everyone agrees. s3: A passes, B mixed."""
    m = pd.DataFrame({
        "s1": [1, 1, 1, 1, -1, -1, -1, -1],
        "s2": [1, 1, 1, 1, 1, 1, 1, np.nan],
        "s3": [0, 0, np.nan, np.nan, 1, -1, 1, 0],
        "s4": [1, 1, 1, 1, 1, 1, 1, 1],
    }, index=list("abcdefgh"), dtype=float)
    groups = pd.Series([0, 0, 0, 0, 1, 1, 1, 1], index=m.index)
    return m, groups


def test_counts_and_pseudocount_proportions():
    m, g = small()
    st = group_statement_stats(m, g, exclude=["s4"]).set_index(["group", "comment_id"])
    assert "s4" not in st.index.get_level_values("comment_id")  # rejected statements are left out
    a1 = st.loc[(0, "s1")]
    assert (a1["n_agree"], a1["n_disagree"], a1["n_seen"]) == (4, 0, 4)
    assert a1["p_agree"] == pytest.approx(5 / 6)
    assert a1["r_agree"] == pytest.approx((5 / 6) / (1 / 6))  # outside: (0 + 1) / (4 + 2)
    b3 = st.loc[(1, "s3")]
    assert (b3["n_agree"], b3["n_disagree"], b3["n_pass"], b3["n_seen"]) == (2, 1, 1, 4)
    assert (b3["n_agree_rest"], b3["n_seen_rest"]) == (0, 2)
    b2 = st.loc[(1, "s2")]
    assert b2["n_seen"] == 3  # the missing vote is not a pass


def test_representative_statements_follow_polis():
    m, g = small()
    rep = representative_statements(group_statement_stats(m, g))
    a = rep[rep["group"] == 0]
    b = rep[rep["group"] == 1]
    # A: s1 agree (z_agree = 2*sqrt(5)*(5/5 - 0.5) = 2.236 > 1.2816; two-prop z > 1.2816).
    assert a.iloc[0][["comment_id", "repful_for"]].tolist() == ["s1", "agree"]
    assert a.iloc[0]["z"] > Z90 and a.iloc[0]["passes_test"]
    # B: s1 disagree passes; its best agreed statement (s2 or s4, agreed by all) comes first, as in Polis.
    assert b["repful_for"].tolist()[0] == "agree"
    assert ("s1", "disagree") in list(zip(b["comment_id"], b["repful_for"], strict=True))


def test_group_aware_consensus_by_hand():
    m, g = small()
    cons = consensus_statements(group_statement_stats(m, g), top=4)
    # s4: (4+1)/(4+2) in both groups = 25/36; s2: 5/6 * (3+1)/(3+2) = 2/3; s1: 5/6 * 1/6 = 5/36;
    # s3: (0+1)/(2+2) * (2+1)/(4+2) = 1/8.
    assert cons["comment_id"].tolist() == ["s4", "s2", "s1", "s3"]
    assert cons["consensus"].tolist() == pytest.approx([25 / 36, 2 / 3, 5 / 36, 1 / 8])
    assert cons.loc[0, "min_share"] == 1.0 and cons.loc[2, "min_share"] == 0.0


def test_divisive_statements_by_hand():
    m, g = small()
    div = divisive_statements(group_statement_stats(m, g), min_seen=2)
    first = div.iloc[0]
    assert first["comment_id"] == "s1" and first["gap"] == pytest.approx(5 / 6 - 1 / 6)
    assert (first["most_agree"], first["least_agree"]) == (0, 1)
    assert (first["share_most"], first["share_least"]) == (1.0, 0.0)
    assert "s3" not in divisive_statements(group_statement_stats(m, g), min_seen=3)["comment_id"].tolist()


def test_majority_and_uncertain_lists_by_hand():
    # 25 voters. s1: 16 agree, 5 disagree, 4 pass (16/25 = 64% agree: majority). s2: 15 disagree, 10 pass
    # (60% disagree, exactly the bar: majority; 10/25 = 40% passed: uncertain). s3: 10 agree, 8 disagree,
    # 7 pass (28% passed: in neither). s4: everyone agrees but only 19 voted (fewer than 20: in neither).
    # s5: 24 agree, but the moderator rejected it.
    cols = {
        "s1": [1] * 16 + [-1] * 5 + [0] * 4,
        "s2": [-1] * 15 + [0] * 10,
        "s3": [1] * 10 + [-1] * 8 + [0] * 7,
        "s4": [1] * 19 + [np.nan] * 6,
        "s5": [1] * 24 + [0],
    }
    m = pd.DataFrame(cols, index=[f"p{i}" for i in range(25)], dtype=float)
    out = overall_statements(m, exclude={"s5"})
    rows = out[["list", "rank", "comment_id", "direction", "n_agree", "n_disagree", "n_pass", "n_seen"]]
    assert rows.values.tolist() == [
        ["majority", 1, "s1", "agree", 16, 5, 4, 25],
        ["majority", 2, "s2", "disagree", 0, 15, 10, 25],
        ["uncertain", 1, "s2", None, 0, 15, 10, 25],
    ]
    assert out["share"].tolist() == [0.64, 0.6, 0.4]
    # with a lower bar on votes, s4 (19 of 19 agree) comes first
    assert overall_statements(m, exclude={"s5"}, min_seen=19)["comment_id"].tolist()[:1] == ["s4"]
