"""Tests for helpers.campaigns: normalisation, MinHash, grouping, templates, additions, bursts, counts.

Expected values are worked out by hand from the fixtures below (or, for MinHash, from exact set
arithmetic in plain Python), never from the module's own output.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import pytest

from helpers import cli
from helpers.campaigns import (
    attachment_only,
    band_keys,
    bucket_links,
    campaign_counts,
    detect_campaigns,
    minhash_signatures,
    normalise_for_matching,
    request_sentence,
    sensitivity,
    split_links,
    time_resolution,
)
from helpers.errors import ConfigError
from helpers.tables import write_table
from tests.conftest import shared_corpus

# A letter of 5 sentences and 74 words (long enough to be matched as a near-duplicate).
S1 = "Dear Minister, I am writing about the proposed closure of the Riverside library on Saturdays."
S2 = ("The library is the only quiet place in our ward where students can revise for their exams and "
      "where older residents can use the computers to contact their doctor and their bank.")
S3 = "Families borrow books there for free, and the reading groups keep many lonely people in touch."
S4 = "Closing it would save very little money and would cost the town a great deal in the long run."
S5 = "I urge you to keep the Riverside library open on Saturdays for everyone who depends on it."
LETTER = " ".join([S1, S2, S3, S4, S5])
PERSONAL = "My daughter passed her exams last summer because she could study there every weekend."
# Two letters on the same subject that are not copies: each shares one sentence (S1) with the letter.
OTHER_1 = (S1 + " I think the council should instead extend the opening hours on weekday evenings, when the "
           "building is busiest, and run a volunteer scheme so that the cost is shared with local groups and "
           "schools. The café could also pay its way if it opened at weekends.")
OTHER_2 = (S1 + " Saturday opening matters less to me than the state of the roof, which has leaked over the "
           "children's section for two winters now; please spend the money on repairs and on new large-print "
           "books for the residents of the care homes nearby who cannot travel.")


def _table(texts: list[str], **extra) -> pd.DataFrame:
    return pd.DataFrame({"comment_id": [f"c{i}" for i in range(len(texts))], "text": texts,
                         "kind": "response", **extra})


# --- normalisation -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Hello,   WORLD!", "hello world"),
    ("patient’s sex &amp;amp; gender", "patients sex gender"),  # escaped twice, apostrophe dropped
    ("well-being\nmatters", "wellbeing matters"),
    ("<p>Keep it <b>open</b></p>", "keep it open"),
    ("A &lt;b&gt; tag written as text", "a tag written as text"),  # unescaped, then dropped as a tag
    (" - ", ""),
    ("£5,000 for 2 years", "5000 for 2 years"),
    ("Ça coûte TROP cher", "ça coûte trop cher"),
])
def test_normalise_for_matching(text, expected):
    assert normalise_for_matching(pd.Series([text])).tolist() == [expected]


def test_normalise_keeps_index_and_missing():
    out = normalise_for_matching(pd.Series(["A b", None], index=[10, 20]))
    assert out.index.tolist() == [10, 20]
    assert out.tolist() == ["a b", ""]


# --- MinHash -----------------------------------------------------------------------------------

def _trigrams(text: str) -> set:
    w = text.split()
    return set(zip(w, w[1:], w[2:], strict=False))


def test_minhash_counts_and_exact_copies():
    texts = pd.Series(["a b c d e", "A, b c d e!", "a b c a b c", "x y", ""])
    sig, n_sh, n_words, text_hash = minhash_signatures(texts, shingle_size=3, num_perm=16)
    # "a b c d e": abc bcd cde -> 3; "a b c a b c": abc bca cab abc -> 3 distinct; "x y": one shingle
    assert n_sh.tolist() == [3, 3, 3, 1, 0]
    assert n_words.tolist() == [5, 5, 6, 2, 0]
    assert (sig[0] == sig[1]).all() and text_hash[0] == text_hash[1]
    assert text_hash[0] != text_hash[2]
    assert (sig[4] == np.iinfo(np.uint32).max).all()


def test_minhash_estimates_jaccard():
    """Estimated Jaccard similarity is unbiased within sampling error (exact sets as reference)."""
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(400)]
    base = [" ".join(rng.choice(vocab, 80)) for _ in range(60)]
    pairs = []
    for i, b in enumerate(base):  # a copy with a share of its words replaced
        words = b.split()
        k = int(len(words) * (i % 6) / 10)
        for j in rng.choice(len(words), k, replace=False):
            words[j] = f"z{rng.integers(10**6)}"
        pairs.append((b, " ".join(words)))
    texts = pd.Series([t for p in pairs for t in p])
    num_perm = 256
    sig, _, _, _ = minhash_signatures(texts, shingle_size=3, num_perm=num_perm, random_state=3)
    est = (sig[0::2] == sig[1::2]).mean(axis=1)
    true = np.array([len(_trigrams(a) & _trigrams(b)) / len(_trigrams(a) | _trigrams(b)) for a, b in pairs])
    se = np.sqrt(true * (1 - true) / num_perm) + 1e-9
    assert np.abs(est - true).max() <= 4.5 * se.max()
    assert abs((est - true).mean()) < 0.01  # no bias


def test_minhash_is_seeded():
    texts = pd.Series([LETTER, OTHER_1])
    a = minhash_signatures(texts, random_state=1)[0]
    assert (a == minhash_signatures(texts, random_state=1)[0]).all()
    assert not (a == minhash_signatures(texts, random_state=2)[0]).all()


# --- detection on a hand-built corpus --------------------------------------------------------------

def _fixture() -> pd.DataFrame:
    texts = [
        LETTER,                                                   # c0 the template, first submission
        LETTER.upper().replace(" ", "   "),                        # c1 case and white space: exact copy
        LETTER.replace("Minister,", "Minister &amp;amp; team,"),   # c2 entity escaped twice (adds "team")
        LETTER.replace("Riverside", "Hillside"),                   # c3 place substituted
        " ".join([S1, S2, S4, S5]),                               # c4 one sentence deleted
        LETTER + " " + PERSONAL,                                   # c5 personal paragraph added
        " ".join([S5, S1, S2, S3, S4]),                           # c6 sentences reordered
        OTHER_1,                                                   # c7 same topic, not a copy
        OTHER_2,                                                   # c8 same topic, not a copy
        "See attached file(s)", "See attached file(s)", "See attached file(s)",  # c9-c11 placeholders
        "I agree.", "I agree.", "I agree.", "I agree.",             # c12-c15 short repeats
        LETTER,                                                   # c16 an exact copy, later
    ]
    return _table(texts)


def test_detects_the_campaign_and_only_it():
    members, campaigns = detect_campaigns(_fixture())
    in_campaign = members.loc[members["campaign_id"].notna(), "comment_id"].tolist()
    assert in_campaign == ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c16"]
    assert campaigns["campaign_id"].tolist() == ["C1"]
    row = campaigns.iloc[0]
    assert row["size"] == 8
    assert row["template_id"] == "c0"
    assert row["n_exact"] == 3            # c0, c1, c16 normalise to the same text
    assert row["n_variants"] == 6         # {c0,c1,c16}, c2, c3, c4, c5, c6
    assert row["share"] == pytest.approx(8 / 17)
    assert row["request"] == S5


def test_chunks_in_worker_processes_give_the_same_result(monkeypatch, worker_pools):
    # a large corpus is hashed, chunk by chunk, in worker processes: the answer does not change
    from helpers import campaigns as module

    serial = detect_campaigns(_fixture())
    assert worker_pools == []
    monkeypatch.setattr(module, "_CHUNK_CHARS", 400)  # a few texts per chunk
    parallel = detect_campaigns(_fixture())
    assert len(worker_pools) >= 2  # signatures and personal additions both ran in workers
    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert parallel[0].set_index("comment_id").loc["c5", "addition"] == PERSONAL


def test_placeholders_and_short_repeats_are_not_campaigns():
    members, _ = detect_campaigns(_fixture())
    by_id = members.set_index("comment_id")
    assert not by_id.loc[["c9", "c10", "c11"], "matched"].any()       # placeholders are not compared
    assert by_id.loc[["c12", "c13", "c14", "c15"], "campaign_id"].isna().all()
    assert by_id.loc["c12", "n_copies"] == 4                         # but they are exact duplicates
    assert by_id.loc[["c12", "c15"], "duplicate_group"].nunique() == 1


def test_personal_additions():
    members, _ = detect_campaigns(_fixture())
    by_id = members.set_index("comment_id")
    assert by_id.loc["c5", "addition"] == PERSONAL
    assert by_id.loc["c5", "addition_words"] == 14
    # reordering, a deletion, a substituted place or an escaped entity add nothing of their own
    for cid in ("c0", "c1", "c3", "c4", "c6", "c16"):
        assert by_id.loc[cid, "addition"] == "", cid
    assert by_id.loc[["c0", "c16"], "is_template"].tolist() == [True, False]


def test_unrelated_letters_are_not_chained():
    """A ~ B and B ~ C but A and C share nothing: A's and C's copies must not form one campaign."""
    rng = np.random.default_rng(0)
    vocab = [f"word{i}" for i in range(5000)]
    half = [" ".join(rng.choice(vocab, 40)) for _ in range(4)]
    a, b, c = half[0] + " " + half[1], half[1] + " " + half[2], half[2] + " " + half[3]
    members, campaigns = detect_campaigns(_table([a, a, a, b, c, c, c]), threshold=0.45)
    labels = members["campaign_id"].tolist()
    assert labels[0] == labels[1] == labels[2] is not pd.NA
    assert labels[4] == labels[5] == labels[6] is not pd.NA
    assert labels[0] != labels[4]
    assert len(campaigns) == 2


def test_senders_of_each_campaign_from_respondent_ids_or_authors():
    # Decide Madrid: one user posting the same text 62 times was reported as an organised campaign.
    # Letter A: three copies from Ann (one spelt with spaces); letter B: three senders, one unknown;
    # letter C: only generic author labels.
    texts = [LETTER] * 3 + [OTHER_1] * 3 + [OTHER_2] * 3
    authors = ["Ann", " Ann ", "Ann", "Ann", "Bob", None, "Anonymous", "guest", "Anonymous"]
    members, campaigns = detect_campaigns(_table(texts, author=authors), min_words=10)
    by_letter = campaigns.set_index(members.groupby("campaign_id")["comment_id"].first().reindex(
        campaigns["campaign_id"]).to_numpy())
    assert by_letter.loc["c0", ["n_senders", "one_sender"]].tolist() == [1, True]
    assert by_letter.loc["c3", ["n_senders", "one_sender"]].tolist() == [2, False]  # Ann, Bob; one unknown
    assert by_letter.loc["c6", "n_senders"] is pd.NA and not by_letter.loc["c6", "one_sender"]
    # one known sender among three copies is too few to count senders (fewer than half known)
    _, few = detect_campaigns(_table(texts, author=["Ann", None, None] * 3), min_words=10)
    assert few["n_senders"].isna().all() and not few["one_sender"].any()
    # respondent ids win over authors; without either, both columns are missing
    ids = ["r1", "r2", "r3"] * 3
    _, with_ids = detect_campaigns(_table(texts, author=authors, respondent_id=ids), min_words=10)
    assert with_ids["n_senders"].tolist() == [3, 3, 3] and not with_ids["one_sender"].any()
    _, without = detect_campaigns(_table(texts), min_words=10)
    assert without["n_senders"].isna().all() and without["one_sender"].isna().all()


def test_min_campaign_size_and_words():
    letter_only = _table([LETTER, LETTER])
    assert detect_campaigns(letter_only)[1].empty                       # 2 < 3 submissions
    assert len(detect_campaigns(letter_only, min_campaign_size=2)[1]) == 1
    assert detect_campaigns(_table([LETTER] * 3), min_words=100)[1].empty  # the letter has 74 words


def test_non_response_rows_are_listed_not_matched():
    t = _table([LETTER] * 4)
    t.loc[0, "kind"] = "post"
    t["is_placeholder"] = [False, False, False, True]
    members, campaigns = detect_campaigns(t)
    assert members["matched"].tolist() == [False, True, True, False]
    assert campaigns.empty


def test_deterministic_and_order_independent_grouping():
    t = _fixture()
    m1, c1 = detect_campaigns(t)
    m2, c2 = detect_campaigns(t)
    pd.testing.assert_frame_equal(m1, m2)
    pd.testing.assert_frame_equal(c1, c2)
    shuffled = t.sample(frac=1, random_state=4).reset_index(drop=True)
    m3, _ = detect_campaigns(shuffled)
    assert set(m3.loc[m3["campaign_id"].notna(), "comment_id"]) == set(m1.loc[m1["campaign_id"].notna(), "comment_id"])


@pytest.mark.parametrize("bad", [{"threshold": 0}, {"threshold": 1.5}, {"min_campaign_size": 1},
                                 {"shingle_size": 0}, {"min_words": 2}, {"bands": 7}])
def test_bad_parameters(bad):
    with pytest.raises(ConfigError):
        detect_campaigns(_fixture(), **bad)


def test_empty_and_tiny_inputs():
    empty = pd.DataFrame({"comment_id": pd.Series([], dtype="string"), "text": pd.Series([], dtype="string")})
    members, campaigns = detect_campaigns(empty)
    assert members.empty and campaigns.empty
    members, campaigns = detect_campaigns(_table(["N/A"]))
    assert members["matched"].tolist() == [False] and campaigns.empty


# --- bursts and time ---------------------------------------------------------------------------

def test_bursts():
    times = pd.to_datetime(["2024-03-01 09:00:01", "2024-03-01 09:00:01", "2024-03-01 09:00:01",
                            "2024-03-01 09:00:40", "2024-03-01 11:30:00", None], utc=True)
    members, campaigns = detect_campaigns(_table([LETTER] * 6, created_at=times))
    row = campaigns.iloc[0]
    assert row["size"] == 6
    assert row["max_per_second"] == 3       # three at 09:00:01
    assert row["max_per_minute"] == 4       # and one more at 09:00:40
    assert row["same_second_share"] == pytest.approx(3 / 5)  # of the 5 dated copies
    assert row["busiest_minute"] == pd.Timestamp("2024-03-01 09:00", tz="UTC")
    assert row["first_at"] == pd.Timestamp("2024-03-01 09:00:01", tz="UTC")
    assert row["last_at"] == pd.Timestamp("2024-03-01 11:30:00", tz="UTC")


def test_no_bursts_from_dates_only():
    times = pd.to_datetime(["2022-10-24 04:00"] * 3 + ["2022-11-08 05:00"], utc=True)
    _, campaigns = detect_campaigns(_table([LETTER] * 4, created_at=times))
    assert pd.isna(campaigns.loc[0, "max_per_minute"]) and pd.isna(campaigns.loc[0, "max_per_second"])


@pytest.mark.parametrize("times, expected", [
    ([], "none"),
    (["2022-10-24 04:00", "2022-11-08 05:00"], "day"),
    (["2022-10-24 01:00", "2022-10-24 07:00", "2022-10-25 13:00"], "hour"),
    (["2022-10-24 04:10", "2022-10-24 04:00"], "minute"),
    (["2022-10-24 04:00:00.5"], "second"),
])
def test_time_resolution(times, expected):
    assert time_resolution(pd.Series(pd.to_datetime(times, utc=True), dtype="datetime64[ns, UTC]")) == expected


# --- small pieces --------------------------------------------------------------------------------

@pytest.mark.parametrize("template, expected", [
    ("Dear Sir. We should meet. I urge you to stop the plan now.", "I urge you to stop the plan now."),
    ("Dear Sir. The plan is bad for us. You should stop the plan now.", "You should stop the plan now."),
    ("Short. Another short one.", "Short."),
    ("", ""),
])
def test_request_sentence(template, expected):
    assert request_sentence(template) == expected


@pytest.mark.parametrize("text, expected", [
    ("See attached file(s)", True),
    ("Please find attached our response on behalf of the Trust.", True),
    ("Kindly refer to the enclosed letter", True),
    ("Please find comments from the Association of American Medical Colleges (AAMC) attached", True),
    ("On behalf of the Melanoma Research Foundation, please see the attached comments.", True),
    ("Attached are HANYS comments.", True),
    ("Attached is a map; the bus routes in the north of the town are wrong and must change now.", False),
    # found in review: a pointer word followed by the writer's own point is a comment
    ("Find a way to keep rural hospitals open, as my attached letter explains", False),
    ("Review of this rule is needed because the cost estimates in the attached study are understated", False),
    ("See the attached letter; the rule will raise premiums by 30% for small employers in Ohio", False),
    ("Read the attached and then ask yourself why CMS would cut payments", False),
    ("Please see the attached file, the proposal would devastate home health agencies", False),
    ("Please see my comments below: the attached map is wrong about the bus routes in the north of the town.", False),
    ("I attached nothing; the bus routes are the problem here.", False),
])
def test_attachment_only(text, expected):
    assert attachment_only(pd.Series([text])).tolist() == [expected]


def test_campaign_counts_by_hand():
    comments = pd.DataFrame({"kind": ["post", "comment", "comment", "comment", "comment", "comment", "pingback"]})
    members = pd.DataFrame({"matched": [False, True, True, True, True, True, False],
                            "campaign_id": [None, "C1", "C1", "C1", None, None, None],
                            "duplicate_group": [None, 0, 0, 1, 2, 0, None]})
    counts = campaign_counts(comments, members, pd.DataFrame({"campaign_id": ["C1"], "size": [3]}))
    # 5 responses (post and pingback are not); 3 in the campaign; two repeats of group 0
    assert counts == {"n_responses": 5, "n_compared": 5, "n_in_campaigns": 3, "share_in_campaigns": 0.6,
                      "n_campaigns": 1, "largest": 3, "n_exact_duplicates": 2, "n_distinct_content": 3}


def test_sensitivity_grid(monkeypatch):
    from helpers import campaigns as module

    calls = []
    real = module.minhash_signatures
    monkeypatch.setattr(module, "minhash_signatures", lambda texts, **p: calls.append(p["shingle_size"]) or real(texts, **p))
    grid = sensitivity(_fixture(), thresholds=(0.5, 0.9), shingle_sizes=(3, 4))
    assert grid[["shingle_size", "threshold"]].values.tolist() == [[3, 0.5], [3, 0.9], [4, 0.5], [4, 0.9]]
    assert grid["n_in_campaigns"].iloc[0] == 8
    assert calls == [3, 4]  # signatures once per shingle size, not once per threshold
    for row in grid.itertuples():  # each row is what one detection with those settings finds
        members, _ = detect_campaigns(_fixture(), shingle_size=row.shingle_size, threshold=row.threshold)
        assert row.n_in_campaigns == members["campaign_id"].notna().sum()


# --- command line --------------------------------------------------------------------------------

def test_cli_writes_one_row_per_comment_and_a_summary(tmp_path, capsys):
    comments = _fixture().assign(parent_id=None, thread_id=lambda t: t["comment_id"], author=None,
                                 created_at=pd.NaT, source="fixture.csv", source_row=range(2, 19))
    table = tmp_path / "comments.csv"
    write_table(comments, table)
    out = tmp_path / "campaigns.csv"
    assert cli.main(["campaigns", str(table), "--out", str(out)]) == 0
    rows = pd.read_csv(out, dtype="string", keep_default_na=False)
    assert rows["comment_id"].tolist() == comments["comment_id"].tolist()
    assert rows["campaign_id"].tolist()[:9] == ["C1"] * 7 + ["", ""]
    summary = pd.read_csv(tmp_path / "campaigns.summary.csv")
    assert summary["campaign_id"].tolist() == ["C1"] and summary["size"].tolist() == [8]
    printed = capsys.readouterr().out
    assert "8 (47.1%) in 1 campaign(s)" in printed


def test_cli_bad_table_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "not-comments.csv"
    bad.write_text("id,body\n1,hello\n", encoding="utf-8")
    assert cli.main(["campaigns", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not-comments.csv" in err


# --- the real form-letter campaign on regulations.gov docket CMS-2022-0163 ----------------------

# Passages of the organised letter, picked by reading it; a member carrying at least two of them (or
# the corpus README's phrase rule) is a genuine copy, whatever else it rewrote.
CMS_PASSAGES = ("administrative [recordkeeping] purposes", "simulacrum of a woman", "declaration on women",
                "unobscured by gender identity ideology", "five other ways to represent",
                "sex-based human rights", "right to clear and accurate knowledge")


def _cms():
    from helpers import ingest

    folder = shared_corpus("regulationsgov-CMS-2022-0163", "comments")
    comments = ingest.read(folder).comments
    text = comments["text"].fillna("").str.lower()
    silver = text.str.contains("administrative gender", regex=False) & text.str.contains("sex of the provider",
                                                                                          regex=False)
    passages = sum(text.str.contains(p, regex=False).astype(int) for p in CMS_PASSAGES)
    genuine = silver | (passages >= 2)
    double_escaped = set()
    for path in folder.glob("*.json"):
        raw = json.loads(path.read_text(encoding="utf-8"))["data"]
        if "&amp;amp;" in (raw["attributes"].get("comment") or ""):
            double_escaped.add(raw["id"])
    return comments, silver.to_numpy(), genuine.to_numpy(), double_escaped


@pytest.mark.shared
def test_cms_form_letter_is_one_campaign():
    comments, silver, genuine, double_escaped = _cms()
    assert silver.sum() >= 214  # the corpus README counts 214 copies by this rule
    members, campaigns = detect_campaigns(comments)
    largest = (members["campaign_id"] == "C1").fillna(False).to_numpy()
    assert (largest & silver).sum() >= 0.95 * silver.sum()        # holds >= 95% of the copies
    assert (largest & genuine).sum() >= 0.95 * largest.sum()      # >= 95% of members are genuine copies
    escaped_copies = [i for i in comments.loc[silver, "comment_id"] if i in double_escaped]
    assert len(escaped_copies) >= 10                              # the README counts 14
    assert set(escaped_copies) <= set(members.loc[largest, "comment_id"])
    # "See attached" is never a campaign, and no placeholder is in one
    assert not campaigns["template_text"].str.contains("attached", case=False).any()
    see_attached = comments["text"].str.contains(r"^\W*(?:please )?see attached", case=False, regex=True).fillna(False)
    assert members.loc[see_attached.to_numpy(), "campaign_id"].isna().all()
    assert "urge CMS to reject this proposal" in campaigns.loc[0, "request"]
    # and what the proposal is about, in the letter's next sentence: "reject this proposal" alone read, to an audit,
    # as 225 people rejecting the whole directory the docket is about
    assert "sex of their chosen providers" in campaigns.loc[0, "request"]


@pytest.mark.shared
def test_cms_campaign_survives_raw_html_escaping():
    """As in a raw export: the copies' text escaped once or twice and wrapped in tags."""
    comments, silver, _, _ = _cms()
    raw = comments.copy()
    idx = np.flatnonzero(silver)
    once, twice = idx[0::2], idx[1::2]
    raw.loc[once, "text"] = raw.loc[once, "text"].map(lambda t: "<p>" + html.escape(t) + "</p>")
    raw.loc[twice, "text"] = raw.loc[twice, "text"].map(lambda t: html.escape(html.escape(t)).replace("\n", "<br/>"))
    members, _ = detect_campaigns(raw)
    largest = (members["campaign_id"] == "C1").fillna(False).to_numpy()
    assert (largest & silver).sum() >= 0.95 * silver.sum()


def test_a_stated_position_is_the_request_and_a_vague_ask_takes_the_next_sentence():
    # CMS C2 "asked" a supporting claim ("Indeed, non-physician caregivers often want ..."): the letter's position
    # came first, and "opposed" was no cue
    assert request_sentence("As a doctor, I am opposed to the term provider. Indeed, nurses often want to be "
                            "thought of as doctors.") == "As a doctor, I am opposed to the term provider."
    # an ask about "it" names what it is about in the next sentence; a specific ask stands alone
    assert request_sentence("We urge the council to stop it now. The bus lane on Mill Road is dangerous. Thanks.") == (
        "We urge the council to stop it now. The bus lane on Mill Road is dangerous.")
    assert request_sentence("We urge the council to close the bus lane on Mill Road. It is dangerous.") == (
        "We urge the council to close the bus lane on Mill Road.")


def test_request_pattern_words_are_whole_words():
    # "supportive" must not count as the cue "support"; the first sentence is the fallback
    assert request_sentence("We are supportive of libraries here. Thanks.") == "We are supportive of libraries here."
    assert request_sentence("A surge in demand is expected soon. Thanks.") == "A surge in demand is expected soon."


# --- de-duplicated content ----------------------------------------------------------------------

def test_content_units_count_each_campaign_once():
    t = _fixture()
    members, _ = detect_campaigns(t)
    from helpers.campaigns import content_units
    from helpers.schema import analysable

    analysed = t[analysable(t).to_numpy() & members["matched"].to_numpy()]
    units, links = content_units(analysed, members)
    # the campaign (8 submissions) once, c5's personal paragraph, c7, c8 and the four "I agree."s once: too short
    # for a campaign, but copies word for word, so one piece of content (an audit: six texts each sent twice made
    # "274 distinct pieces of content" of 268)
    assert units["unit_id"].tolist() == ["c0", "c5", "c7", "c8", "c12"]
    assert units["kind"].tolist() == ["template", "addition"] + ["response"] * 3
    assert units.loc[0, "n_submissions"] == 8 and units.loc[4, "n_submissions"] == 4
    assert links[links["comment_id"].isin(["c12", "c13", "c14", "c15"])]["unit_id"].tolist() == ["c12"] * 4
    assert units.loc[1, "text"] == PERSONAL
    assert links[links["comment_id"] == "c5"]["unit_id"].tolist() == ["c0", "c5"]
    assert links[links["comment_id"] == "c16"]["unit_id"].tolist() == ["c0"]
    assert len(links) == len(analysed) + 1  # every submission once, c5 twice


def test_bucket_links_link_each_text_to_the_first_of_its_bucket():
    # buckets by key: 3 -> texts 11, 13; 5 -> texts 10, 12, 14; 7 -> text 15 alone
    key = np.array([5, 3, 5, 3, 5, 7], dtype=np.uint64)
    index = np.arange(10, 16, dtype=np.int64)
    i, j = split_links(np.sort(bucket_links(key, index)))
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(10, 12), (10, 14), (11, 13)]


def test_band_keys_depend_on_the_band_and_its_part_of_the_signature_only():
    sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [9, 9, 3, 4]], dtype=np.uint32)
    keys = band_keys(sig, 2)
    assert keys.shape == (3, 2)
    assert keys[0, 0] == keys[1, 0] != keys[2, 0]
    assert keys[0, 1] == keys[2, 1] != keys[1, 1]
    assert band_keys(np.array([[3, 4, 1, 2]], dtype=np.uint32), 2)[0, 0] != keys[0, 1]  # band 0 is not band 1
