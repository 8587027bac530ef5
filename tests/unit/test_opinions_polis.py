"""Our opinion groups against Polis's own, on every shared Polis conversation with both vote files.

Polis's ``group-id`` (participants-votes.csv) is the reference; the adjusted Rand index (ARI) is computed
over the participants Polis clustered. The issue's target is a median ARI of at least 0.90; what this
implementation reaches is asserted as a floor below, and the 0.90 target is kept as a strict expected
failure so that reaching it is noticed. Every conversation below 0.6 must carry an explanation.
"""

import pytest

from helpers.opinions.polis import comparable_conversations, compare_all, partition_fit, polis_consensus
from tests.conftest import shared_corpus

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def table():
    root = shared_corpus("polis-opendata")
    return compare_all(root)


def test_every_conversation_with_both_vote_files_is_compared(table):
    root = shared_corpus("polis-opendata")
    names = [p.name for p in comparable_conversations(root)]
    # SOURCE.txt: 20 conversations; votes.csv is missing for 6 and participants-votes.csv for 3 of those.
    assert len(names) == 14 and "brexit-consensus" in names and "vtaiwan.uberx" in names
    assert table["conversation"].tolist() == names


def test_median_agreement_with_polis_groups(table):
    assert table["ari"].median() >= 0.74
    assert table["ari_own_filter"].median() >= 0.78


@pytest.mark.xfail(strict=True, reason="the issue's target (median ARI 0.90) is not reached yet: see bench/opinions.py")
def test_issue_target_median_ari_090(table):
    assert table["ari"].median() >= 0.90


def test_consensus_overlap_with_polis_groups(table):
    assert table["consensus_overlap"].median() >= 4


def test_every_low_agreement_is_explained(table):
    low = table[table["ari"] < 0.6]
    assert (low["explanation"].str.len() > 0).all()
    assert (table.loc[table["ari"] >= 0.6, "explanation"] == "").all()


def test_brexit_groups_match_polis_summary(table):
    row = table.set_index("conversation").loc["brexit-consensus"]
    # summary.csv: voters 204, groups 2; participants-votes.csv: 197 with a group-id.
    assert (row["participants"], row["polis_clustered"], row["polis_groups"]) == (204, 197, 2)
    assert row["our_groups"] == 2 and row["ari"] >= 0.8


def test_polis_consensus_is_computed_from_the_export():
    from helpers.opinions.polis import load_export

    export = load_export(shared_corpus("polis-opendata", "brexit-consensus"))
    top = polis_consensus(export, top=5)
    assert len(top) == 5 and not set(top) & export.moderated_out


def test_partition_fit_flags_labels_made_from_other_data():
    import numpy as np

    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(3, 0.1, (20, 2))])
    assert partition_fit(pts, np.array([0] * 20 + [1] * 20)) == pytest.approx(1.0)
    assert partition_fit(pts, np.array([0, 1] * 20)) > 10


def test_polis_start_groups_reads_participants_in_the_order_of_the_votes_file():
    import pandas as pd

    from helpers.opinions.polis import PolisExport, polis_start_groups

    # votes.csv lists votes by statement, then participant: participant 10 votes first, so Polis puts
    # them in row 0, whatever the numeric order of the ids.
    rows = [(s, p, v) for s in "abcdefg" for p, v in (("10", 1), ("2", -1), ("7", 1), ("3", -1))]
    votes = pd.DataFrame(rows, columns=["comment_id", "voter_id", "vote"])
    votes["source_row"] = range(2, len(votes) + 2)
    export = PolisExport("x", votes, set(), pd.Series(dtype="Int64"), pd.DataFrame())
    groups = polis_start_groups(export, n_groups=2)
    assert groups.index.tolist() == ["10", "2", "7", "3"]
    # two opposite camps: 10 and 7 together, 2 and 3 together
    assert groups["10"] == groups["7"] != groups["2"] == groups["3"]


def test_low_agreement_explanations_by_cause():
    from helpers.opinions.polis import explain

    row = {"ari": 0.2, "polis_fit": 1.0, "polis_groups": 2, "our_groups": 2, "ari_polis_start": 0.95}
    assert "Polis's own start" in explain(row) and "0.95" in explain(row)
    assert "not a k-means partition" in explain({**row, "polis_fit": 1.5})
    assert "different number of groups (3 here, 2 on Polis)" in explain({**row, "ari_polis_start": 0.3,
                                                                          "our_groups": 3})
    assert "previous update's clusters" in explain({**row, "ari_polis_start": 0.3})
    assert explain({**row, "ari": 0.6}) == ""
