"""Tests for helpers.clean: hand-worked input -> expected tables, plus properties."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import clean
from helpers.clean import (
    collapse_blank_lines,
    normalise_newlines,
    normalise_text,
    normalise_unicode,
    strip_trailing_spaces,
)

E_ACUTE = "\u00e9"  # é as one code point
E_COMBINING = "e\u0301"  # e + combining acute accent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Caf{E_COMBINING}", f"Caf{E_ACUTE}"),  # composed
        (f"Caf{E_ACUTE}", f"Caf{E_ACUTE}"),  # already NFC
        ("\ufb01ne", "\ufb01ne"),  # the "fi" ligature is kept: NFC is not NFKC
        ("“quoted” — 🙂 …", "“quoted” — 🙂 …"),
    ],
)
def test_normalise_unicode(text, expected):
    assert normalise_unicode(pd.Series([text])).tolist() == [expected]


def test_normalise_unicode_other_form_and_bad_form():
    assert normalise_unicode(pd.Series(["\ufb01"]), form="NFKC").tolist() == ["fi"]
    with pytest.raises(ValueError, match="form must be one of"):
        normalise_unicode(pd.Series(["x"]), form="nfc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("a\r\r\nb", "a\n\nb"),  # a lone CR, then CR LF
        ("a\nb", "a\nb"),
    ],
)
def test_normalise_newlines(text, expected):
    assert normalise_newlines(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a  \nb\t\nc ", "a\nb\nc"),
        ("  indented\n    more", "  indented\n    more"),  # leading spaces are kept
        ("a \u00a0\nb", "a \u00a0\nb"),  # a non-breaking space is text, not layout
        ("one  two", "one  two"),  # inner spaces are kept
    ],
)
def test_strip_trailing_spaces(text, expected):
    assert strip_trailing_spaces(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize(
    ("text", "max_blank", "expected"),
    [
        ("a\n\n\nb", 1, "a\n\nb"),
        ("a\n\n\n\n\n\nb", 1, "a\n\nb"),
        ("a\n\nb", 1, "a\n\nb"),
        ("a\n\n\n\nb", 2, "a\n\n\nb"),
        ("a\n\nb", 0, "a\nb"),
    ],
)
def test_collapse_blank_lines(text, max_blank, expected):
    assert collapse_blank_lines(pd.Series([text]), max_blank=max_blank).tolist() == [expected]


def test_collapse_blank_lines_rejects_negative():
    with pytest.raises(ValueError, match="max_blank"):
        collapse_blank_lines(pd.Series(["a"]), max_blank=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Hello  ", "Hello"),
        ("Line one   \r\nLine two\t\r\n", "Line one\nLine two"),
        ("Para one\n   \n  \n\nPara two", "Para one\n\nPara two"),  # space-only lines are blank lines
        ("\n\n\nText\n\n\n", "Text"),
        (f"“Caf{E_COMBINING}” … 🙂", f"“Caf{E_ACUTE}” … 🙂"),
        ("   ", ""),
        ("", ""),
        ("• one\n• two", "• one\n• two"),  # list lines stay lines
    ],
)
def test_normalise_text(text, expected):
    assert normalise_text(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize("dtype", ["object", "string", "str"])
def test_normalise_text_keeps_missing_values_index_and_dtype(dtype):
    s = pd.Series(["  a \r\n\r\n\r\nb ", None, "c"], index=[10, 20, 30], dtype=dtype)
    out = normalise_text(s)
    assert out.index.tolist() == [10, 20, 30]
    assert out.dtype == s.dtype
    assert out[10] == "a\n\nb" and out[30] == "c"
    assert pd.isna(out[20])


def test_normalise_text_does_not_modify_its_input():
    s = pd.Series(["a  \n\n\n\nb"])
    normalise_text(s)
    assert s.tolist() == ["a  \n\n\n\nb"]


def test_not_a_series_is_a_type_error():
    with pytest.raises(TypeError, match="Series"):
        normalise_text(["a list"])  # type: ignore[arg-type]


def test_docstring_examples_run():
    failures, tried = doctest.testmod(clean, optionflags=doctest.ELLIPSIS)
    assert tried >= 6 and failures == 0


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=5))
def test_normalise_text_is_idempotent_and_keeps_visible_characters(texts):
    once = normalise_text(pd.Series(texts, dtype="string"))
    assert normalise_text(once).tolist() == once.tolist()
    for before, after in zip(texts, once, strict=True):
        assert "\r" not in after
        assert "\n\n\n" not in after
        assert after == after.strip()
        # Nothing but white space is ever removed or added (after Unicode composition).
        visible = [c for c in normalise_unicode(pd.Series([before]))[0] if not c.isspace()]
        assert [c for c in after if not c.isspace()] == visible


# -- repair_mojibake --------------------------------------------------------------------------------

from helpers.clean import (  # noqa: E402
    NON_ANSWER_PATTERNS,
    audit_notes,
    classify_non_answers,
    clean_comments,
    detect_language,
    non_answer_kind,
    repair_mojibake,
    suspect_mojibake,
)
from helpers.schema import validate_comments, validate_exclusions  # noqa: E402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CafÃ©", "Café"),  # UTF-8 read as Windows-1252
        ("Itâ€™s â€œfineâ€\x9d â€“ really", "It’s “fine” – really"),
        ("Â£5 per ticket", "£5 per ticket"),
        ("smile ðŸ™‚", "smile 🙂"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("&#8220;quoted&#8221;", "“quoted”"),
        ("line one_x000D_\nline two", "line one\nline two"),  # Excel's escaped carriage return
        ("tab_x0009_here", "tab\there"),
    ],
)
def test_repair_mojibake_fixes(text, expected):
    assert repair_mojibake(pd.Series([text])).tolist() == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "“Curly quotes” stay curly… and so do ellipses – and dashes",
        "Emoji 🙂👍 stay",
        "\ufb01ne ligatures and ｆｕｌｌ width stay",
        "Très bien, à bientôt, Grüße, ½ price",
        "« Guillemets » and café»",  # suspected by the cheap test, left alone by ftfy
        "AT&T and R&D; plain ampersands",
        "",
    ],
)
def test_repair_mojibake_leaves_correct_text_alone(text):
    assert repair_mojibake(pd.Series([text])).tolist() == [text]


def test_repair_mojibake_keeps_index_dtype_and_missing_values():
    s = pd.Series(["CafÃ©", None, "ok"], index=[5, 6, 7], dtype="string")
    out = repair_mojibake(s)
    assert out.index.tolist() == [5, 6, 7] and out.dtype == s.dtype
    assert out[5] == "Café" and pd.isna(out[6]) and out[7] == "ok"
    assert s[5] == "CafÃ©"  # the input is not modified


def test_suspect_mojibake_is_a_cheap_over_approximation():
    s = pd.Series(["CafÃ©", "clean text", "Â£", "x &amp; y", "_x000D_", "Très bien", None])
    assert suspect_mojibake(s).tolist() == [True, False, True, True, True, False, False]


# -- detect_language ----------------------------------------------------------------------------------

SENTENCES = {
    "en": "The new cycle lanes have made the high street much safer for children walking to school.",
    "fr": "Les nouvelles pistes cyclables ont rendu la rue principale beaucoup plus sûre pour les enfants.",
    "de": "Die neuen Radwege haben die Hauptstraße für Kinder auf dem Schulweg viel sicherer gemacht.",
    "es": "Los nuevos carriles para bicicletas han hecho la calle principal mucho más segura para los niños.",
    "cy": "Mae'r lonydd beicio newydd wedi gwneud y stryd fawr yn llawer mwy diogel i blant sy'n cerdded i'r ysgol.",
    "pl": "Nowe ścieżki rowerowe sprawiły, że główna ulica jest znacznie bezpieczniejsza dla dzieci idących do szkoły.",
}


@pytest.mark.parametrize(("code", "text"), list(SENTENCES.items()))
def test_detect_language(code, text):
    assert detect_language(pd.Series([text])).tolist() == [code]


def test_detect_language_too_short_unsure_or_missing_is_na():
    s = pd.Series(["Agreed.", "12345 67890 12345 67890", "Social Obamedia | mitchsava.com", None, "   "])
    assert detect_language(s).isna().all()
    assert detect_language(pd.Series(["I agree with it."]), min_chars=5).tolist() == ["en"]


def test_detect_language_matches_py3langid_on_every_distinct_text():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(sorted({c for c in ident.nb_classes if len(c) == 2}))
    texts = list(SENTENCES.values()) + [
        "I think the proposal is fine but the consultation period was far too short for most people.",
        "ALL CAPITALS TEXT IS SCORED IN LOWER CASE AS PY3LANGID DOES",
        "Ik vind dat de gemeente meer moet doen aan de luchtkwaliteit in de binnenstad.",
        "Penso que a câmara devia fazer mais pela qualidade do ar no centro da cidade.",
        "Мы считаем, что город должен больше заботиться о качестве воздуха.",
        "私たちは市が大気の質についてもっと努力すべきだと考えています。",
    ]
    expected = [ident.classify(t) for t in texts]
    got = detect_language(pd.Series(texts), min_confidence=0.0)
    assert got.tolist() == [lang for lang, _ in expected]
    # The same text twice, in another order, gets the same answer (scored once per distinct value).
    again = detect_language(pd.Series(texts[::-1] + texts), min_confidence=0.0)
    assert again.tolist() == [lang for lang, _ in expected[::-1] + expected]


def test_detect_language_of_nothing_but_missing_values():
    assert detect_language(pd.Series([None, None], dtype="string")).isna().tolist() == [True, True]
    assert detect_language(pd.Series([], dtype="string")).tolist() == []


def test_detect_language_in_worker_processes_gives_the_same_answer(monkeypatch, worker_pools):
    from helpers import clean

    texts = pd.Series([*SENTENCES.values(), None, "Too short", *SENTENCES.values()], dtype="string")
    one = detect_language(texts, n_jobs=1)
    assert one.tolist()[: len(SENTENCES)] == list(SENTENCES)  # each sentence's own language
    assert worker_pools == []
    monkeypatch.setattr(clean, "_LANGUAGE_GROUP", 2)  # several groups of distinct texts
    pd.testing.assert_series_equal(detect_language(texts), one)
    assert worker_pools == [(2,)]  # the worker processes did run


def test_detect_language_restricted_and_truncated():
    text = SENTENCES["es"]
    assert detect_language(pd.Series([text]), languages=["en", "fr"], min_confidence=0.0).tolist()[0] in ("en", "fr")
    long = pd.Series([SENTENCES["de"] + " " + SENTENCES["en"] * 200])
    assert detect_language(long, max_chars=80).tolist() == ["de"]
    with pytest.raises(ValueError, match="unknown language"):
        detect_language(pd.Series([text]), languages=["xx"])
    with pytest.raises(ValueError, match="min_chars"):
        detect_language(pd.Series([text]), min_chars=-1)


# -- non-answers --------------------------------------------------------------------------------------

NON_ANSWERS = [
    "N/A", "n/a", "N/A.", " n / a ", "NA", "n.a.", "N\\A", "None", "none.", "NIL", "Nothing", "nothing!",
    "Nothing to add", "Nothing further to add.", "Nothing else", "No comment", "No comments.",
    "No further comments", "No further comment at this time", "No", "no.", "NO!", "Nope", "-", ".", "?",
    "...", "- - -", "Not applicable", "NOT APPLICABLE.", "No answer", "No response", "“None”", "(none)",
    "Nothing 🙂", "Nope 😀", "None 👍🏽",
    # "nothing" said at greater length (NHS feedback: "Absolutely nothing", "No nothing", "Not a thing")
    "Nothing at all", "Absolutely nothing.", "No nothing", "No, nothing", "Nothing really", "Not a thing",
    "Can\u2019t think of anything", "I cannot think of anything else", "Nothing I can think of", "Not really",
    "None at all", "Nothing needs improving", "Nothing to improve",
    # a pointer to another answer: nothing of its own (a consultation audit found 24 "See above" in one question)
    "See above", "As above.", "Same as above", "Please see my previous answer", "See answer to question 1",
    "As per my response to Q1", "see q2", "As stated above", "Refer to previous response",
]
ANSWERS = [
    "No, because the buses are full", "No - the fares are too high", "Nothing works in this town",
    "None of the options suit me", "Not sure", "Don't know", "No opinion", "Yes", "Agree", "OK",
    "Not applicable to rural areas, but yes for towns", "Nobody asked us", "Nowhere to park", "N/A - see my letter",
    "🙂", "👍", "Nah, this plan is terrible and here is why", "Noted", "NHS", "No comment on Q1 but Q2 is wrong",
    "See above - I strongly object", "As above, plus the cost of signs", "See the evidence above",
    "Nothing, the staff were lovely", "Nothing been happy with everything", "Everything", "Not a thing was wrong",
    "Nothing at all was explained", "Can't think of anything better than the new bus",
]


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_non_answers(text):
    assert classify_non_answers(pd.Series([text])).tolist() == [True]


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_are_not_non_answers(text):
    assert classify_non_answers(pd.Series([text])).tolist() == [False]


def test_blank_and_missing_are_not_non_answers():
    assert classify_non_answers(pd.Series(["", "   ", None])).tolist() == [False, False, False]


def test_non_answer_kind_names_the_pattern():
    kinds = non_answer_kind(pd.Series(["n/a", "No further comments", "...", "Nothing to add", "fine", "As above"]))
    assert kinds.tolist() == ["n/a", "no comment", "punctuation only", "nothing", pd.NA, "see above"]
    assert set(kinds.dropna()) <= set(NON_ANSWER_PATTERNS) | {"punctuation only"}


def test_a_long_text_is_never_a_non_answer():
    assert classify_non_answers(pd.Series(["Nothing " + "x" * 80])).tolist() == [False]


# -- clean_comments -----------------------------------------------------------------------------------


def _table(rows, **extra):
    """A comments table from (comment_id, parent_id, kind, text) tuples, plus optional columns."""
    ids = [r[0] for r in rows]
    t = pd.DataFrame(
        {
            "comment_id": ids,
            "parent_id": [r[1] for r in rows],
            "thread_id": ids,
            "author": None,
            "created_at": pd.NaT,
            "text": [r[3] for r in rows],
            "kind": [r[2] for r in rows],
            "source": "in.csv",
            "source_row": range(2, len(rows) + 2),
            **extra,
        }
    )
    # thread_id: the root of each chain (enough for these small tables)
    parents = {r[0]: r[1] for r in rows}
    roots = []
    for i in ids:
        while parents[i] is not None:
            i = parents[i]
        roots.append(i)
    t["thread_id"] = roots
    return validate_comments(t)


LONG = "The council should keep the library open on Saturdays for families."


def test_clean_comments_excludes_blanks_non_answers_and_duplicates():
    t = _table(
        [
            ("a", None, "response", LONG),
            ("b", None, "response", "N/A"),
            ("c", None, "response", "   "),
            ("d", None, "response", LONG.upper().replace(" ", "  ")),  # same text again, differently typed
            ("e", None, "response", LONG),  # same text, other respondent
            ("f", None, "response", LONG),  # same respondent, other question
        ],
        respondent_id=["r1", "r2", "r3", "r1", "r2", "r1"],
        question_id=["q1", "q1", "q1", "q1", "q1", "q2"],
    )
    kept, excluded, audit = clean_comments(t)
    assert kept["comment_id"].tolist() == ["a", "e", "f"]
    assert excluded[["record_id", "reason", "source_row"]].values.tolist() == [
        ["b", "non_answer", 3],
        ["c", "blank", 4],
        ["d", "duplicate_submission", 5],
    ]
    assert excluded["detail"].tolist() == [
        "the whole text is a non-answer (n/a)",
        "no text after cleaning",
        "same respondent and text as a",
    ]
    assert (excluded["source"] == "in.csv").all()
    assert excluded["question_id"].tolist() == ["q1", "q1", "q1"]  # the questions they answered
    assert audit["non_answer"] == 1 and audit["blank"] == 1 and audit["duplicate_submission"] == 1
    assert audit["rows_from_reader"] == 6 and audit["rows_kept"] == 3
    assert audit["language"] == {"en": 3} and audit["language_undetermined"] == 0
    validate_comments(kept)
    validate_exclusions(excluded)


def test_petitions_are_cleaned_like_comments():
    t = _table([("1", None, "petition", "Plant more trees in towns"), ("2", None, "petition", "  "),
                ("3", None, "petition", "N/A")])
    kept, excluded, audit = clean_comments(t)
    assert kept["comment_id"].tolist() == ["1"]
    assert excluded[["record_id", "reason"]].values.tolist() == [["2", "blank"], ["3", "non_answer"]]
    assert (audit["rows_from_reader"], audit["blank"], audit["non_answer"]) == (3, 1, 1)


def test_posts_pingbacks_and_placeholders_are_never_excluded():
    t = _table(
        [
            ("p", None, "post", ""),
            ("pb", "p", "pingback", "No"),
            ("tb", "p", "trackback", "-"),
            ("c", "p", "comment", "See attached"),
            ("n", "p", "comment", "N/A"),
        ],
        is_placeholder=[False, False, False, True, True],
    )
    kept, excluded, audit = clean_comments(t)
    assert kept["comment_id"].tolist() == ["p", "pb", "tb", "c", "n"]
    assert excluded.empty and audit["non_answer"] == audit["blank"] == 0


def test_a_non_answer_that_others_reply_to_stays_as_a_placeholder():
    t = _table(
        [
            ("q", None, "comment", "No"),
            ("a1", "q", "reply", "Why not? I think the library is worth keeping open."),
            ("x", None, "comment", "Nothing"),
            ("x1", "x", "reply", "?"),  # a non-answer replying to a non-answer: both go
            ("b", None, "comment", ""),
            ("b1", "b", "reply", "-"),
            ("b2", "b1", "reply", LONG),  # keeps b1 and, through it, b
        ]
    )
    kept, excluded, audit = clean_comments(t)
    assert kept["comment_id"].tolist() == ["q", "a1", "b", "b1", "b2"]
    assert kept["is_placeholder"].tolist() == [True, False, False, True, False]
    assert sorted(excluded["record_id"]) == ["x", "x1"]
    assert audit["kept_as_thread_anchor"] == 3
    validate_comments(kept)  # every parent_id still points at a kept row


def test_no_duplicates_without_respondents():
    t = _table([("a", None, "response", LONG), ("b", None, "response", LONG)])
    kept, excluded, _ = clean_comments(t)
    assert kept["comment_id"].tolist() == ["a", "b"] and excluded.empty


def test_clean_comments_repairs_text_and_keeps_given_languages():
    t = _table(
        [
            ("a", None, "comment", "Itâ€™s a good idea to open the library on Sundays as well."),
            ("b", None, "comment", "C'est une bonne idée d'ouvrir la bibliothèque le dimanche."),
            ("c", None, "comment", "Short"),
        ],
        language=["en", "cy", None],
        title=["CafÃ©", None, None],
    )
    kept, _, audit = clean_comments(t)
    assert kept["text"].tolist()[0] == "It’s a good idea to open the library on Sundays as well."
    assert kept["title"].tolist()[0] == "Café"
    assert kept["language"].tolist()[:2] == ["en", "cy"]  # "cy" as the reader gave it, though the text is French
    assert pd.isna(kept["language"].iloc[2])  # too short to tell
    assert audit["mojibake_repaired"] == 1 and audit["language"] == {"cy": 1, "en": 1}


def test_future_dates_are_counted_and_noted():
    t = _table([("a", None, "comment", LONG), ("b", None, "comment", LONG + "!"), ("c", None, "comment", "x")])
    t["created_at"] = pd.to_datetime(["2020-01-01", "2031-01-01", None], utc=True)
    kept, _, audit = clean_comments(t, now=pd.Timestamp("2030-06-01", tz="UTC"))
    assert len(kept) == 3 and audit["future_dates"] == 1
    assert audit_notes(audit) == ["1 date is in the future (later than the time of reading); kept as given"]
    with pytest.raises(ValueError, match="timezone"):
        clean_comments(t, now=pd.Timestamp("2030-06-01"))


def test_clean_comments_on_an_empty_table():
    kept, excluded, audit = clean_comments(validate_comments(_table([("a", None, "comment", "")]).iloc[:0]))
    assert kept.empty and excluded.empty and audit["rows_from_reader"] == 0 and audit["language"] == {}
    assert "language" in kept.columns


def test_clean_comments_needs_a_comments_table():
    with pytest.raises(TypeError):
        clean_comments(["not", "a", "table"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lacks"):
        clean_comments(pd.DataFrame({"text": ["a"]}))


_texts = st.sampled_from(["", " ", "N/A", "No", "-", LONG, LONG + "?", "CafÃ© au lait, s'il vous plaît", "x"])


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.tuples(_texts, st.integers(0, 5), st.sampled_from(["comment", "reply", "post", "response"]),
                          st.sampled_from([None, "r1", "r2"])), min_size=1, max_size=12))
def test_clean_comments_invariants(rows):
    ids = [f"c{i}" for i in range(len(rows))]
    # a reply to an earlier row (chains and siblings), or a top-level row
    parents = [ids[i - 1 - p % i] if (p and i) else None for i, (_, p, _, _) in enumerate(rows)]
    t = _table(
        [(ids[i], parents[i], ("reply" if parents[i] and k == "comment" else k), text)
         for i, (text, _, k, _) in enumerate(rows)],
        respondent_id=[r for *_, r in rows],
    )
    kept, excluded, audit = clean_comments(t)
    assert len(kept) + len(excluded) == len(t)  # every row accounted for
    assert sorted(kept["comment_id"].tolist() + excluded["record_id"].tolist()) == sorted(ids)
    validate_comments(kept)  # parent_ids valid, dtypes canonical
    validate_exclusions(excluded)
    assert audit["rows_kept"] == len(kept)
    assert audit["blank"] + audit["non_answer"] + audit["duplicate_submission"] == len(excluded)
    assert not kept["kind"].isin(["post"]).sum() < t["kind"].eq("post").sum()  # posts always kept
    for text in excluded["detail"]:
        assert LONG not in text  # the detail never repeats the text
