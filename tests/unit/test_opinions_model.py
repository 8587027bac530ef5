"""OpinionGroups (helpers.opinions.model): projection, scaling, clustering, determinism."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

from helpers.opinions.model import OpinionGroups, first_distinct, group_name, lloyd


def frame(rows, index=None):
    m = pd.DataFrame(rows, dtype=float)
    m.index = index or [str(i) for i in range(len(m))]
    m.columns = [f"s{j}" for j in range(m.shape[1])]
    return m


def test_rank_one_votes_project_to_plus_minus_root_two():
    # Centres are 0; the only direction is (1, 1)/sqrt(2), whose largest loading (the first, on a tie)
    # is made positive; a full voter's scale is sqrt(2/2) = 1. So "agree, agree" sits at x = +sqrt(2).
    m = frame([[1, 1], [-1, -1], [1, 1], [-1, -1]])
    model = OpinionGroups(min_votes=1, n_groups=2).fit(m)
    assert model.components_.loc["pc1"].tolist() == pytest.approx([2 ** -0.5, 2 ** -0.5])
    assert model.projection_["x"].tolist() == pytest.approx([2 ** 0.5, -(2 ** 0.5)] * 2)
    assert model.projection_["y"].tolist() == pytest.approx([0, 0, 0, 0], abs=1e-12)
    assert model.labels_.tolist() == [0, 1, 0, 1]  # equal sizes: the group of the first participant is A


def reference_projection(m: pd.DataFrame) -> np.ndarray:
    """An independent implementation: scikit-learn PCA on the mean-imputed matrix, then Polis's scaling."""
    filled = m.fillna(m.mean())
    pca = PCA(n_components=2, svd_solver="full").fit(filled.to_numpy())
    scale = np.sqrt(m.shape[1] / m.notna().sum(axis=1).to_numpy())
    return pca.transform(filled.to_numpy()) * scale[:, None]


def test_projection_matches_mean_imputed_pca_with_sparse_voter_scaling():
    rng = np.random.default_rng(3)
    votes = rng.choice([-1.0, 0.0, 1.0], size=(40, 12))
    votes[rng.random(votes.shape) < 0.3] = np.nan
    votes[0, 1:] = np.nan  # a participant who voted once: scaled by sqrt(12)
    m = frame(votes.tolist())
    ours = OpinionGroups(min_votes=1).fit(m).projection_[["x", "y"]].to_numpy()
    ref = reference_projection(m)
    for j in range(2):  # equal up to the sign of each component
        assert np.allclose(np.abs(ours[:, j]), np.abs(ref[:, j]), atol=1e-9)
        assert np.allclose(ours[:, j] * np.sign(ours[:, j] @ ref[:, j]), ref[:, j], atol=1e-9)


def test_moderated_out_statements_are_zeroed_and_count_as_seen():
    # s2 is rejected: its votes carry no opinion, but (as in Polis) every participant counts it as seen,
    # so the one-vote participant is scaled by sqrt(3 / 2), not sqrt(3 / 1).
    m = frame([[1, 1, 1], [-1, -1, -1], [1, np.nan, np.nan], [-1, -1, 1]])
    model = OpinionGroups(min_votes=1, n_groups=2).fit(m, exclude=["s2"])
    assert model.components_.loc["pc1", "s2"] == 0.0 and model.center_["s2"] == 0.0
    kept = OpinionGroups(min_votes=1, n_groups=2).fit(m[["s0", "s1"]])
    ratio = model.projection_.loc["2", "x"] / kept.projection_.loc["2", "x"]
    assert ratio == pytest.approx(np.sqrt(3 / 2) / np.sqrt(2 / 1))


def two_camps(n_a=30, n_b=20, n_statements=10, seed=0, sparse=0.2):
    rng = np.random.default_rng(seed)
    stance = np.array([1.0] * (n_statements // 2) + [-1.0] * (n_statements - n_statements // 2))
    rows = []
    for sign, n in ((1, n_a), (-1, n_b)):
        block = np.tile(sign * stance, (n, 1))
        flip = rng.random(block.shape) < 0.1
        block[flip] = -block[flip]
        block[rng.random(block.shape) < sparse] = np.nan
        rows.append(block)
    return frame(np.vstack(rows).tolist())


def test_two_planted_camps_are_found_largest_first():
    m = two_camps()
    model = OpinionGroups().fit(m)
    assert model.n_groups_ == 2
    clustered = model.projection_["clustered"]
    truth = np.array([0] * 30 + [1] * 20)[clustered.to_numpy()]
    assert model.labels_[clustered].astype(int).tolist() == truth.tolist()
    assert model.k_scores_["chosen"].sum() == 1


def test_participants_with_few_votes_are_counted_but_not_grouped():
    m = two_camps()
    m.iloc[0, 2:] = np.nan  # 2 votes
    model = OpinionGroups().fit(m)
    assert not model.projection_.loc["0", "clustered"] and pd.isna(model.labels_["0"])
    assert len(model.projection_) == 50  # still on the map


def test_same_data_same_groups_and_signs():
    m = two_camps(seed=5)
    a, b = OpinionGroups(random_state=1).fit(m), OpinionGroups(random_state=1).fit(m)
    pd.testing.assert_frame_equal(a.projection_, b.projection_)
    shuffled = m.sample(frac=1.0, random_state=0)  # row order does not flip the map
    c = OpinionGroups(random_state=1).fit(shuffled)
    assert np.allclose(c.projection_.loc[m.index, "x"], a.projection_["x"])


def test_fixed_number_of_groups():
    model = OpinionGroups(n_groups=3).fit(two_camps())
    assert model.n_groups_ == 3 and model.k_scores_["n_groups"].tolist() == [3]


def test_lloyd_and_first_distinct_start():
    pts = np.array([[0.0, 0], [0, 0], [1, 0], [9, 0], [10, 0]])
    assert first_distinct(pts, 2).tolist() == [[0, 0], [1, 0]]
    labels, centres = lloyd(pts, first_distinct(pts, 2))
    assert labels.tolist() == [0, 0, 0, 1, 1]
    assert np.allclose(centres, [[1 / 3, 0], [9.5, 0]])


def test_group_names():
    assert [group_name(i) for i in (0, 1, 25, 26)] == ["A", "B", "Z", "G27"]


def test_vote_counts_leave_out_statements_the_moderator_rejected():
    # 4 people; s0 and s1 kept, s2 rejected. Votes on kept statements: 4 + 3 = 7; on s2: 2. A repeated
    # vote (p0 on s0, changed from agree to disagree) counts once.
    from helpers.opinions import analyse

    rows = [("p0", "s0", 1), ("p0", "s0", -1), ("p1", "s0", 1), ("p2", "s0", -1), ("p3", "s0", 0),
            ("p0", "s1", 1), ("p1", "s1", -1), ("p2", "s1", 1),
            ("p0", "s2", 1), ("p3", "s2", -1)]
    votes = pd.DataFrame(rows, columns=["voter_id", "comment_id", "vote"])
    votes["created_at"] = pd.date_range("2024-01-01", periods=len(votes), freq="min", tz="UTC")
    notes = analyse(votes, exclude=["s2"], min_votes=1, n_groups=2).notes
    assert (notes["n_statements"], notes["n_statements_excluded"]) == (2, 1)
    assert (notes["n_votes"], notes["n_votes_excluded"]) == (7, 2)
