"""Stated positions (helpers.stance): hand-written sentences whose position is known by construction, a
planted run through the stage and the briefing, and the CMS-2022-0163 docket against one reader's labels
(tests/fixtures/stance/README.md)."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from helpers import briefing, stages
from helpers.stance import position_counts, stated_positions
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES

# (text, position): each worked out by reading the sentence
CASES = [
    ("I am writing to urge CMS to reject this proposal. Patients have the right to know.", "oppose"),
    ("We welcome the plan.", "support"),
    ("I oppose racism.", "none"),  # not the proposal
    ("I support patients' right to choose.", "none"),
    ("I support the plan but oppose these changes.", "mixed"),
    ("I support the staff but oppose these changes.", "oppose"),  # the staff are not the proposal
    ("I strongly oppose this scheme being dropped.", "support"),  # opposing its removal
    ("I do not support this proposal.", "oppose"),
    ("I don\u2019t support it.", "oppose"),  # a curly apostrophe
    ("We don't oppose the rule.", "none"),  # not opposing is not support
    ("I urge you not to adopt the proposed rule.", "oppose"),
    ("I urge CMS to not move forward with this.", "oppose"),
    ("Please reject this rule!", "oppose"),
    ("Reject this proposal!", "oppose"),  # an instruction
    ("Please, Minister, reject this proposal.", "oppose"),  # to someone named
    ("Please do not do this.", "oppose"),
    ("Please adopt the proposed changes.", "support"),
    ("The proposal should not go ahead.", "oppose"),
    ("These changes should be rejected.", "oppose"),
    ("These changes must be implemented.", "support"),
    ("I am writing in support of the proposed rule.", "support"),
    ("Our association is opposed to the changes.", "oppose"),
    ("Saber Healthcare Group supports the proposal.", "support"),  # an organisation's name
    ("Research supports this approach.", "none"),  # one capitalised word is not an organisation
    ("The proposal asks providers to adopt the rule.", "none"),  # the proposal is not a person asking
    ("I am not in favour of it.", "oppose"),
    ("I am not against this.", "none"),
    ("I agree with you.", "none"),
    ("Should this plan go ahead?", "none"),  # a question states nothing
    ("Who thought this was a good idea?", "none"),
    ("I think this proposal is a terrible idea.", "oppose"),
    ("I vote no!", "oppose"),
    ("Say no to the plan.", "oppose"),
    # opposing the proposal's removal, or asking that it not be dropped, is support (a review of the first
    # version found these read as opposition)
    ("Please do not withdraw the proposal.", "support"),
    ("Please don't scrap the scheme.", "support"),
    ("I urge you not to abandon the plan.", "support"),
    ("I don't want you to reject this proposal.", "support"),
    ("I strongly oppose the removal of the scheme.", "support"),
    ("I oppose the scrapping of this policy.", "support"),
    ("I could not agree with this proposal more.", "support"),
    ("I express no support for this proposal.", "oppose"),
    # what there is now, another option, or a decision to drop it, is not the proposal
    ("I support the current rules.", "none"),
    ("I want to keep the current policy.", "none"),
    ("I support an alternative plan.", "none"),
    ("I welcome the decision to scrap the plan.", "none"),
    ("Our economy can't continue to support it.", "none"),  # an economy is not a speaker
    ("I support the development of renewable energy.", "none"),
    # full stops that do not end the sentence
    ("We urge the U.S. Department of Health to withdraw the proposed rule.", "oppose"),
    ("I oppose the $1.5 billion plan.", "oppose"),
    ("Dr. Patel and I strongly oppose this proposal.", "oppose"),
    ("The weather is nice and the staff were kind.", "none"),
    ("", "none"),
]


def test_each_hand_written_sentence_states_the_position_it_was_written_to():
    texts = pd.Series([t for t, _ in CASES], index=range(100, 100 + len(CASES)))
    got = stated_positions(texts)
    assert got.index.tolist() == texts.index.tolist()  # indexed like the input
    assert list(zip(texts, got["position"], strict=True)) == CASES


def test_the_cue_is_the_sentence_as_written_and_missing_without_a_position():
    got = stated_positions(pd.Series(["Thanks for asking. WE STRONGLY OPPOSE the plan. Regards", "Hello there."]))
    assert got["position_cue"].tolist()[0] == "WE STRONGLY OPPOSE the plan."
    assert pd.isna(got["position_cue"].iloc[1])
    assert got["position"].tolist() == ["oppose", "none"]
    # an abbreviation does not cut the quoted sentence, and the text is quoted as written (’ kept)
    got = stated_positions(pd.Series(["Dr. Patel and I don\u2019t support this proposal. Thanks."]))
    assert got["position_cue"].tolist() == ["Dr. Patel and I don\u2019t support this proposal."]


def test_proposal_terms_name_this_corpus_s_proposal():
    texts = pd.Series(["We support a national directory of providers.", "I oppose the 20 mph limit."])
    assert stated_positions(texts)["position"].tolist() == ["none", "none"]
    got = stated_positions(texts, proposal_terms=["National  Directory", "20 mph limit"])  # case and spaces folded
    assert got["position"].tolist() == ["support", "oppose"]


def test_counts_list_every_position_in_order():
    assert position_counts(pd.Series(["support", "none", "support"], dtype="string")) == {
        "oppose": 0, "support": 2, "mixed": 0, "none": 1}


# ------------------------------------------------------------------ a planted run, stage and briefing

LETTER = ("Thank you for this wonderful consultation and for the lovely new leaflets about our library. I am "
          "writing to urge you to reject this proposal, which would close the library on Saturdays.")
SUPPORT = [
    "I strongly support the plan because the new evening hours suit working parents like me.",
    "We welcome the proposal: the reading room needs the repairs it pays for.",
    "I am in favour of the changes, since the Saturday staff can run the homework club instead.",
    "Our residents association supports the plan to open on Sunday afternoons.",
    "I support this proposal; the building is cold and empty on Saturday mornings anyway.",
    "We support the changes and hope the savings go to the children's section.",
    "I fully support the plan, which keeps the mobile library van running to the villages.",
    "Please adopt the proposed changes so the library can afford new computers.",
]
OTHER = [
    "The bus service is late every morning and the buses are overcrowded on the high street.",
    "Recycling collections are missed every week and the bins are far too small for families.",
    "Potholes on Mill Lane have damaged two of my tyres this winter and nothing has been repaired.",
    "Street lights on the estate are off after midnight which makes walking home feel unsafe.",
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """12 copies of a polite letter urging rejection, 8 people supporting the plan in their own words,
    20 saying nothing about it: 40 responses."""
    rows = [{"id": f"c{i}", "author": f"Sender {i}", "text": LETTER} for i in range(12)]
    rows += [{"id": f"s{i}", "author": f"Backer {i}", "text": t} for i, t in enumerate(SUPPORT)]
    rows += [{"id": f"o{i}", "author": f"Resident {i}", "text": f"{OTHER[i % 4]} Note {i}."} for i in range(20)]
    folder = tmp_path_factory.mktemp("positions")
    source = folder / "comments.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    run = folder / "run"
    stages.ingest(run, source=str(source), format="csv", kind="response")  # responses to a consultation
    stages.overview(run)
    stages.campaigns(run)
    stages.themes(run, n_themes=2)
    scores, _, notes = stages.sentiment(run)
    return run, scores, notes


def _visible(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_stage_counts_positions_with_each_campaign_once_and_by_tone(planted):
    run, scores, notes = planted
    by_id = scores.set_index("comment_id")["position"]
    assert set(by_id[[f"c{i}" for i in range(12)]]) == {"oppose"}
    assert set(by_id[[f"s{i}" for i in range(8)]]) == {"support"}
    assert notes["position_counts"] == {"oppose": 12, "support": 8, "mixed": 0, "none": 20}
    # the letter once: 1 + 8 + 20 texts
    assert notes["content_position_counts"] == {"oppose": 1, "support": 8, "mixed": 0, "none": 20}
    # the letter thanks and praises: VADER reads it positive, all 12 copies alike
    assert notes["position_by_tone"]["oppose"] == {"positive": 12, "neutral": 0, "negative": 0}
    assert stages.load(run, "sentiment")["position_cue"].iloc[0] == (
        "I am writing to urge you to reject this proposal, which would close the library on Saturdays.")


def test_the_briefing_states_positions_apart_from_tone(planted):
    b = briefing.load_briefing_data(planted[0])
    summary = _visible(briefing.summary_section(b))
    # lower bounds, with no interval (support is missed more often than opposition: a bias no interval shows)
    assert ("At least 12 of the 40 responses (30%) say in so many words that they oppose the proposal, and at "
            "least 8 (20%) that they support it; support is put in more ways than opposition and is missed more "
            "often, so compare the two with care.") in summary
    assert "Counting each campaign’s letter once (29 texts), 1 oppose it and 8 support it." in summary
    assert ("tone is not the same as agreement: 12 of the 12 responses that oppose the proposal read as "
            "positive.") in summary
    section = _visible(briefing.positions_section(b))
    assert "Oppose the proposal 12 30% 1 12" in section  # count, share, the letter once, read as positive
    assert "Support it 8" in section and "Neither, in so many words 20" in section
    # one quote per side at least: the letter's sentence, and a supporter's own
    assert "I am writing to urge you to reject this proposal, which would close the library on Saturdays." in section
    assert re.search(r"Supporting it, for example: .+ Response s\d", section)
    assert "read each count as at least this many" in section
    assert "Stated positions" in _visible(briefing.methodology_section(b))
    assert "states one outright" in _visible(briefing.caveats_section(b))


def test_positions_are_only_given_where_there_is_a_proposal(planted, tmp_path):
    # the same texts as comments on a blog: "I agree with this." answers another comment, not a proposal
    b = briefing.load_briefing_data(planted[0])
    b.overview = dict(b.overview, by_kind=[{"kind": "comment", "count": 40}])
    assert briefing.positions_section(b) == "" and "in so many words" not in _visible(briefing.summary_section(b))
    # ... unless the run names its proposal
    b.sentiment_notes = dict(b.sentiment_notes, parameters=dict(b.sentiment_notes["parameters"],
                                                               proposal_terms=["library hours"]))
    assert "Oppose the proposal 12" in _visible(briefing.positions_section(b))


def test_no_section_when_nobody_states_a_position(tmp_path):
    source = tmp_path / "c.csv"
    pd.DataFrame({"id": [f"o{i}" for i in range(8)], "text": [f"{OTHER[i % 4]} Note {i}." for i in range(8)]}
                 ).to_csv(source, index=False)
    run = tmp_path / "run"
    stages.ingest(run, source=str(source), format="csv")
    stages.overview(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    b = briefing.load_briefing_data(run)
    assert briefing.positions_section(b) == ""
    assert "in so many words" not in _visible(briefing.summary_section(b))


# ------------------------------------------------------------------ real data: CMS-2022-0163


def _agrees(found: str, label: str) -> bool:
    """A position found agrees with the reader's label when it is the same, or is one side of a "mixed"."""
    return found == label or (label == "mixed" and found in ("oppose", "support"))


@pytest.mark.shared
@pytest.mark.parametrize(("terms", "min_support_recall"), [((), 0.15),
                                                           (("directory", "national directory", "ndh", "database"),
                                                            0.45)])
def test_cms_positions_against_one_reader_s_labels(terms, min_support_recall):
    from helpers.ingest import read

    comments = read(shared_corpus("regulationsgov-CMS-2022-0163", "comments")).comments
    comments = stages.analysed_comments(comments)
    found = stated_positions(comments["text"], proposal_terms=terms).assign(comment_id=comments["comment_id"])
    labels = pd.read_csv(FIXTURES.parent / "stance" / "cms-2022-0163-positions.csv", dtype=str)
    both = found.merge(labels, on="comment_id", how="left", validate="one_to_one")
    assert both["label"].notna().all()  # every analysed response was labelled
    stated = both[both["position"] != "none"]
    agree = [_agrees(f, lab) for f, lab in zip(stated["position"], stated["label"], strict=True)]
    assert len(stated) >= 240 and sum(agree) / len(stated) >= 0.97  # nearly every position found is right

    def recall(label: str) -> float:
        explicit = both[(both["label"] == label) & (both["explicit"] == "yes")]
        return float((explicit["position"] == label).mean())

    assert recall("oppose") >= 0.85  # the form letter and most objections say "reject" or "oppose"
    assert recall("support") >= min_support_recall  # support is said in many more ways
