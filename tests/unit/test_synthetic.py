"""The synthetic-campaign generator (bench/synthetic.py): seeded, and its ground truth agrees with its text."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from bench.synthetic import (
    EDIT_RATES,
    PLACEHOLDERS,
    TEMPLATES,
    campaign_sizes,
    generate,
    generate_campaigns,
    read_fcc_templates,
    reply_parents,
)
from helpers.ingest.regulationsgov import placeholder_mask
from tests.conftest import shared_corpus

NO_EDITS = dict.fromkeys(EDIT_RATES, 0.0)


@pytest.fixture(scope="module")
def planted():
    return generate_campaigns(6000, seed=11)


def shingles(text: str, k: int = 3) -> set[str]:
    """Word 3-grams after undoing what the generator's noise does (entities, case, punctuation)."""
    text = html.unescape(html.unescape(text)).lower().replace("\u2019", "'").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def template_shingles(template: str) -> set[str]:
    """The template's 3-grams, spins at every option and mail-merge slots dropped."""
    options = re.sub(r"\[([^\]]*)\]", lambda m: " ".join(m.group(1).split("|")), template)
    return shingles(re.sub(r"\{\w+\}", " ", options))


def test_generate_still_works_as_before():
    a = generate(50, seed=3)
    assert a.columns.tolist() == ["id", "text", "created_at", "planted_theme"]
    pd.testing.assert_frame_equal(a, generate(50, seed=3))


def test_same_seed_same_corpus_and_truth(planted):
    again = generate_campaigns(6000, seed=11)
    for mine, theirs in zip(planted, again, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    other = generate_campaigns(6000, seed=12)
    assert not planted.comments["text"].equals(other.comments["text"])


def test_shapes_counts_and_kinds(planted):
    comments, truth, campaigns = planted
    assert comments.columns.tolist()[:3] == ["id", "text", "created_at"]
    assert len(comments) == len(truth) == 6000
    assert comments["id"].is_unique and comments["id"].str.fullmatch(r"s\d{7}").all()
    assert (truth["id"] == comments["id"]).all()
    # 30% campaign copies and 2% placeholders of 6000: 1800 and 120
    assert truth["kind"].value_counts().to_dict() == {"organic": 4080, "campaign": 1800, "placeholder": 120}
    assert truth["campaign"].notna().sum() == 1800
    assert ((truth["kind"] == "campaign").to_numpy(bool) == truth["campaign"].notna().to_numpy()).all()
    assert campaigns["campaign"].tolist() == list(TEMPLATES)
    counted = truth["campaign"].value_counts()
    assert counted.reindex(campaigns["campaign"]).tolist() == campaigns["size"].tolist()


def test_sizes_are_skewed_one_big_several_medium_some_small(planted):
    sizes = planted.campaigns["size"].to_numpy()
    assert sizes.sum() == 1800
    big, small = sizes[:6], sizes[6:]
    assert (np.diff(big) <= 0).all()  # Zipf part, largest first
    assert big[0] > 0.4 * sizes.sum()  # the first holds over 40% of all copies
    assert ((small >= 3) & (small <= 20)).all()
    assert campaign_sizes(100, 5, rng=np.random.default_rng(0)).min() >= 3
    with pytest.raises(ValueError, match="at least 3"):
        campaign_sizes(10, 4, rng=np.random.default_rng(0))


def test_without_edits_every_copy_is_its_template_mail_merged():
    comments, truth, campaigns = generate_campaigns(1500, seed=2, edit_rates=NO_EDITS)
    for key, template in TEMPLATES.items():
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{(name|place)\\\}", r"[A-Z][A-Za-z ]+", pattern)  # a name or a town
        pattern = re.sub(r"\\\[(.*?)\\\]", lambda m: "(?:" + m.group(1).replace("\\|", "|") + ")", pattern)
        texts = comments.loc[(truth["campaign"] == key).fillna(False).to_numpy(), "text"]
        assert len(texts) >= 3
        assert texts.str.fullmatch(pattern).all(), key
    assert (truth.loc[truth["kind"] == "campaign", "edits"] == "").all()


def test_every_copy_keeps_most_of_its_template_and_is_closest_to_it(planted):
    comments, truth, _ = planted
    own = {key: template_shingles(t) for key, t in TEMPLATES.items()}
    copies = truth.index[truth["kind"] == "campaign"]
    share = []
    for i in copies:
        got = shingles(comments.at[i, "text"])
        contained = {key: len(s & got) / len(s) for key, s in own.items()}
        mine = truth.at[i, "campaign"]
        share.append(contained[mine])
        assert contained[mine] == max(contained.values()), (mine, comments.at[i, "text"])
    # at most a third of a letter's sentences are deleted, up to four typos: a copy keeps a good part
    assert min(share) >= 0.3
    assert np.median(share) >= 0.8


def test_the_two_hospital_letters_overlap_but_are_different_campaigns():
    a, b = template_shingles(TEMPLATES["ae_ashbury"]), template_shingles(TEMPLATES["ae_staff"])
    jaccard = len(a & b) / len(a | b)
    assert 0.15 <= jaccard <= 0.5  # shared sentences, yet clearly two letters


def test_placeholders_are_not_a_campaign(planted):
    comments, truth, _ = planted
    is_placeholder = (truth["kind"] == "placeholder").to_numpy()
    assert truth.loc[is_placeholder, "campaign"].isna().all()
    assert comments.loc[is_placeholder, "text"].isin(PLACEHOLDERS).all()
    # and they are placeholders as the project's readers define them
    assert placeholder_mask(comments.loc[is_placeholder, "text"]).all()
    assert not placeholder_mask(comments.loc[~is_placeholder, "text"]).any()


def test_personal_additions_are_in_the_text_where_no_noise_hides_them(planted):
    comments, truth, _ = planted
    noisy = truth["edits"].str.contains("case|whitespace|entities|punctuation|typo", regex=True)
    before = (truth["personal_before"] != "") & ~noisy
    after = (truth["personal_after"] != "") & ~noisy
    assert before.sum() > 50 and after.sum() > 50
    for i in truth.index[before]:
        assert comments.at[i, "text"].startswith(truth.at[i, "personal_before"])
    for i in truth.index[after]:
        assert comments.at[i, "text"].endswith(truth.at[i, "personal_after"])
    assert (truth.loc[truth["kind"] != "campaign", ["personal_before", "personal_after"]] == "").all().all()
    # copies drawn with the edit carry it, the others do not
    assert ((truth["personal_before"] != "").to_numpy(bool) == truth["edits"].str.contains("before").to_numpy(bool)).all()


def test_entities_escaped_once_and_twice(planted):
    comments, truth, _ = planted
    escaped = truth["edits"].str.contains("entities").to_numpy()
    text = comments["text"]
    assert text[escaped].str.contains("&amp;amp;|&amp;#39;|&amp;quot;", regex=True).any()
    decoded = text[escaped].map(lambda t: html.unescape(html.unescape(t)))
    has_special = decoded.str.contains("[&'\"]", regex=True).to_numpy(bool)
    assert has_special.sum() > 100
    assert text[escaped][has_special].str.contains("&amp;|&#39;|&quot;", regex=True).all()
    assert not text[~escaped].str.contains("&amp;|&#39;", regex=True).any()


def test_timestamps_utc_sorted_with_a_few_missing_and_campaign_bursts(planted):
    comments, truth, campaigns = planted
    created = comments["created_at"]
    assert str(created.dt.tz) == "UTC"
    assert created.isna().sum() == 30  # 0.5% of 6000
    known = created.dropna()
    assert known.is_monotonic_increasing
    assert known.min() >= pd.Timestamp("2025-01-06", tz="UTC")
    assert known.max() < pd.Timestamp("2025-03-07", tz="UTC")  # 60 days
    largest = (truth["campaign"] == campaigns["campaign"].iloc[0]).fillna(False).to_numpy()
    per_second = created[largest].dropna().value_counts()
    assert per_second.max() >= 10  # bot-like batches: many copies in the same second
    organic = created[(truth["kind"] == "organic").to_numpy()].dropna()
    assert organic.value_counts().max() <= 3  # organic submissions are spread out


def test_organic_comments_are_about_the_requested_length():
    comments, truth, _ = generate_campaigns(4000, campaign_share=0.0, placeholder_share=0.0, words=40, seed=5)
    assert (truth["kind"] == "organic").all()
    words = comments["text"].str.split().str.len()
    assert 30 <= words.mean() <= 50
    assert comments["text"].is_unique


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_campaigns"):
        generate_campaigns(1000, n_campaigns=len(TEMPLATES) + 1)
    with pytest.raises(ValueError, match="exceed 1"):
        generate_campaigns(1000, campaign_share=0.9, placeholder_share=0.2)
    with pytest.raises(ValueError, match="unknown edits"):
        generate_campaigns(1000, edit_rates={"spelling": 0.5})


def test_save_writes_three_tables(planted, tmp_path):
    written = planted.save(tmp_path)
    assert sorted(p.name for p in written.values()) == ["campaigns.parquet", "comments.parquet", "truth.parquet"]
    back = pd.read_parquet(written["truth"])
    assert back["campaign"].notna().sum() == 1800


@pytest.mark.shared
def test_fcc_templates_read_at_run_time():
    templates = read_fcc_templates(shared_corpus("fcc-17-108-campaign-templates", "sources.md"))
    # sources.md quotes bot.recursive three times, each a spun variant of one letter
    assert len(templates["bot.recursive"]) == 3
    # form.aclu is one quoted block of three paragraphs
    assert len(templates["form.aclu"]) == 1 and templates["form.aclu"][0].count("\n\n") == 2
    # one-line search snippets are not templates
    assert "bot.unprecedented" not in templates and "form.freepress" not in templates
    comments, truth, campaigns = generate_campaigns(3000, templates=templates, campaign_share=0.5, seed=0)
    assert set(truth["campaign"].dropna()) == set(templates)
    assert truth["campaign"].notna().sum() == 1500


def test_replies_are_added_without_changing_anything_else(planted, tmp_path):
    comments, truth, campaigns = generate_campaigns(6000, seed=11, reply_share=0.2)
    pd.testing.assert_frame_equal(comments.drop(columns="parent_id"), planted.comments)
    pd.testing.assert_frame_equal(truth, planted.truth)
    pd.testing.assert_frame_equal(campaigns, planted.campaigns)
    replies = comments["parent_id"].notna().to_numpy()
    organic = (truth["kind"] == "organic").to_numpy()
    assert not (replies & ~organic).any()  # only organic comments reply
    eligible = int(organic[1:].sum())  # the first row has nothing earlier to answer
    assert replies.sum() == round(0.2 * eligible)
    position = pd.Series(np.arange(len(comments)), index=comments["id"].to_numpy())
    parent_at = position[comments.loc[replies, "parent_id"].to_numpy()].to_numpy()
    assert (parent_at < np.flatnonzero(replies)).all()  # a reply answers an earlier comment
    # ... and the project's CSV reader turns them into threaded replies
    from helpers import ingest

    source = tmp_path / "replies.csv"
    comments.to_csv(source, index=False)
    read = ingest.read(source, format="csv", text_column="text", id_column="id").comments
    assert (read["kind"] == "reply").sum() == replies.sum()
    assert read["thread_id"].nunique() == (read["kind"] == "comment").sum()  # one thread per top-level comment


def test_reply_parents_worked_by_hand():
    ids = pd.Series(["c0", "c1", "c2", "c3", "c4", "c5"], dtype="string")
    eligible = np.array([True, True, False, True, True, True])
    # every eligible row but the first replies (share 1); a mean gap of 1 row means the row just before
    parents = reply_parents(ids, eligible, share=1.0, rng=np.random.default_rng(0), mean_gap=1)
    assert parents.tolist() == [pd.NA, "c0", pd.NA, "c2", "c3", "c4"]
    with pytest.raises(ValueError, match="reply_share"):
        reply_parents(ids, eligible, share=1.5, rng=np.random.default_rng(0))
