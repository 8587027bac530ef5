import random
import re

import pandas as pd
import pytest

from helpers import overview, textscan


def test_counts_by_kind_in_canonical_order():
    t = pd.DataFrame({"kind": ["pingback", "comment", "post", "comment", "pingback", "pingback"]})
    assert overview.counts_by_kind(t).to_dict("records") == [
        {"kind": "post", "count": 1}, {"kind": "comment", "count": 2}, {"kind": "pingback", "count": 3}]


@pytest.mark.parametrize("text, words", [
    ("Top post Em!", 3),
    ("I can’t help but point out", 6),     # curly apostrophe keeps "can’t" one word
    ("Govt 2.0/eParticipation/etc.", 3),   # Govt, eParticipation, etc
    ("20K out of 3", 3),
    ("", 0),
])
def test_word_counts(text, words):
    assert overview.word_counts(pd.Series([text])).iloc[0] == words


def test_length_summary_by_kind():
    t = pd.DataFrame({"kind": ["comment", "comment", "comment", "post"],
                      "text": ["one two", "one two three four", "one", "a b c d e"]})
    rows = {r["kind"]: r for r in overview.length_summary(t).to_dict("records")}
    assert rows["comment"] == {"kind": "comment", "count": 3, "median_words": 2.0, "min_words": 1,
                               "max_words": 4, "total_words": 7}
    assert rows["post"]["total_words"] == 5


def test_date_summary_without_dates():
    t = pd.DataFrame({"created_at": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns, UTC]")})
    assert overview.date_summary(t) == {"n_dated": 0, "n_undated": 2, "first": None, "last": None,
                                        "busiest_day": None, "busiest_day_count": 0, "timezone": "UTC"}


def test_date_summary_busiest_day():
    t = pd.DataFrame({"created_at": pd.to_datetime(
        ["2020-03-01T23:59:00Z", "2020-03-02T00:01:00Z", "2020-03-02T10:00:00Z", "2020-03-03T09:00:00Z"], utc=True)})
    s = overview.date_summary(t)
    assert (s["first"], s["last"]) == ("2020-03-01T23:59:00+00:00", "2020-03-03T09:00:00+00:00")
    assert (s["busiest_day"], s["busiest_day_count"]) == ("2020-03-02", 2)


def test_date_summary_counts_days_in_the_publisher_s_calendar():
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST, UTC+1): in London both fall on 2 July;
    # in UTC each day has one, and the earlier day is the busiest of the tie
    t = pd.DataFrame({"created_at": pd.to_datetime(["2020-07-01T23:30:00Z", "2020-07-02T10:00:00Z"], utc=True)})
    london = overview.date_summary(t, timezone="Europe/London")
    assert (london["busiest_day"], london["busiest_day_count"]) == ("2020-07-02", 2)
    assert (london["first"], london["timezone"]) == ("2020-07-02T00:30:00+01:00", "Europe/London")
    assert (overview.date_summary(t)["busiest_day"], overview.date_summary(t)["busiest_day_count"]) == ("2020-07-01", 1)


def test_thread_summary_counts_replies_not_top_level_comments():
    t = pd.DataFrame({"comment_id": ["p", "a", "b", "c", "q"], "parent_id": [None, "p", "p", "a", None],
                      "thread_id": ["p", "p", "p", "p", "q"], "kind": ["post", "comment", "comment", "reply", "post"]})
    assert overview.thread_summary(t) == {"n_threads": 2, "n_replies": 1, "max_depth": 2, "largest_thread_size": 4}


def test_addressed_names_on_the_example_corpus_sentences():
    # Sentences from the example corpus; the names addressed were read off by hand.
    t = pd.DataFrame({"comment_id": ["r1", "r3", "r5", "r6", "r8"], "text": [
        "Top post Em! Brief late night comment",
        "Folks like you and Jeremy have been doing this stuff for ages",
        "Thank you Laura. Andrew, you raise a brilliant point.\n\nMitch, I feel your pain, we all need to keep pushing",
        "I’m sure Mitch could say more about whether the US system is more suited",
        "🙂 Thanks Andrew, I am not sure that it is up to the politicians",
    ]})
    got = overview.addressed_names(t).to_dict("records")
    assert got == [
        {"comment_id": "r1", "name": "Em", "cue": "praise"},
        {"comment_id": "r5", "name": "Laura", "cue": "thanks"},
        {"comment_id": "r5", "name": "Andrew", "cue": "opening"},
        {"comment_id": "r5", "name": "Mitch", "cue": "opening"},
        {"comment_id": "r8", "name": "Andrew", "cue": "thanks"},
    ]


def test_addressed_names_of_copies_are_given_for_each_copy_in_comment_order():
    # a campaign's copies are read once but every copy gets its rows
    letter = "Thank you Laura. Andrew, you raise a point."
    t = pd.DataFrame({"comment_id": ["a", "b", "c"], "text": [letter, "Thanks Mitch!", letter]})
    got = overview.addressed_names(t).to_dict("records")
    assert got == [
        {"comment_id": "a", "name": "Laura", "cue": "thanks"},
        {"comment_id": "a", "name": "Andrew", "cue": "opening"},
        {"comment_id": "b", "name": "Mitch", "cue": "thanks"},
        {"comment_id": "c", "name": "Laura", "cue": "thanks"},
        {"comment_id": "c", "name": "Andrew", "cue": "opening"},
    ]


def test_addressed_names_in_worker_processes_are_the_same(monkeypatch, worker_pools):
    t = pd.DataFrame({"comment_id": [f"c{i}" for i in range(6)], "text": [
        "Thank you Laura. Andrew, you raise a point.", "Thanks Mitch!", "No names here.",
        "Great post, Em!", "Thank you Laura. Andrew, you raise a point.", "@Jo I agree"]})
    serial = overview.addressed_names(t)
    monkeypatch.setattr(overview, "_NAMES_BLOCK", 2)
    pd.testing.assert_frame_equal(overview.addressed_names(t), serial)
    assert worker_pools == [(2,)]
    assert serial["comment_id"].tolist() == ["c0", "c0", "c1", "c3", "c4", "c4", "c5"]


def test_addressed_names_ignores_sentence_openers():
    t = pd.DataFrame({"comment_id": ["x", "y"], "text": [
        "However, I disagree. Thanks everyone. Meanwhile, nothing.",
        "Engagement, to my mind, means taking back some of the power. Growl, possibly the only reason."]})
    assert overview.addressed_names(t).empty


def test_addressed_names_leave_out_greetings_connectives_offices_and_everyday_words():
    # found by running real corpora: "Furthermore, we" (GD6), "Hola, ..." (Decide Madrid), "Dear
    # Administrator" (regulations.gov), "Privacy, I think" beside "privacy" elsewhere (GD6)
    t = pd.DataFrame({"comment_id": list("abcdef"), "text": [
        "Furthermore, we need rules. Hola, yo pienso que no.",
        "Dear Administrator, please reject this.",
        "Privacy, I think, matters most.",
        "My privacy is gone and privacy matters.",
        "Thanks, I agree. Thank you Laura. Write to laura@example.org.",
        "Thanks Sophy! Sophy, you are right. Understanding, I hope, will grow.",
    ]})
    got = overview.addressed_names(t)
    # "Laura" is used in lower case only inside an e-mail address; "understanding" in lower case
    # only once here, short of LOWER_CASE_USES (2)
    assert list(zip(got["comment_id"], got["name"], got["cue"], strict=True)) == [
        ("e", "Laura", "thanks"), ("f", "Sophy", "thanks"), ("f", "Understanding", "opening")]
    assert overview.LOWER_CASE_USES == 2


def test_addressed_names_in_spanish_french_and_with_accents():
    # Decide Madrid (Spanish) found no real name: "Buenas tardes, Sophy" and "Hola Carmen" were quoted
    t = pd.DataFrame({"comment_id": list("abcd"), "text": [
        "Buenas tardes, Sophy. Gracias por tu respuesta.", "Hola Carmen, estoy de acuerdo.",
        "Gracias Inés, muy bien.", "Bonjour Marie, merci. Hola Sra. López"]})
    got = overview.addressed_names(t)
    assert list(zip(got["comment_id"], got["name"], strict=True)) == [("a", "Sophy"), ("b", "Carmen"), ("c", "Inés"),
                                                                     ("d", "Marie")]
    # found in review: what follows a German or Spanish greeting is often not a name
    others = pd.DataFrame({"comment_id": list("xyz"), "text": ["Liebe Grüße, Hallo Zusammen", "Danke Ihnen sehr",
                                                              "Hola Madrid y Gracias Ayuntamiento"]})
    assert overview.addressed_names(others).empty


def test_a_name_typed_in_lower_case_now_and_then_is_still_a_name():
    # "Thanks Andrew" five times and "thanks andrew" twice: two lower-case uses must not unmask him
    t = pd.DataFrame({"comment_id": [str(i) for i in range(7)],
                      "text": ["Thanks Andrew, good point."] * 5 + ["thanks andrew"] * 2})
    assert set(overview.addressed_names(t)["name"]) == {"Andrew"}


def test_comment_table_truncates_at_a_word_and_omits_authors():
    t = pd.DataFrame({"comment_id": ["r1"], "kind": ["comment"], "parent_id": ["post"], "author": ["Ann"],
                      "created_at": [pd.NaT], "text": ["alpha beta\n\ngamma delta"]})
    out = overview.comment_table(t, max_chars=13)
    assert out["text"].tolist() == ["alpha beta…"]
    assert "author" not in out.columns and "created_at" not in out.columns


def _random_texts(pieces, n, seed, longest=12):
    rnd = random.Random(seed)
    return [("".join(rnd.choice(pieces) for _ in range(rnd.randrange(longest))) if i % 50 else None)
            for i in range(n)]


def test_word_counts_agree_with_the_pattern_on_random_text():
    # Python's re on the word pattern is the reference; the pieces cover every case of the pattern:
    # apostrophes inside, before and after words, digits before, inside and after letters, non-ASCII
    # letters and digits, combining marks, underscores, line breaks.
    pieces = ["a", "Zé", "9", "٣", "_", "'", "’", "''", " ", "\n", "-", "ß", "e\u0301", "Ⅷ", "²", "x'", "'y", "42'"]
    texts = _random_texts(pieces, 5000, seed=1)
    expected = [len(re.findall(overview._WORD, t or "")) for t in texts]
    s = pd.Series(texts, dtype="string", index=range(10, 5010))
    got = overview.word_counts(s)
    assert got.tolist() == expected and got.index.equals(s.index)


def test_address_prefilters_let_through_every_text_a_cue_matches():
    pieces = ["Thanks", "thank you", "Hi", "Dear", "hey", " ", "  ", ",", ", ", "\n", "\t", ". ", "! ", "?\u00a0",
              "\u2003", "Laura", "Mary-Jane", "O'Neil", "Sir", "However", "you", "your", "I", "I'm", "I’d", "we",
              "agreed", "post", "points", "work,", "@", "Em!", "é", "x", "chi"]
    prefilters = overview._address_prefilters()
    texts = [t or "" for t in _random_texts(pieces, 4000, seed=2)]
    found = {cue: 0 for cue, _ in overview._ADDRESS_PATTERNS}
    for cue, pattern in overview._ADDRESS_PATTERNS:
        let_through = textscan.may_match(pd.Series(texts), prefilters[cue])
        for text, maybe in zip(texts, let_through, strict=True):
            if pattern.search(text):
                found[cue] += 1
                assert maybe, (cue, text)
    assert all(found.values())  # every cue was exercised


def test_addressed_names_only_reads_texts_the_prefilter_lets_through():
    t = pd.DataFrame({"comment_id": ["a", "b", "c"],
                      "text": ["Dear Sir, thanks.", None, "Nothing to see here. Hi Jo, you there?"]})
    assert overview.addressed_names(t).to_dict("records") == [{"comment_id": "c", "name": "Jo", "cue": "thanks"}]


def test_sentence_openers_are_not_names():
    # NHS feedback: answers to "why?" open "Because ...", more often capitalised than not, so the
    # corpus did not clear the word: the most typical quotes were passed over as naming someone
    corpus = pd.Series(["Because they were kind."] * 5 + ["because of the wait"])
    assert overview.mention_names(["Because I was happy with it", "When Tracey came it helped",
                                   "Because everyone was so kind"], corpus) == [False, True, False]
