"""The briefing's organised-campaign section and sentence, from small run folders built by the stages."""

from __future__ import annotations

import copy
import html
import re

import pandas as pd
import pytest

from helpers import briefing, stages

LETTER = ("Dear Minister, I am writing about the plan to close the Riverside library on Saturdays. "
          "It is the only quiet place in our ward where students can revise for their exams and where older "
          "residents can use the computers to contact their doctor and their bank. Families borrow books there "
          "for free, and the reading groups keep many lonely people in touch. Closing it would save very little "
          "money and would cost the town a great deal. I urge you to keep the library open <b>on Saturdays</b>.")
OWN = [
    "The bus service is late every morning and the buses are overcrowded on the high street.",
    "Recycling collections are missed every week and the bins are far too small for families.",
    "Potholes on Mill Lane have damaged two of my tyres this winter and nothing has been repaired.",
    "Street lights on the estate are off after midnight which makes walking home feel unsafe.",
]


def _visible(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _run(folder, rows, *, campaigns=True):
    source = folder / "comments.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    run = folder / "run"
    stages.ingest(run, source=str(source), format="csv")
    stages.overview(run)
    if campaigns:
        stages.campaigns(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    return run


@pytest.fixture(scope="module")
def with_campaign(tmp_path_factory):
    rows = []
    for i in range(12):  # 12 copies; the first two authors did not consent to publication
        text = LETTER if i % 3 else LETTER.replace("Dear Minister,", "Dear Minister, &amp;amp;")
        if i == 5:
            text += " My son Tom Okafor studies there every weekend."
        rows.append({"id": f"c{i + 1}", "author": f"Writer {i}", "text": text,
                     "consent_to_publish": "no" if i < 2 else "yes"})
    for i in range(28):
        rows.append({"id": f"o{i + 1}", "author": f"Resident {i}", "text": f"{OWN[i % 4]} Note {i}.",
                     "consent_to_publish": "yes"})
    return briefing.load_briefing_data(_run(tmp_path_factory.mktemp("campaign"), rows))


def test_summary_and_section_state_both_views(with_campaign):
    b = with_campaign
    summary = _visible(briefing.summary_section(b))
    # 12 of the 40 responses; the share is 30% with its interval
    assert "Of the 40 responses, 30%" in summary
    assert "came from 1 organised campaign (copies of the same letter" in summary
    # a CSV's text is plain text: the markup in it is shown as written, escaped
    assert "the campaign (12 responses) asked: “I urge you to keep the library open <b>on Saturdays</b>.”" in summary
    # tone with each campaign once as well (the letter sent 12 times weighs once), the same shares as the
    # tone section gives for the 30 texts, without their intervals
    clause = re.search(r"\((\d+%) positive and (\d+%) negative counting each campaign once\); tone is not the same "
                       r"as agreement, and automated scoring misses much criticism put politely\.", summary)
    tone = _visible(briefing.sentiment_section(b))
    assert clause and re.search(rf"Counting each campaign once \(30 texts: .*?\), {clause[1]} \(95% CI [^)]*\) read as "
                                rf"positive, .* and {clause[2]} \(95% CI [^)]*\) as negative", tone)
    section = _visible(briefing.campaigns_section(b))
    # 40 compared, 12 in the campaign: 28 + 1 distinct pieces of content
    assert "the 40 responses with text of their own amount to 29 distinct pieces of content" in section
    assert "The responses are not dated, so bursts" in section  # the CSV has no dates


def test_senders_column_and_no_one_sender_sentence_when_many_people_sent_it(with_campaign):
    section = briefing.campaigns_section(with_campaign)
    assert re.search(r"<th[^>]*>Senders</th>", section)
    assert re.search(r"<td[^>]*>12</td>", section)  # Writer 0 to Writer 11
    assert "single sender" not in _visible(section)
    assert "how many times its text was sent" in _visible(section)


def test_senders_say_how_many_are_not_known(tmp_path):
    # an audit: "19 | 3" read as three people sending 19 letters; five were "Anonymous" or blank
    authors = ["Ann", "Bo", "Cy"] * 2 + ["Anonymous", "", "Anonymous"]  # 9 copies: 3 named, 3 not known
    rows = [{"id": f"c{i + 1}", "author": a, "text": LETTER} for i, a in enumerate(authors)]
    rows += [{"id": f"o{i + 1}", "author": f"Resident {i}", "text": f"{OWN[i % 4]} Note {i}."} for i in range(28)]
    section = briefing.campaigns_section(briefing.load_briefing_data(_run(tmp_path, rows)))
    # and the figures add up: 3 named people sent 6 of the 9, and 3 give no name
    assert re.search(r"<td[^>]*>3, who sent 6; 3 responses give no name</td>", section)


def test_a_campaign_from_one_sender_is_called_that(tmp_path):
    # Decide Madrid: each of its 35 "campaigns" was one user posting the same text again and again
    rows = [{"id": f"c{i + 1}", "author": "Same Person", "text": LETTER} for i in range(5)]
    rows += [{"id": f"o{i + 1}", "author": f"Resident {i}", "text": f"{OWN[i % 4]} Note {i}."} for i in range(28)]
    b = briefing.load_briefing_data(_run(tmp_path, rows))
    # 5 of 33: Wilson (0.0666, 0.3098)
    expected = ("Of the 33 responses, 15% (95% CI 7% to 31%) were repeats: 1 text each sent several times by a single "
                "sender, not organised campaigns by many people; the most repeated (5 copies) asked:")
    assert expected in _visible(briefing.summary_section(b))
    assert expected in _visible(briefing.campaigns_section(b))
    assert "organised campaign (copies" not in _visible(briefing.summary_section(b))


@pytest.mark.parametrize(("one_sender", "expected"), [
    ([True, False, True], "A further 101 responses were 2 texts, each sent several times by a single sender, "
                          "not organised campaigns."),
    ([False, True, False], "A further 10 responses were one text sent several times by a single sender, "
                           "not an organised campaign."),
])
def test_one_sender_sentence_counts(with_campaign, one_sender, expected):
    b = copy.copy(with_campaign)
    b.campaigns = pd.DataFrame({"size": [62, 10, 39], "one_sender": pd.array(one_sender, dtype="boolean")})
    assert briefing._one_sender_sentence(b) == expected


def test_one_sender_repeats_are_not_counted_as_organised_campaigns(with_campaign):
    # CMS: "36% came from 4 organised campaigns ... 2 of the 4 were sent by a single sender"; by the
    # page's own definition 2 campaigns: 10 + 39 = 49 of 200 responses (Wilson 95%: 19.0%-31.1%)
    b = copy.copy(with_campaign)
    b.campaign_notes = {**b.campaign_notes, "n_responses": 200, "n_campaigns": 3, "n_in_campaigns": 111}
    b.campaigns = with_campaign.campaigns.iloc[[0, 0, 0]].reset_index(drop=True).assign(
        campaign_id=["C1", "C2", "C3"], size=[62, 39, 10], one_sender=pd.array([True, False, None], dtype="boolean"),
        request=["Repeat me.", "Save the library.", "Fix the roads."])
    section = _visible(briefing.campaigns_section(b))
    # the table below says which rows are not campaigns, and only campaigns' letters are quoted
    assert "Organised campaigns and texts repeated by one sender, largest first" in section
    assert "C1 (one sender)" in section and "C2 (one sender)" not in section
    assert "Repeat me." not in section and "Save the library." in section
    assert briefing._campaign_sentence(b) == (
        # 200 responses received, 40 of them analysed: the sentence names its base (CMS: "We analysed 507
        # responses ... Of the 646 responses, 35% ...")
        "Of all 200 responses received (40 analysed and 160 not), 25% (95% CI 19% to 31%) came from 2 organised "
        "campaigns (copies of the same letter, "
        "often lightly edited); the largest campaign (39 responses) asked: “Save the library.” A further 62 "
        "responses were one text sent several times by a single sender, not an organised campaign.")


def test_quote_respects_consent_and_escapes_markup(with_campaign):
    b = with_campaign
    row = b.campaigns.iloc[0]
    # the escaped entity folds away, so all copies but c6 (which adds a sentence) are one exact text
    assert (row["template_id"], row["n_exact"]) == ("c1", 11)
    assert row["quote_id"] == "c3"  # c1 and c2 did not consent; c3 is the next exact copy
    section = briefing.campaigns_section(b)
    assert "<b>" not in section and "&lt;b&gt;" in section and "Comment c3" in _visible(section)


def test_method_is_in_the_annex(with_campaign):
    annex = _visible(briefing.methodology_section(with_campaign))
    assert "MinHash" in annex and "at least 3 responses" in annex and "3-word sequences" in annex


def test_no_campaigns_says_so_in_one_line(tmp_path):
    rows = [{"id": f"o{i}", "text": f"{OWN[i % 4]} Note {i}."} for i in range(8)]
    b = briefing.load_briefing_data(_run(tmp_path, rows))
    section = briefing.campaigns_section(b)
    assert _visible(section).split("Organised campaigns", 1)[1].strip().startswith("No organised campaigns")
    assert section.count("<p") == 1
    assert "organised campaign" not in _visible(briefing.summary_section(b))


def test_no_section_when_the_stage_did_not_run(tmp_path):
    rows = [{"id": f"o{i}", "text": f"{OWN[i % 4]} Note {i}."} for i in range(8)]
    b = briefing.load_briefing_data(_run(tmp_path, rows, campaigns=False))
    assert briefing.campaigns_section(b) == ""
    assert "MinHash" not in briefing.methodology_section(b)


def test_themes_and_tone_count_each_campaign_once(with_campaign):
    b = with_campaign
    # 28 own responses + the letter once + c6's own sentence ("My son ... every weekend.", 8 words)
    assert b.theme_notes["fitted_on"] == "deduplicated" and b.theme_notes["n_content_units"] == 30
    assert (b.themes["content_size"] <= 30).all() and "content_share" in b.themes
    assert (b.themes["content_size"] <= b.themes["size"]).all()  # de-duplicating never adds content
    assert b.sentiment_notes["content_n_scored"] == 30
    assert sum(b.sentiment_notes["content_label_counts"].values()) == 30
    themes = _visible(briefing.themes_section(b))
    # tied to the campaigns section's distinct pieces of content: 28 + the letter = 29, plus c6's addition
    assert b.campaign_notes["n_distinct_content"] == 29
    assert ("the last column counts the 30 texts analysed when each campaign counts once: the 29 distinct pieces "
            "of content (each campaign’s letter once) and 1 personal addition of 5 words or more its senders wrote "
            "to it, taken separately.") in " ".join(themes.split())
    assert "Counting each campaign once (30 texts: the 29 distinct pieces" in _visible(briefing.sentiment_section(b))


def test_stages_given_the_loaded_comments_write_the_same_results(tmp_path):
    # notebooks load the comments once and hand them to the stages: the results must not change,
    # whether they hand over the whole table or only its analysed rows
    rows = [{"id": f"c{i}", "text": LETTER, "parent_id": ""} for i in range(6)]
    rows += [{"id": f"o{i}", "text": f"{OWN[i % 4]} Note {i}.", "parent_id": ""} for i in range(12)]
    # a blank comment stays in the table (a reply hangs from it) but is not analysed
    rows += [{"id": "blank", "text": "   ", "parent_id": ""}, {"id": "r1", "text": OWN[0], "parent_id": "blank"}]
    run = _run(tmp_path, rows)
    names = ("campaign_members", "campaigns", "themes", "theme_assignments", "sentiment", "sentiment_by_theme")
    before = {name: stages.load(run, name) for name in names}
    comments = stages.load_comments(run)
    analysed = stages.analysed_comments(comments)
    again = stages.analysed_comments(analysed)  # already only the analysed rows: the same table
    pd.testing.assert_frame_equal(again, analysed)
    again["extra"] = 1  # a shallow copy: the table handed over is not changed
    assert "extra" not in analysed.columns
    assert len(comments) == 20 and len(analysed) == 19  # the blank comment is kept but not analysed
    stages.campaigns(run, comments=comments)
    for given in (comments, analysed):
        stages.themes(run, n_themes=2, comments=given)
        stages.sentiment(run, comments=given)
        for name in names:
            pd.testing.assert_frame_equal(stages.load(run, name), before[name], obj=name)


def test_the_summary_says_which_theme_comes_first_counting_each_campaign_once(with_campaign):
    # an audit: CMS's summary led with "sex; women; gender" (59%), 225 of whose 301 responses were one
    # campaign's letter; counting each campaign once, another theme came first
    import dataclasses

    b = with_campaign
    themes = b.themes.copy()
    assert len(themes) == 2
    themes["size"], themes["content_size"] = [30, 10], [5, 20]
    summary = _visible(briefing.summary_section(dataclasses.replace(b, themes=themes)))
    # 30 texts counting the campaign once: its letter, the one addition of 5 words or more, 28 own responses
    second = briefing._label(themes.iloc[1])
    assert f"Counting each campaign once, \u201c{second}\u201d comes first (20 of the 30 texts, 67%)." in summary
    themes["content_size"] = [20, 5]  # the same theme first both ways: nothing to add
    assert "comes first" not in _visible(briefing.summary_section(dataclasses.replace(b, themes=themes)))


def test_respondent_types_say_how_many_are_campaign_letters(tmp_path):
    # an audit: 15 of CMS's 38 "Government - Federal" responses were copies of the form letter, unsaid
    rows = [{"id": f"c{i}", "author": f"Writer {i}", "text": LETTER,
             "respondent_type": "Individual" if i < 8 else "Organisation"} for i in range(12)]
    rows += [{"id": f"o{i}", "author": f"Resident {i}", "text": f"{OWN[i % 4]} Note {i}.",
              "respondent_type": ["Individual", "Organisation"][i % 2]} for i in range(28)]
    b = briefing.load_briefing_data(_run(tmp_path, rows))
    html_ = briefing.breakdown_section(b)
    rows_ = {tuple(re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)) for tr in re.findall(r"<tr>(.*?)</tr>", html_)}
    # Individual: 8 copies + 14 of their own; Organisation: 4 copies + 14
    assert ("Individual", "22", "8") in rows_ and ("Organisation", "18", "4") in rows_
    text = _visible(html_)
    assert "as respondents described themselves; they were not checked" in text
    assert "copies of organised campaigns’ letters" in text
