"""Personal-data redaction: hand-worked cases of what is removed and, as important, what is not."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from helpers import redact
from helpers.redact import PLACEHOLDERS, luhn_valid, redact_names, redact_text
from helpers.textscan import may_match

EMAIL, PHONE, POSTCODE = PLACEHOLDERS["email"], PLACEHOLDERS["phone"], PLACEHOLDERS["postcode"]
NI, CARD, URL = PLACEHOLDERS["ni_number"], PLACEHOLDERS["card"], PLACEHOLDERS["url_secret"]


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        # emails
        ("mail jo.bloggs@example.com now", f"mail {EMAIL} now", "email"),
        ("A.Person+consult@mail.example.org.", f"{EMAIL}.", "email"),
        ("(x_y%z@sub-domain.co.uk)", f"({EMAIL})", "email"),
        # UK phones
        ("call 07700 900123", f"call {PHONE}", "phone"),
        ("call 07700900123!", f"call {PHONE}!", "phone"),
        ("tel 020 7946 0958", f"tel {PHONE}", "phone"),
        ("tel (0161) 496 0000", f"tel {PHONE}", "phone"),
        ("tel 01632 960 001", f"tel {PHONE}", "phone"),
        ("ring 0800-123-4567", f"ring {PHONE}", "phone"),
        # international phones
        ("+44 7700 900456", PHONE, "phone"),
        ("+44 (0)20 7946 0958", PHONE, "phone"),
        ("0044 7700 900123", PHONE, "phone"),
        ("+1 415 555 2671", PHONE, "phone"),
        ("+33 1 23 45 67 89", PHONE, "phone"),
        ("(415) 555-2671", PHONE, "phone"),
        ("415-555-2671", PHONE, "phone"),
        # postcodes
        ("SW1A 2AA", POSTCODE, "postcode"),
        ("London EC1A1BB.", f"London {POSTCODE}.", "postcode"),
        ("m1 1ae", POSTCODE, "postcode"),
        ("B33 8TH", POSTCODE, "postcode"),
        ("W1A 0AX and CR2 6XH", f"{POSTCODE} and {POSTCODE}", "postcode"),
        # National Insurance numbers
        ("NI QQ 12 34 56 C", f"NI {NI}", "ni_number"),
        ("ab123456d", NI, "ni_number"),
        # card numbers (Luhn-valid)
        ("4111 1111 1111 1111", CARD, "card"),
        ("5500-0000-0000-0004", CARD, "card"),
        ("378282246310005", CARD, "card"),
        # links carrying keys or tokens
        ("see https://x.example/a?b=1&access_token=XYZ.", f"see {URL}.", "url_secret"),
        ("www.example.com/?api_key=123", URL, "url_secret"),
        ("https://s3.example.com/b/o?X-Amz-Signature=abc&x=1", URL, "url_secret"),
        ("https://a.example/cb#session=abc", URL, "url_secret"),
        ("https://a.example/x?sig=zz", URL, "url_secret"),
        ("http://user:pass@host.example/", URL, "url_secret"),
    ],
)
def test_redacted(text, expected, kind):
    out, counts = redact_text(text)
    assert out == expected
    assert counts[kind] == expected.count(PLACEHOLDERS[kind]) >= 1
    assert sum(counts.values()) == counts[kind]  # counted once, as the right kind


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 and 2024 we met.",
        "It cost £1,250.99, then $12,000,000.",
        "Write to 10 Downing Street, London.",
        "Python 3.11.2, v1.2.3 and 10.0.19045.",
        "On 2024-01-15 at 10:30, 15/01/2024.",
        "Only 45 people out of 1200 (3.75%).",
        "Reference 1234567890123 is not a card (Luhn fails).",
        "4111 1111 1111 1112",  # one digit off a valid card
        "See https://www.gov.uk/guidance?page=2 for details.",  # an ordinary link stays
        "Grade A1 1st class, the M5 2nd exit, and A roads.",
        "Call me on Monday, or email me at the office.",
        "Flat 3, 42 High Street; 0.5 miles; 100 000 signatures.",
        "Team of 12, 15 and 3; ids 0001 and 007.",
    ],
)
def test_not_redacted(text):
    out, counts = redact_text(text)
    assert out == text
    assert not any(counts.values())


def test_kinds_are_applied_in_order_and_counted_per_kind():
    text = ("jo@example.com 07700 900123 SW1A 2AA QQ123456C 4111111111111111 "
            "https://a.example/?token=1 +44 20 7946 0958 Dr Gordon")
    out, counts = redact_text(text)
    assert counts == {"url_secret": 1, "email": 1, "card": 1, "ni_number": 1, "phone": 2, "postcode": 1,
                      "titled_name": 1, "name": 0}
    for digits in ("07700", "900123", "4111", "7946", "SW1A"):
        assert digits not in out


@pytest.mark.parametrize(("text", "expected"), [
    # staff named in NHS feedback (the real cases had no title: "Tracey was my CPN" stays, as documented)
    ("Fay, Nicky and Dr Gordon were great.", "Fay, Nicky and Dr [name removed] were great."),
    ("Dr. Jane Smith saw me", "Dr. [name removed] saw me"),
    ("Mrs O'Brien, Cllr Ann-Marie Jones and Prof McDonald", "Mrs [name removed], Cllr [name removed] and Prof "
                                                            "[name removed]"),
    ("The Nurse Practitioner and Nurse Specialists were kind", "The Nurse Practitioner and Nurse Specialists "
                                                              "were kind"),
    ("Sister Anne Practitioner", "Sister [name removed] Practitioner"),
    # a field or a body after the title: an organisation's name (an audit of the CMS briefing)
    ("American Association of Nurse Anesthesiology and the Nurse Executives Council",
     "American Association of Nurse Anesthesiology and the Nurse Executives Council"),
    ("Nurse Jane Training", "Nurse [name removed] Training"),
    ("DrGordon, dr gordon and DR GORDON", "DrGordon, dr gordon and DR GORDON"),
    # found in review: the next sentence is not a surname; initials and accents; a ward is no one
    ("Thanks to Dr Smith The ward was clean", "Thanks to Dr [name removed] The ward was clean"),
    ("Mr A Smith and Dr. J. Jones", "Mr [name removed] and Dr. [name removed]"),
    ("Dr José García saw me", "Dr [name removed] saw me"),
    ("Sister Ward was closed, so I Miss Out", "Sister Ward was closed, so I Miss Out"),
    # police named in a consultation on policing (an audit's "PC Hughes and Sgt Davies" stayed)
    ("Thanks to PC Hughes and Sgt Davies.", "Thanks to PC [name removed] and Sgt [name removed]."),
    ("PCSO Ann Lee and Inspector Patel came", "PCSO [name removed] and Inspector [name removed] came"),
    ("my PC is slow and the PCSO team came", "my PC is slow and the PCSO team came"),
])
def test_names_after_a_title_are_removed_and_the_title_kept(text, expected):
    out, counts = redact_text(text)
    assert out == expected
    assert counts["titled_name"] == expected.count("[name removed]")


def test_a_titled_name_is_a_fragment_for_labels_but_the_title_is_not():
    found: set[str] = set()
    redact.redact(pd.Series(["Thanks to Dr Gordon Brown"]), found=found)
    assert redact.fragment_words(found) == {"gordon", "brown"}


def test_series_keeps_index_and_missing_values():
    s = pd.Series(["jo@example.com", None, "nothing here"], index=[10, 11, 12])
    out, counts = redact.redact(s)
    assert out.index.tolist() == [10, 11, 12]
    assert out.tolist() == [EMAIL, pd.NA, "nothing here"]
    assert counts["email"] == 1


def test_only_chosen_kinds():
    out, counts = redact.redact(["jo@example.com 07700 900123"], kinds=["phone"])
    assert out.tolist() == [f"jo@example.com {PHONE}"]
    with pytest.raises(ValueError, match="unknown kind"):
        redact.redact(["x"], kinds=["shoe_size"])


def test_found_collects_what_was_removed_and_its_fragments():
    found: set[str] = set()
    redact.redact(["ring 07700 900123 or jo.bloggs@example.com"], found=found)
    assert found == {"07700 900123", "jo.bloggs@example.com"}
    words = redact.fragment_words(found)
    assert {"07700", "900123", "jo", "bloggs", "example"} <= words and "com" not in words
    assert redact.drop_fragments(["library hours", "900123", "jo bloggs"], words) == ["library hours"]


@pytest.mark.parametrize(("number", "valid"), [("4111111111111111", True), ("4111111111111112", False),
                                                ("79927398713", True), ("0", True), ("", False)])
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


def test_names_multiword_any_case_single_word_as_written():
    texts = ["Thanks JO BLOGGS and Priya.", "priya will see; Will said so", "Anonymous wrote this"]
    out, n = redact_names(texts, ["Jo Bloggs", "Priya", "Will", "Anonymous", "X"])
    assert out.tolist() == ["Thanks [name removed] and [name removed].", "priya will see; [name removed] said so",
                            "Anonymous wrote this"]
    assert n == 3


def test_names_with_regex_characters_are_literal():
    out, n = redact_names(["Tom O'Neill (Jr.) came", "Tom ONeill"], ["Tom O'Neill (Jr.)"])
    assert out.tolist() == ["[name removed] came", "Tom ONeill"] and n == 1


def test_no_names_is_a_no_op():
    out, n = redact_names(["a b"], [])
    assert out.tolist() == ["a b"] and n == 0


def test_contributor_names_from_authors_and_addressed():
    c = pd.DataFrame({"author": ["Jo Bloggs", None, "Jo Bloggs", "Priya"]})
    assert redact.contributor_names(c, {"addressed": [{"name": "Laura"}, {"name": "Priya"}]}) == [
        "Jo Bloggs", "Priya", "Laura"]


def test_describe_counts():
    assert redact.describe_counts({"email": 1, "phone": 2, "postcode": 0}) == "1 email address and 2 phone numbers"
    assert redact.describe_counts(redact.empty_counts()) == "nothing"


@pytest.mark.parametrize("big", ["a" * 300_000, "1" * 300_000, "+1" * 150_000, "x@" * 150_000,
                                 "http://a.b/?" + "k" * 300_000, "0 " * 150_000])
def test_pathological_input_is_handled(big):
    # Terminates (catastrophic backtracking would hang the suite) and never makes the text longer:
    # each input is far longer than any placeholder that could replace part of it.
    out, _ = redact_text(big)
    assert isinstance(out, str) and len(out) <= len(big)
    if big.isalpha():  # letters alone hold no personal data
        assert out == big


def test_prefilter_lets_through_every_text_a_kind_changes():
    # Pieces of every kind (valid and invalid), separators, Unicode digits and letters that fold to
    # ASCII ones under IGNORECASE (ſ -> s, K -> k), joined at random.
    pieces = ["07700 900123", "020 7946 0958", "+44 (0)20 7946 0958", "(415) 555-2671", "415.555.2671",
              "0044 20 7946 0958", "4111 1111 1111 1111", "4111-1111-1111-1112", "QQ 12 34 56 C", "qq123456c",
              "SW1A 2AA", "m1 1ae", "M5 2nd", "GIR 0AA", "jo@example.org", "a@b", "WWW.x.org/?key=1",
              "https://x.example/doc?id=4&token=abc", "http://u:p@h.com", " ", ", ", ".", "-", "(", ")", "+",
              "1", "12", "123", "٣", "٣٣٣٣٣٣٣٣", "ſ", "K", "é", "x", "2019", "£1,250.99", "\n", "\u00a0",
              "Dr", "Dr.", "Nurse", "Mrs", "DR", "Gordon", "O'Brien", "Ann-Marie", "Practitioner", "Ja", "Ö"]
    rnd = random.Random(4)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(8))) for _ in range(6000)]
    changed = {kind: 0 for kind in redact.KINDS}
    for kind in redact.KINDS:
        let_through = may_match(pd.Series(texts), redact._prefilter(frozenset({kind})))
        repl = redact._REPLACEMENTS.get(kind, redact.PLACEHOLDERS[kind])
        for text, maybe in zip(texts, let_through, strict=True):
            if redact._COMPILED[kind].sub(repl, text) != text:
                changed[kind] += 1
                assert maybe, (kind, text)
    assert all(changed.values())  # every kind was exercised


def test_texts_the_prefilter_rejects_come_back_unchanged_in_place():
    s = pd.Series(["plain words", "mail jo@example.com", None, "also plain"], index=["a", "b", "c", "d"])
    out, counts = redact.redact(s)
    assert out.tolist() == ["plain words", f"mail {EMAIL}", pd.NA, "also plain"]
    assert out.index.tolist() == ["a", "b", "c", "d"] and counts["email"] == 1


def test_a_shop_link_with_keywords_is_kept_and_only_credentials_are_fragments():
    # Staticman: an Amazon link's "keywords=pencil+stylus" was taken for a key, the link removed, and
    # "pencil" and "stylus" struck from the theme "pencil; stylus; paper" as fragments of personal data
    shop = "https://www.amazon.co.uk/pencil-stylus-ipad/dp/B07?keywords=pencil+stylus&tag=abc-21"
    found: set[str] = set()
    out, counts = redact.redact(pd.Series([f"buy {shop} now", "see https://x.example/doc?id=4&access_token=abc123",
                                           "or http://jo:hunter2@h.example/x"]), found=found)
    assert out.tolist()[0] == f"buy {shop} now" and counts["url_secret"] == 2
    assert redact.fragment_words(found) == {"abc123", "jo", "hunter2"}


def test_an_author_without_letters_is_an_id_not_a_name():
    # Polis author ids ("55") removed every "55" from quotes ("older but less than [name removed]")
    c = pd.DataFrame({"author": ["55", "2", "Jo Bloggs", "user 7"]})
    assert redact.contributor_names(c) == ["Jo Bloggs", "user 7"]


@pytest.mark.parametrize(("text", "expected"), [
    ("'Lexit' is just the stupidest fucking thing imaginable", "'Lexit' is just the stupidest f****** thing imaginable"),
    ("Bullshit, utter SHITE and a total arsehole", "B*******, utter S**** and a total a*******"),
    ("Scunthorpe, shitake mushrooms, Cockburn", "Scunthorpe, shitake mushrooms, Cockburn"),
])
def test_strong_swearing_is_starred_for_the_briefing(text, expected):
    out, n = redact.mask_swearing(pd.Series([text]))
    assert out.tolist() == [expected]
    assert n == sum("*" in word for word in expected.split())


@pytest.mark.parametrize("param", ["sessionToken", "accessKey", "apiToken", "clientSecret", "AWSAccessKeyId",
                                   "api_key", "X-Amz-Signature", "token"])
def test_key_carrying_links_in_any_naming_style(param):
    out, counts = redact.redact(pd.Series([f"see https://x.example/a?{param}=s3cr3t&b=1"]))
    assert out.tolist() == ["see [link with key removed]"] and counts["url_secret"] == 1


@pytest.mark.parametrize("param", ["keywords", "monkey", "tokenize", "keystone"])
def test_words_that_only_contain_a_secret_word_are_not_keys(param):
    text = f"see https://shop.example/a?{param}=pencil"
    assert redact.redact(pd.Series([text]))[0].tolist() == [text]


def test_public_figures_listed_keep_their_names_after_a_title():
    texts = ["Mr Johnson promised a referendum", "Mr B. Johnson said so", "Mr Andrew Johnson is my GP",
             "mrs may? No: Mrs May resigned", "Dr Patel was kind", "MR JOHNSON"]
    found: set[str] = set()
    out, counts = redact.redact(texts, found=found, public_names=["Boris Johnson", "theresa may"])
    assert out.tolist() == ["Mr Johnson promised a referendum", "Mr B. Johnson said so",
                            "Mr [name removed] is my GP",  # a different Johnson: not every word is listed
                            "mrs may? No: Mrs May resigned",  # any case: "May" matches "may"
                            "Dr [name removed] was kind", "MR JOHNSON"]
    assert counts["titled_name"] == 2 and found == {"Andrew Johnson", "Patel"}
    # without the list every one of them goes
    assert redact.redact(texts[:2])[0].tolist() == ["Mr [name removed] promised a referendum",
                                                    "Mr [name removed] said so"]  # initials go too
