"""Briefing sections, built from a small run folder made by the stage functions (no notebooks).

The comments are hand-written: three topics, with personal data, consent, questions, respondent types,
authors and hostile text planted in them, so that every section can be checked for escaping,
redaction, consent and conditional sections.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import re
import shutil

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from helpers import briefing, report, stages, stats
from helpers.errors import ConfigError
from helpers.render import briefing_html, check_self_contained
from helpers.schema import analysable
from helpers.themes import THEME_COLUMNS

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "{{ 7*7 }}",
    "{% raw %}",
    "![x](http://evil.example/x.png)",
    "</style>",
    "]]>",
    "<!--",
]
TOPICS = [
    "The library should open later in the evening so working people can borrow books",
    "Recycling collections are missed every week and the recycling bins are too small",
    "The bus service is late every morning and the buses are overcrowded on the high street",
]
PERSONAL = ["jo.bloggs@example.com", "07700 900123", "SW1A 2AA", "QQ 12 34 56 C", "4111 1111 1111 1111"]
AUTHORS = ["Jo Bloggs", "Priya Sharma", "Tom Okafor"]


def write_comments(path, *, n=36, with_columns=True):
    rows = []
    for i in range(n):
        text = f"{TOPICS[i % 3]}. {HOSTILE[i % len(HOSTILE)]} Call {PERSONAL[i % len(PERSONAL)]}."
        if i % 5 == 0:
            text += f" Thanks {AUTHORS[(i + 1) % 3]}."
        row = {"id": f"c{i + 1}", "author": AUTHORS[i % 3], "text": text}
        if with_columns:
            row |= {"consent_to_publish": ["yes", "no", ""][i % 3] if i % 2 else "yes",
                    "question_id": f"Q{i % 2 + 1}", "respondent_type": ["Individual", "Organisation"][i % 2]}
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return rows


def make_run(folder, *, with_columns=True):
    source = folder / "comments.csv"
    rows = write_comments(source, with_columns=with_columns)
    run = folder / "run"
    stages.ingest(run, source=str(source), format="csv")
    stages.overview(run)
    stages.themes(run, n_themes=3)
    stages.sentiment(run)
    return run, rows


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("briefing"))


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("briefing-plain"), with_columns=False)


@pytest.fixture
def data(run_folder):
    return briefing.load_briefing_data(run_folder[0])


def page(b) -> str:
    return "".join(briefing.all_sections(b))


def visible_text(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


# ------------------------------------------------------------------------------------------ escaping


def test_hostile_comment_text_is_escaped_in_quotes(data):
    html = page(data)
    main_markup = re.sub(r'<(/?)(section|h[1-6]|p|figure|blockquote|figcaption|cite|bdi|div|table|caption|thead|'
                         r'tbody|tr|th|td|dl|dt|dd|ul|li|img|details|summary|span|strong|code|a)\b', "", html)
    for marker in ("<script", "<img src=x", "<a href=\"javascript", "<!--", "</style>"):
        assert marker not in main_markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert check_self_contained(html) == []
    assert 'href="javascript' not in html and "<img src=x" not in html


def test_markdown_and_template_syntax_in_comments_stay_literal(data):
    text = visible_text(page(data))
    quoted = [h for h in HOSTILE if h in text]
    assert quoted  # at least one hostile payload is quoted, and it reads exactly as typed
    assert text.count("7*7") == text.count("{{ 7*7 }}")  # template syntax shown as typed, never evaluated
    assert "<img" not in page(data).replace('<img class="lp-figure__img"', "")  # no markdown image made


def test_hostile_theme_labels_and_terms_are_escaped_everywhere(run_folder):
    b = briefing.load_briefing_data(run_folder[0])
    evil = "<script>alert('label')</script> {{ 7*7 }} <img src=x onerror=alert(1)>"
    b.themes["label"] = [f"{evil} {i}" for i in range(len(b.themes))]
    b.themes["top_terms"] = [[evil, "</style>"] for _ in range(len(b.themes))]
    html = page(b)
    assert "<script>alert('label')" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;label&#x27;)&lt;/script&gt;" in html
    assert check_self_contained(html) == []


def test_hostile_corpus_name_title_and_parameters_are_escaped(run_folder, tmp_path):
    evil_run = tmp_path / "<script>alert('corpus')<\\script> {{ 7*7 }}"
    shutil.copytree(run_folder[0], evil_run)
    b = briefing.load_briefing_data(evil_run)
    b.ingest = copy.deepcopy(b.ingest)
    b.ingest["parameters"]["source"] = "<img src=x onerror=alert('source')>.csv"
    b.ingest["format"] = "<b>csv</b>"
    html = briefing.title_block(b) + briefing.methodology_section(b)
    assert "<script>alert('corpus')" not in html and "&lt;script&gt;alert(&#x27;corpus&#x27;)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(&#x27;source&#x27;)&gt;" in html
    titled = briefing.title_block(b, title="</title><script>alert('title')</script>")
    assert "<script>" not in titled and titled.count("<h1") == 1
    asked = briefing.title_block(b, about="<script>alert('about')</script>")
    assert "<script>" not in asked and "What was asked: &lt;script&gt;" in asked


def test_the_analyst_says_what_was_asked_under_the_heading(data):
    # a reader of the CMS docket met "reject this proposal" in a third of the responses, and nothing said what it was
    about = "CMS asked whether to build   a National Directory of Healthcare Providers & Services"
    lead = visible_text(briefing.title_block(data, about=about))
    assert "What was asked: CMS asked whether to build a National Directory of Healthcare Providers & Services." in lead
    assert lead.index("What was asked") < lead.index("Analysis of 36")
    assert visible_text(briefing.title_block(data, about="Should the limit be 20 mph?")).count("20 mph?.") == 0
    assert "What was asked" not in visible_text(briefing.title_block(data))


def test_page_title_comes_from_the_h1_and_is_escaped():
    h1 = report.heading("Roads & <script>alert(1)</script>", 1)
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", data={"text/html": h1})])])
    out = briefing_html(nb)
    assert "<title>Roads &amp; &lt;script&gt;alert(1)&lt;/script&gt;</title>" in out
    assert out.count("<h1") == 1 and "<script>" not in out


def test_a_long_label_is_cut(run_folder):
    b = briefing.load_briefing_data(run_folder[0])
    b.themes["label"] = ["word " * 10_000] * len(b.themes)
    html = briefing.themes_section(b)
    assert len(html) < 400_000 and "word word\u2026" in html


# ------------------------------------------------------------------------------------- personal data


def test_no_planted_personal_data_or_names_anywhere(data):
    html = page(data)
    coded = data.coded.to_csv(index=False)
    for value in PERSONAL + AUTHORS:
        assert value.lower() not in html.lower(), value
        assert value.lower() not in coded.lower(), value
    assert "[email removed]" in html or "[phone number removed]" in html


def test_a_theme_term_that_is_a_contributors_name_is_dropped_not_shown_as_removed(run_folder, tmp_path):
    # the example corpus's key terms ended "..., need, [name removed]": a commenter's first name
    run = tmp_path / "run"
    shutil.copytree(run_folder[0], run)
    themes = stages.load(run, "themes")
    themes["top_terms"] = [["priya", "library", "thanks priya"]] + [list(t) for t in themes["top_terms"][1:]]
    themes["label"] = ["library; priya"] + themes["label"].tolist()[1:]
    stages.save(run, "themes", themes)
    stages.sentiment(run)  # saving the themes removed the tone made from the old ones
    b = briefing.load_briefing_data(run)
    assert list(b.themes["top_terms"].iloc[0]) == ["library"] and b.themes["label"].iloc[0] == "library"
    assert "removed]," not in visible_text(briefing.themes_section(b))


def test_annex_counts_what_was_removed(data):
    counts = data.redaction_counts
    assert counts["email"] == 8 and counts["phone"] == 7 and counts["postcode"] == 7  # 36 comments, 5 kinds
    assert counts["ni_number"] == 7 and counts["card"] == 7
    annex = visible_text(briefing.methodology_section(data))
    assert "8 email addresses" in annex and "7 phone numbers" in annex and "7 postcodes" in annex
    assert "7 National Insurance numbers" in annex and "7 payment card numbers" in annex


def test_redaction_can_be_turned_off_and_the_page_says_so(run_folder):
    b = briefing.load_briefing_data(run_folder[0], redact_personal_data=False)
    html = page(b)
    assert "internal use only" in visible_text(briefing.title_block(b))
    assert "NOT removed" in visible_text(briefing.methodology_section(b))
    assert any(p in visible_text(html) for p in PERSONAL)
    assert not any(a in html for a in AUTHORS)  # names are removed whatever the setting


def test_quotes_only_from_those_who_consented(data, run_folder):
    rows = run_folder[1]
    refused = {r["id"] for r in rows if r.get("consent_to_publish") == "no"}
    cited = {cid for quotes in data.quotes.values() for cid, _ in quotes}
    assert cited and not cited & refused
    assert data.n_no_consent == len(refused)
    assert f"{len(refused)} contributions were never quoted" in visible_text(briefing.methodology_section(data))


def test_annex_shows_how_the_number_of_themes_was_chosen_in_reading_order(data):
    b = copy.copy(data)
    # as themes.json stores them: keys in alphabetical order, candidates in any order
    b.theme_notes = dict(data.theme_notes, k_scores=[
        {"chosen": False, "coherence": 0.1, "k": 4, "stability": 0.5},
        {"chosen": True, "coherence": 0.25, "k": 2, "stability": 0.9},
        {"chosen": False, "coherence": 0.2, "k": 3, "stability": 0.875},
    ])
    html = briefing.methodology_section(b)
    table = html[html.index("How the number of themes was chosen"):]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers[:4] == ["Themes", "Coherence", "Stability", "Chosen"]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)[:12]
    assert cells == ["2", "0.25", "0.90", "Yes", "3", "0.20", "0.88", "", "4", "0.10", "0.50", ""]
    assert "random 80% samples" in visible_text(html)


def test_summary_wording_for_unassigned_comments_and_several_posts(data):
    b = copy.copy(data)
    b.theme_notes = dict(data.theme_notes, n_not_assigned=4)
    posts = pd.DataFrame({"comment_id": ["p1", "p2"], "kind": ["post", "post"], "title": ["One", "Two"]})
    b.comments = pd.concat([data.comments, posts], ignore_index=True)
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    # 4 of 36: Wilson (0.044, 0.253) -> "11% (95% CI 4% to 25%)"; "of" joins a share to its noun
    assert "11% (95% CI 4% to 25%) of comments did not fit any theme clearly." in text
    # the interval is explained where a minister first meets it (an audit: only in the annex)
    assert "“95% CI” is a 95% confidence interval: it shows how precise a share is" in text
    # two posts: neither title is "the" post (a WordPress export named the first of six)
    assert b.post_title is None and "We analysed 36 comments on 2 posts." in text
    assert "One" not in visible_text(briefing.title_block(b))


def test_summary_says_when_comments_are_in_several_themes(data):
    # an audit: NHS's theme shares added up to 114% with nothing to say why
    b = copy.copy(data)
    ids = data.comments["comment_id"].tolist()
    b.assignments = pd.DataFrame({"comment_id": [ids[0], ids[0], ids[1], ids[1], ids[1], ids[2], ids[3]],
                                  "theme_id": pd.array([1, 2, 1, 2, 3, 1, None], dtype="Int64")})
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert "2 comments are in more than one theme, so the shares can add up to more than 100%." in text
    b.assignments = b.assignments.iloc[[0, 2, 5, 6]]
    assert "more than one theme" not in visible_text(briefing.summary_section(b))


def test_methodology_says_when_the_fewest_themes_tried_were_chosen(data):
    # an audit: NHS's 4 themes were the lower bound of 4 to 20 and merged food and waiting into praise
    b = copy.copy(data)
    b.theme_notes = dict(data.theme_notes, chosen_automatically=True, n_themes=4, bounds=[4, 20])
    fewest = "the fewest tried, so a theme may hold several subjects; the n_themes parameter asks for more"
    assert fewest in visible_text(briefing.methodology_section(b))
    for notes in ({"n_themes": 5}, {"chosen_automatically": False}, {"bounds": [4, 4]}):
        b.theme_notes = dict(data.theme_notes, chosen_automatically=True, n_themes=4, bounds=[4, 20]) | notes
        assert fewest not in visible_text(briefing.methodology_section(b))


def test_tone_counts_in_a_theme_have_thousands_separators(data):
    b = copy.copy(data)
    by_theme = data.sentiment_by_theme.copy()
    by_theme.loc[:, ["n_positive", "n_neutral", "n_negative"]] = [3820, 1000, 12]
    b.sentiment_by_theme = by_theme
    assert "Tone in this theme: 3,820 positive, 1,000 neutral, 12 negative." in visible_text(
        briefing.themes_section(b))


def test_no_caveat_about_unknown_writers_when_respondent_ids_are_recorded(data, plain_run):
    # the fixture's comments have authors; a source with only respondent ids says who wrote each too
    b = copy.copy(briefing.load_briefing_data(plain_run[0]))
    b.overview = copy.deepcopy(b.overview)
    b.overview["authors"]["n_with_author"] = 0
    b.comments = b.comments.assign(respondent_id=pd.NA)
    assert "does not record who wrote" in visible_text(briefing.caveats_section(b))
    b.comments = b.comments.assign(respondent_id="r1")
    assert "does not record who wrote" not in visible_text(briefing.caveats_section(b))


def test_other_languages_are_counted_in_the_caveats_and_a_majority_is_flagged_in_the_summary(data):
    # Decide Madrid (95% Spanish) and a Turkish Disqus thread were analysed as English without a word
    b = copy.copy(data)
    n = len(b.comments)
    assert visible_text(briefing.caveats_section(b)).count("not in English") == 0  # all English
    codes = ["es"] * 20 + ["cy"] * 3 + ["xx"] * 2 + ["fr", "de", "it", "pt", "nl"] + ["en"] * 4
    b.comments = b.comments.assign(language=pd.array((codes + [None] * n)[:n], dtype="string"))
    # 36 comments: 34 with a language, 30 of them not English; six languages beyond the five listed
    expected = ("30 of the 34 analysed comments whose language could be told are not in English (Spanish 20, "
                "Welsh 3, xx 2, German 1, French 1 and 3 in 3 other languages).")
    assert expected in " ".join(visible_text(briefing.caveats_section(b)).split())
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    assert expected + " This analysis is built for English" in summary
    b.comments = b.comments.assign(language=pd.array((["cy"] * 2 + ["en"] * n)[:n], dtype="string"))
    assert "2 of the 36 analysed comments whose language could be told are not" in " ".join(
        visible_text(briefing.caveats_section(b)).split())
    assert "built for English" not in visible_text(briefing.summary_section(b))  # a minority: caveat only
    b.comments = b.comments.assign(language=pd.array((["cy"] + ["en"] * n)[:n], dtype="string"))
    assert "1 of the 36 analysed comments whose language could be told is not in English (Welsh 1)." in " ".join(
        visible_text(briefing.caveats_section(b)).split())
    b.comments = b.comments.assign(language=pd.array(["tr"] * n, dtype="string"))
    assert "All 36 analysed comments whose language could be told are not in English (Turkish 36)." in " ".join(
        visible_text(briefing.caveats_section(b)).split())


def test_petitions_are_called_petitions(data):
    b = copy.copy(data)
    b.overview = dict(data.overview, by_kind=[{"kind": "petition", "count": 36}])
    assert "We analysed 36 petitions." in visible_text(briefing.summary_section(b))
    assert "Analysis of 36 petitions" in visible_text(briefing.title_block(b))
    # a blog page with a few petitions among its comments is still about comments
    b.overview = dict(data.overview, by_kind=[{"kind": "petition", "count": 3}, {"kind": "comment", "count": 33}])
    assert "We analysed 36 comments." in visible_text(briefing.summary_section(b))


def test_the_lead_says_when_the_contributions_are_dated_and_when_the_briefing_was_prepared(data, monkeypatch):
    # an audit: the date of the briefing was only at the foot of the page, and no page said when the
    # responses were made
    b = copy.copy(data)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")  # 2025-11-25 00:00 UTC
    n = len(b.comments)
    dates = pd.Series(pd.to_datetime(["2022-01-03 09:00", "2022-02-28 23:30"] + ["2022-02-01 12:00"] * (n - 2), utc=True))
    b.comments = b.comments.assign(created_at=dates.to_numpy())
    lead = " ".join(visible_text(briefing.title_block(b)).split())
    assert "Analysis of 36 comments, dated 3 January to 28 February 2022." in lead
    assert "Prepared on 25 November 2025." in lead
    b.comments = b.comments.assign(created_at=pd.Series(pd.to_datetime(["2021-12-31"] + ["2022-01-02"] * (n - 1),
                                                                        utc=True)).to_numpy())
    assert "dated 31 December 2021 to 2 January 2022." in visible_text(briefing.title_block(b))
    # read in the run's timezone: 23:30 UTC on 30 June is 00:30 on 1 July in London (a review)
    b.ingest = dict(data.ingest, timezone="Europe/London")  # ingest.json of a run with --timezone Europe/London
    b.comments = b.comments.assign(created_at=pd.Series(pd.to_datetime(["2024-06-01 12:00"] * (n - 1)
                                                                        + ["2024-06-30 23:30"], utc=True)).to_numpy())
    lead = visible_text(briefing.title_block(b))
    assert "dated 1 June to 1 July 2024." in lead and "Prepared on 25 November 2025." in lead
    # the day it was prepared is the analyst's (the run's parameter, UTC by default), not the publisher's:
    # midnight UTC on 25 November is 19:00 on 24 November in New York
    b.ingest = dict(data.ingest, timezone="America/New_York")
    assert "Prepared on 25 November 2025." in visible_text(briefing.title_block(b))
    b.ingest = dict(data.ingest, timezone="America/New_York", parameters={"timezone": "America/Chicago"})
    assert "Prepared on 24 November 2025." in visible_text(briefing.title_block(b))
    b.ingest = data.ingest
    b.comments = b.comments.assign(created_at=pd.Series([pd.Timestamp("2022-03-01", tz="UTC")] * 10
                                                        + [pd.NaT] * (n - 10)).to_numpy())
    assert "dated" not in visible_text(briefing.title_block(b))  # 10 of 36 dated: not said


def test_the_title_comes_from_the_source_when_it_names_itself(data):
    # an audit: pages were headed "What people said: cms" and "What people said: petition"
    b = copy.copy(data)
    assert "What people said:" in visible_text(briefing.title_block(b))  # a CSV of comments names nothing
    from helpers import ingest, paths

    # the real reader: its format name and thread ids
    read = ingest.read(paths.project_root() / "tests" / "fixtures" / "ingest" / "regs-comment.json")
    b.ingest = dict(data.ingest, format=read.format)
    b.comments = data.comments.assign(thread_id=read.comments["thread_id"].iloc[0])
    assert read.comments["thread_id"].iloc[0] == "EX-2023-0001-0001"  # the fixture's document
    assert "Comments on regulations.gov docket EX-2023-0001" in visible_text(briefing.title_block(b))
    for thread, docket in (("EPA-HQ-OAR-2021-0317-0001", "EPA-HQ-OAR-2021-0317"),  # a multi-part agency
                           ("CMS-2022-0163", "CMS-2022-0163")):  # the docket itself (no document commented on)
        b.comments = data.comments.assign(thread_id=thread)
        assert f"Comments on regulations.gov docket {docket}" in visible_text(briefing.title_block(b))
    b.ingest = data.ingest
    petition = data.comments.iloc[:1].assign(kind="petition", title="Ban the sale of fireworks")
    b.comments = pd.concat([petition, data.comments.iloc[1:]], ignore_index=True)
    assert "Petition: “Ban the sale of fireworks”" in visible_text(briefing.title_block(b))
    assert "Petition:" not in visible_text(briefing.title_block(b, title="My own title"))


def test_the_tone_section_says_what_the_negative_comments_mention_with_quotes_that_may_be_shown(data):
    # an audit of the NHS feedback: every theme was praise and the criticism never reached the page
    comments = pd.DataFrame({"comment_id": ["a", "b", "c", "d"],
                             "text": ["Waited all night in A&E", "The night staff ignored me", "Parking costs a fortune",
                                      "Jo Bloggs on the night shift was rude"]})
    allowed = pd.Series([False, True, True, True])  # a did not consent to publication
    notes = {"negative_terms": [
        {"term": "night", "n_negative": 40, "n_other": 3, "z": 6.0, "examples": ["a", "b", "d"]},
        {"term": "jo bloggs", "n_negative": 31, "n_other": 0, "z": 5.0, "examples": ["d"]},  # a name: dropped
        {"term": "parking", "n_negative": 35, "n_other": 9, "z": 4.0, "examples": ["c"]}]}
    clean = lambda v: v.str.replace("jo bloggs", "[name removed]", regex=False)  # noqa: E731
    terms, quotes = briefing._negative_evidence(notes, comments, allowed, clean, frozenset())
    assert [t["term"] for t in terms] == ["night", "parking"]
    assert quotes == [("b", "The night staff ignored me"), ("c", "Parking costs a fortune")]  # a: no consent
    b = copy.copy(data)
    b.negative_terms, b.negative_quotes = terms, quotes
    b.sentiment_notes = dict(data.sentiment_notes, n_negative_distinct=120)
    text = " ".join(visible_text(briefing.sentiment_section(b)).split())
    # no campaigns here, so "distinct" means that a repeated text counts once (an audit: the NHS page
    # spoke of campaign letters where there were none)
    assert ("What the 120 distinct comments scored negative mention more often than the others (a text sent "
            "word for word several times counted once; in brackets, how many of them use it): “night” (40), “parking” "
            "(35). For example:") in text
    assert "The night staff ignored me" in text and "Waited all night" not in text


def _non_answers(details):
    return pd.DataFrame({"source": "x.csv", "source_row": range(2, 2 + len(details)), "record_id": "r",
                         "reason": "non_answer", "detail": [f"the whole text is a non-answer ({d})" for d in details]})


def test_a_notable_share_of_non_answers_is_stated_in_the_summary(data):
    # NHS feedback: 931 of 10,334 answers were only "nothing", "no", "none" or "n/a", and to "what could
    # be improved?" "nothing" is an answer; the summary never said so
    b = copy.copy(data)
    b.exclusions = pd.concat([data.exclusions, _non_answers(["nothing", "n/a", "nothing", "no"])], ignore_index=True)
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    # 4 of 36 + 4 = 40: Wilson (0.0396, 0.2305); ties in alphabetical order
    assert ("4 more comments (10% of the 40 analysed or left out as non-answers) said only “nothing” (2), “n/a” (1), “no” (1): they are "
            "counted but not analysed. To a question such as “what could be improved?”, “nothing” is itself an "
            "answer") in text
    b.exclusions = _non_answers(["n/a", "n/a"])  # 2 of 38 (5.3%): stated, without the remark on "nothing"
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert "2 more comments (5% of the 38 analysed or left out as non-answers) said only “n/a” (2): they are counted but not analysed." in text
    assert "is itself an answer" not in text
    b.exclusions = _non_answers(["punctuation only", "punctuation only", "see above"])  # what was found, not said
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert ("of the 39 analysed or left out as non-answers) only pointed to another answer (“see above”: 1) or were only punctuation (2): they are "
            "counted") in text
    b.exclusions = _non_answers(["n/a", "n/a", "see above", "punctuation only"])
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert ("of the 40 analysed or left out as non-answers) said only “n/a” (2), only pointed to another answer (“see above”: 1) or were only "
            "punctuation (1): they are counted") in text
    b.exclusions = _non_answers(["n/a"])  # 1 of 37 (2.7%), under NON_ANSWER_SHARE: key numbers only
    assert "said only" not in visible_text(briefing.summary_section(b))


def test_placeholders_are_counted_in_key_numbers_and_attachments_named_in_the_caveats(data):
    # CMS-2022-0163: 646 kept, 559 analysed, and nothing said what the other 87 ("See attached") were
    b = copy.copy(data)
    assert "See attached" not in visible_text(briefing.key_numbers_section(b) + briefing.caveats_section(b))
    flags = [True, False, True, True] + [False] * (len(b.comments) - 4)
    b.comments = b.comments.assign(is_placeholder=pd.array(flags, dtype="boolean"))
    numbers = " ".join(visible_text(briefing.key_numbers_section(b)).split())
    assert "Kept but not analysed: placeholders such as “See attached file(s)” 3" in numbers
    caveats = " ".join(visible_text(briefing.caveats_section(b)).split())
    assert "3 contributions only point to an attached file" in caveats
    b.ingest = dict(data.ingest, cleaning={**data.ingest.get("cleaning", {}), "kept_as_thread_anchor": 7})
    assert "Kept but not analysed: no text, kept because replies hang below them 7" in " ".join(
        visible_text(briefing.key_numbers_section(b)).split())
    assert "Attachments were not read" in caveats


def test_organisations_whose_responses_were_attachments_only_are_counted_and_listed(data):
    # CMS-2022-0163: 161 of the 179 attachment-only responses named an organisation (the American Hospital
    # Association, Google...), against 95 of the 467 analysed; the briefing said only "179 placeholders"
    b = copy.copy(data)
    n = len(b.comments)
    flags = [True, False, True, True] + [False] * (n - 4)
    orgs = ["Acme Health", "Gamma Council", " Acme Health ", "Beta Trust"] + [None] * (n - 4)
    b.comments = b.comments.assign(is_placeholder=pd.array(flags, dtype="boolean"),
                                   organisation=pd.array(orgs, dtype="string"))
    b.unread_organisations = briefing._unread_organisations(b.comments, lambda v: v)
    assert b.unread_organisations.values.tolist() == [["Acme Health", 2, b.comments["comment_id"].iloc[0]],
                                                      ["Beta Trust", 1, b.comments["comment_id"].iloc[3]]]
    analysed = int(analysable(b.comments).sum())  # Gamma Council's is the one analysed response naming one
    expected = (f"All were sent in the name of 2 organisations (listed under Caveats), against 1 of the {analysed} "
                "analysed comments: organisations’ views are under-represented in this analysis.")
    assert expected in " ".join(visible_text(briefing.summary_section(b)).split())
    caveats = " ".join(visible_text(briefing.caveats_section(b)).split())
    assert expected.replace("(listed under Caveats)", "(listed below)") in caveats
    assert "The 2 organisations whose comments only point to an attached file" in caveats
    assert "Beta Trust" in caveats
    # one of them unnamed: a count, and no claim when organisations wrote in files no more than in text
    b.comments = b.comments.assign(organisation=pd.array(["Acme Health", "Gamma Council", None, None]
                                                         + ["Delta"] * (n - 4), dtype="string"))
    b.unread_organisations = briefing._unread_organisations(b.comments, lambda v: v)
    numbers = " ".join(visible_text(briefing.summary_section(b)).split())
    assert "1 of them was sent in one organisation’s name (listed under Caveats)." in numbers
    assert "under-represented" not in numbers
    b.comments = b.comments.assign(organisation=pd.array([None] * n, dtype="string"))
    assert briefing._unread_organisations(b.comments, lambda v: v) is None


def test_consent_from_the_respondents_table():
    comments = pd.DataFrame({"comment_id": ["a", "b", "c"], "respondent_id": ["r1", "r2", None]})
    respondents = pd.DataFrame({"respondent_id": ["r1", "r2"],
                                "consent_to_publish": pd.array([False, None], dtype="boolean")})
    ok, refused = briefing.quotable(comments, respondents)
    assert ok.tolist() == [False, True, True] and refused == 1
    assert briefing.quotable(comments[["comment_id"]])[1] is None


def test_choose_quotes_tops_up_from_other_members_and_skips_repeats():
    themes = pd.DataFrame({"theme_id": [1], "quote_ids": [["a", "b"]]})
    assignments = pd.DataFrame({"comment_id": ["a", "b", "c", "d"], "theme_id": pd.array([1, 1, 1, 1], "Int64"),
                                "weight": [0.9, 0.8, 0.7, 0.6], "is_main": [True] * 4})
    comments = pd.DataFrame({"comment_id": list("abcd"), "text": ["one", "two", "one", "three"]})
    allowed = pd.Series([True, False, True, True])
    assert briefing.choose_quotes(themes, assignments, comments, allowed, n_quotes=2) == {
        1: [("a", "one"), ("d", "three")]}


def test_choose_quotes_prefers_quotes_that_name_no_one():
    # NHS feedback quoted "Tracey was my CPN and her care was excellent": staff named without a title are
    # not found by redaction, so such quotes give way to the next ones, whether the theme model or the
    # coding picked them (codes' picks are not checked for names before: a review found them back).
    # "Always" is an everyday word here (written "always" twice); "Tracey" and "Leeds" never are.
    themes = pd.DataFrame({"theme_id": [1], "quote_ids": [["a"]]})
    texts = ["Tracey was so kind to us", "Always kind, always there", "The nurses were kind", "Kind staff in Leeds",
             "kind and always calm"]
    assignments = pd.DataFrame({"comment_id": list("abcde"), "theme_id": pd.array([1] * 5, "Int64"),
                                "weight": [0.9, 0.8, 0.7, 0.6, 0.5], "is_main": [True] * 5})
    comments = pd.DataFrame({"comment_id": list("abcde"), "text": texts})
    allowed = pd.Series([True] * 5)
    got = briefing.choose_quotes(themes, assignments, comments, allowed, n_quotes=3)
    assert [cid for cid, _ in got[1]] == ["b", "c", "e"]
    # too few others: the named ones still fill the theme's quotes, most typical first
    assert [cid for cid, _ in briefing.choose_quotes(themes, assignments, comments, allowed, n_quotes=5)[1]] == [
        "b", "c", "e", "a", "d"]
    # picks that name no one are kept in their order, before other members
    themes = pd.DataFrame({"theme_id": [1], "quote_ids": [["e", "c"]]})
    assert [cid for cid, _ in briefing.choose_quotes(themes, assignments, comments, allowed, n_quotes=2)[1]] == [
        "e", "c"]
    # a pick that may not be quoted gives way
    got = briefing.choose_quotes(themes, assignments, comments, pd.Series([True] * 4 + [False]), n_quotes=1)
    assert [cid for cid, _ in got[1]] == ["c"]


# ------------------------------------------------------------------------------- structure, breakdown


def test_heading_hierarchy_is_ordered_with_one_h1(data):
    levels = [int(h) for h in re.findall(r"<h([1-6])", page(data))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_breakdown_by_question_and_respondent_type(data):
    html = briefing.breakdown_section(data)
    text = visible_text(html)
    assert "By respondent type" in text and "By question" in text
    # questions named only by ids (Q1, Q2; NHS: "Trust A - Q1"): the page says their wording is not known
    assert "it does not give their wording" in text
    assert "A respondent may answer several questions" in text
    # labels that are the questions themselves (Global Dialogues) are not called ids
    worded = copy.copy(data)
    worded.comments = data.comments.assign(question_id=data.comments["question_id"].map(
        {"Q1": "What should the library offer in the evening?", "Q2": "How could recycling work better for you?"}))
    assert "their wording" not in visible_text(briefing.breakdown_section(worded))
    no_questions = copy.copy(data)
    no_questions.comments = data.comments.drop(columns="question_id")
    text = visible_text(briefing.breakdown_section(no_questions))
    assert "several questions" not in text and "One comment can belong to more than one theme" in " ".join(text.split())
    rows = {tuple(re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)) for tr in re.findall(r"<tr>(.*?)</tr>", html)}
    assert ("Individual", "18") in rows and ("Organisation", "18") in rows
    assert any(r[:2] == ("Q1", "18") for r in rows) and any(r[:2] == ("Q2", "18") for r in rows)
    assert '<th scope="col"' in html and "<caption" in html
    assert "Comments by question and respondent type" in visible_text(html)
    assert "Comments by question</h2>" in briefing.breakdown_section(dataclasses.replace(
        data, comments=data.comments.drop(columns="respondent_type")))
    # an audit: a "what could be improved?" question was shown only by its praise themes; each question's
    # answers read as negative say which drew criticism (18 answers each: counts, not percentages)
    odd = data.comments["comment_id"].isin(["c1", "c3", "c5", "c2"])  # c1, c3, c5 answer Q1; c2 answers Q2
    toned = dataclasses.replace(data, sentiment=data.sentiment.assign(
        label=np.where(data.sentiment["comment_id"].isin(data.comments.loc[odd, "comment_id"]), "negative",
                       "positive")))
    rows = [tuple(re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr))
            for tr in re.findall(r"<tr>(.*?)</tr>", briefing.breakdown_section(toned).split("By question")[1])]
    assert rows[0][2] == "Read as negative in tone" and [r[:3] for r in rows[1:]] == [("Q1", "18", "3"),
                                                                                     ("Q2", "18", "1")]


def test_breakdown_adds_up_small_respondent_types(data):
    # an audit: CMS's 41 self-chosen types made a table of 42 rows, most holding one or two responses
    counts = {"A": 6, "B": 5, "C": 4, "D": 3, "E": 3, "F": 2, "G": 2, "H": 2, "I": 2, None: 2,
              "J": 1, "K": 1, "L": 1, "M": 1, "N": 1}  # 36 comments, 14 types and 2 not stated
    many = copy.copy(data)
    many.comments = data.comments.assign(respondent_type=[t for t, n in counts.items() for _ in range(n)])
    html = briefing.breakdown_section(many)
    shown, full = html.split("<details")
    full = full.split("</details>")[0]
    rows = [tuple(re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)) for tr in re.findall(r"<tr>(.*?)</tr>", shown)]
    rows = [r[:2] for r in rows if r[0] != "Respondent type"]
    # the 2s tie with no type added up, so all of them stay; "Not stated" sorts among them by name
    assert rows == [("A", "6"), ("B", "5"), ("C", "4"), ("D", "3"), ("E", "3"), ("F", "2"), ("G", "2"),
                    ("H", "2"), ("I", "2"), ("Not stated", "2"), ("5 other types", "5")]
    assert ("The 9 largest of the 14 types are shown; the other 5, with at most 1 comment each, are added up "
            "in the last row") in " ".join(visible_text(shown).split())
    assert "All 14 respondent types" in full and full.count("<tr>") == 16  # a header and every type
    # a tail of equal types is never all added up: with every type at 1, the first ten are shown
    table = pd.DataFrame({"Respondent type": [f"T{i:02}" for i in range(14)] + ["Not stated"], "Responses": 1})
    shown, rest = briefing._fold_small_types(table, "Responses")
    assert shown["Respondent type"].tolist() == [f"T{i:02}" for i in range(10)] + ["Not stated", "4 other types"]
    assert rest["Respondent type"].tolist() == ["T10", "T11", "T12", "T13"] and shown["Responses"].iloc[-1] == 4
    assert briefing._fold_small_types(table.head(12), "Responses")[0].equals(table.head(12))


def test_breakdown_absent_without_the_columns(plain_run):
    b = briefing.load_briefing_data(plain_run[0])
    assert briefing.breakdown_section(b) == ""
    assert "never quoted" not in briefing.methodology_section(b)
    assert "does not record consent" in visible_text(briefing.methodology_section(b))


def test_coded_table_has_no_text_names_or_personal_data(data, run_folder):
    coded = pd.read_csv(stages.output_path(run_folder[0], "coded"), dtype=str)
    assert not {"author", "text", "organisation"} & set(coded.columns)
    assert {"question_id", "respondent_type"} <= set(coded.columns)
    assert len(coded) == 36


def test_chart_names_no_single_winner_when_the_intervals_overlap_and_its_alt_text_gives_every_figure(data, monkeypatch):
    # an audit: "'excellent care' is the most common theme" at 38.2 against 37.4 with overlapping intervals,
    # labels without "%", and alt text naming only the largest theme
    import re as _re

    themes = data.themes.copy()
    n = data.n_analysed
    assert n >= 30 and len(themes) >= 2
    themes["size"] = [n // 2, n // 2 - 1] + [1] * (len(themes) - 2)
    themes["share"] = themes["size"] / n
    themes["ci_low"], themes["ci_high"] = themes["share"] - 0.1, themes["share"] + 0.1
    drawn = {}
    real = briefing.plots.bar_chart

    def spy(*args, **kwargs):
        drawn.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(briefing.plots, "bar_chart", spy)
    html = briefing.themes_section(dataclasses.replace(data, themes=themes))
    alt = _re.search(r'alt="(Bar chart[^"]+)"', html).group(1)
    first, second = (briefing._label(t) for _, t in themes.head(2).iterrows())
    assert f"{first} {themes['share'].iloc[0] * 100:.0f}% (" in alt and f"{second} {themes['share'].iloc[1] * 100:.0f}% (" in alt
    assert drawn["title"] == f"\u201c{first}\u201d and \u201c{second}\u201d are the most common themes"
    assert drawn["value_format"](59.5) == "60%" and drawn["value_format"](0.3) == "<1%"
    # and the summary says the same (a review found it naming one winner beside the chart's two)
    summary = briefing.summary_section(dataclasses.replace(data, themes=themes))
    assert f"The most common themes were \u201c{first}\u201d" in summary and "whose intervals overlap" in summary


def test_chart_has_alt_text_and_a_data_table(data):
    html = briefing.themes_section(data)
    assert re.search(r'<img class="lp-figure__img" src="data:image/png;base64,[^"]+" alt="Bar chart[^"]+"', html)
    assert "Show the data behind this chart" in html


def test_coded_table_link_is_relative(data):
    html = briefing.provenance_section(data)
    assert '<a href="coded_comments.csv" download>' in html
    # one section with one heading (an audit found it nested in a second: two ids "provenance", axe's
    # landmark-unique violation), the generated line and the link inside it
    assert html.count("<section") == 1 and html.count(">Provenance</h2>") == 1 and html.count('id="provenance"') == 1
    assert html.index('<p class="generated">') < html.index("</section>")
    # every stage's parameters that shaped the page, seeds included (an audit found campaigns and opinion
    # groups missing)
    for stage in ("01_ingest", "04_themes", "05_sentiment", "90_briefing"):
        assert f"<code>{stage}</code>" in html
    notes = dataclasses.replace(data, campaign_notes={"parameters": {"shingle_size": 3, "random_state": 7}},
                                opinion_notes={"parameters": {"k_margin": 0.03, "random_state": 5}})
    html = briefing.provenance_section(notes)
    assert "03_campaigns" in html and "06_opinion_groups" in html and "k_margin" in html and "shingle_size" in html


def test_notebook_sections_render_to_a_self_contained_page(data):
    cells = [new_code_cell("", outputs=[new_output("display_data", data={"text/html": s})])
             for s in briefing.all_sections(data) if s]
    out = briefing_html(nbformat.from_dict(new_notebook(cells=cells)))
    assert check_self_contained(out) == []
    assert out.count("<h1") == 1


def test_coded_table_joins_each_comments_theme_ids_in_order():
    assigned = pd.DataFrame({"comment_id": ["b", "a", "b", "c", "b"],
                             "theme_id": pd.array([10, 3, 2, 1, 3], dtype="Int64")})
    assert stages._joined_ids(assigned).to_dict() == {"a": "3", "b": "2;3;10", "c": "1"}
    assert stages._joined_ids(assigned.iloc[:0]).to_dict() == {}


def test_petitions_summary_gives_signatures_dates_and_the_most_signed(data):
    # the UK Parliament petitions list: 25.8 million signatures and the dates appeared nowhere
    b = copy.copy(data)
    n = len(b.comments)
    signatures = [1000, 250, 3750] + [0] * (n - 3)  # 5,000 in all; the third has 75%
    created = pd.to_datetime(["2015-07-20", "2016-03-01", "2017-01-24"] + ["2016-05-05"] * (n - 3), utc=True)
    b.comments = b.comments.assign(kind="petition", votes_up=pd.array(signatures, dtype="Int64"), created_at=created,
                                   title=[f"Petition {i}" for i in range(n)])
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert ("They had 5,000 signatures in all when these data were taken. They were started between July 2015 "
            "and January 2017; the most signed (3,750 signatures, 75% of all) asked: “Petition 2”.") in text
    # a list taken while some were open (data.parliament.uk's feed: 3,208 of 8,489) says their counts
    # are not final; one counted at a known time says when
    b.comments = b.comments.assign(status=["open", "closed", "open"] + ["closed"] * (n - 3),
                                   counted_at=pd.Timestamp("2017-01-25 10:00", tz="UTC"))
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert (f"They had 5,000 signatures in all when these data were taken on 25 January 2017; 2 of the {n} "
            "petitions were still open for signing, so their counts are not final.") in text
    assert "signatures" not in visible_text(briefing.summary_section(data))  # not petitions: nothing said
    # petitions are each their own proposal: no count of those opposing "the proposal" (the UK list: 6
    # titles such as "Reject the plan to devolve powers to a Metro Mayor")
    b.sentiment_notes = dict(b.sentiment_notes, position_counts={"oppose": 6, "support": 1, "mixed": 0, "none": n - 7},
                             parameters=dict(b.sentiment_notes["parameters"], proposal_terms=["bill"]))
    assert "in so many words" in visible_text(briefing.summary_section(b))  # were they comments on one, it is said
    b.overview = dict(b.overview, by_kind=[{"kind": "petition", "count": n}])
    assert "in so many words" not in visible_text(briefing.summary_section(b))
    assert briefing.positions_section(b) == ""


# ------------------------------------------------------------------- too few comments for themes


@pytest.fixture(scope="module")
def single_petition(tmp_path_factory):
    """One petition (tests/fixtures/ingest/petition-single.json): themes cannot be learned from one text,
    and the run still ends in a briefing."""
    from tests.unit.ingest_support import FIXTURES

    run = tmp_path_factory.mktemp("single-petition") / "run"
    stages.ingest(run, source=str(FIXTURES / "petition-single.json"))
    stages.overview(run)
    stages.campaigns(run)
    model, themes, assignments, notes = stages.themes(run)
    stages.sentiment(run)
    stages.codeframe(run)
    return run, model, themes, assignments, notes


def test_one_text_gives_no_themes_and_every_comment_not_assigned(single_petition):
    run, model, themes, assignments, notes = single_petition
    assert model is None and len(themes) == 0 and list(themes.columns) == list(THEME_COLUMNS)
    assert assignments["comment_id"].astype(str).tolist() == ["900001"]
    assert assignments["theme_id"].isna().all() and assignments["is_main"].all()
    assert notes["n_themes"] == 0 and notes["n_not_assigned"] == 1
    assert notes["too_few"] == "Themes need at least 2 comments with text; this corpus has 1."
    assert len(stages.load(run, "themes")) == 0  # written, so the later stages and the briefing can read it


def test_single_petition_briefing_says_what_it_asked_and_why_there_are_no_themes(single_petition):
    b = briefing.load_briefing_data(single_petition[0])
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    # the count is a snapshot taken while signing was open (an audit: petition 131215's 3,555,721 on 27
    # June 2016 was shown as its total; it closed with 4,150,260); 34 of 10,234 signed from France: 0.3%
    assert ("We analysed 1 petition. It had 10,234 signatures when these data were taken on 27 June 2016, while "
            "it was still open for signing, so later signatures are not counted; 34 of the 10,234 signatures (0.3%) "
            "came from outside the UK. It was started in May 2016, titled “Fund a bench in every village green”, and asked: "
            "“Older residents need somewhere to rest & talk. Benches cost little. They last for decades.” No "
            "themes were sought: themes need at least 2 petitions with text to compare, and there is 1 "
            "petition.") in summary
    assert "tone" not in summary  # the tone of one text tells a reader nothing they cannot see in it
    # Parliament keeps UK time: created at 23:39 UTC on 23 May 2016, i.e. 00:39 BST on 24 May
    assert "Analysis of 1 petition, dated 24 May 2016." in visible_text(briefing.title_block(b))
    assert "did not fit any theme" not in summary
    assert "With only 1 petition, these findings describe what this one petition says" in summary
    themes_html = briefing.themes_section(b)
    assert "Older residents need somewhere to rest" in visible_text(themes_html)  # the text itself, quoted
    assert "Petition <bdi>900001</bdi>" in themes_html  # cited as what it is
    numbers = " ".join(visible_text(briefing.key_numbers_section(b)).split())
    assert "Themes found 0" in numbers and "Not assigned" not in numbers
    assert "Signatures 10,234" in numbers  # the fixture's signature_count
    assert "1 of 1" in visible_text(briefing.sentiment_section(b)) and "Of 1 petition," in visible_text(
        briefing.sentiment_section(b))
    method = " ".join(visible_text(briefing.methodology_section(b)).split())
    assert "No themes were sought" in method and "bounds" not in method
    assert not check_self_contained(page(b))  # the whole page builds
    # what a signature is (a review: "3,555,721 signatures" read as 3.5 million people in the UK)
    caveats = visible_text(briefing.caveats_section(b))
    assert "one per confirmed email address" in caveats
    # what fits a petition: signers chose to sign; no "this is not a vote", no "who wrote each comment"
    assert "The people who signed chose to do so" in caveats
    assert "not a vote" not in caveats and "who wrote" not in caveats
    campaigns = " ".join(visible_text(briefing.campaigns_section(b)).split())
    assert ("None could be found: a campaign is a group of at least 3 near-identical petitions, and only 1 "
            "petition was compared.") in campaigns


def test_nothing_to_analyse_says_where_the_records_went(tmp_path):
    source = tmp_path / "blank.csv"
    source.write_text("id,text\n1,\n2,   \n3,\n", encoding="utf-8")
    run = tmp_path / "run"
    stages.ingest(run, source=str(source), format="csv")
    stages.overview(run)
    stages.themes(run)
    stages.sentiment(run)
    stages.codeframe(run)  # an empty coding sheet, not an error
    b = briefing.load_briefing_data(run)
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    assert summary.startswith("Summary There was nothing to analyse: of 3 records read, none has text of its own to "
                              "analyse (0 kept, 3 excluded: 3 no text at all).")
    assert "No comment had text to score." in visible_text(briefing.sentiment_section(b))
    page(b)


def test_public_figures_listed_for_the_run_keep_their_names_in_what_is_shown(tmp_path):
    source = tmp_path / "c.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": [
        "Mr Johnson promised a referendum on the bus lanes and then dropped the bus lanes plan",
        "Dr Patel at the surgery told me the bus lanes would help with the traffic in town",
        "The bus lanes plan from Mr Johnson is the best plan for traffic in the whole town"]}).to_csv(source, index=False)
    run = tmp_path / "run"
    stages.ingest(run, source=str(source), format="csv")
    stages.overview(run)
    stages.themes(run)
    stages.sentiment(run)
    b = briefing.load_briefing_data(run, public_names=["Boris Johnson"])
    shown = b.comments.set_index("comment_id")["text"]
    assert shown["a"].startswith("Mr Johnson promised") and shown["b"].startswith("Dr [name removed] at the")
    assert b.redaction_counts["titled_name"] == 1
    annex = " ".join(visible_text(briefing.methodology_section(b)).split())
    assert "Removed: 1 name after a title such as Dr or Nurse." in annex
    assert "Names listed as public figures were left as written: Boris Johnson." in annex
    strict = briefing.load_briefing_data(run)  # the default: every name after a title goes
    assert strict.comments.set_index("comment_id")["text"]["a"].startswith("Mr [name removed] promised")
    assert strict.redaction_counts["titled_name"] == 3


# ------------------------------------------------------------------------------- consultations


def _consultation(tmp_path):
    """40 respondents: 30 individuals, 8 organisations, 2 unstated; a closed question (16 agree, 18 disagree,
    4 neither, 2 blank); an open question answered by the first 35 and another by the first 10."""
    answers = (["Strongly agree"] * 6 + ["Agree"] * 10 + ["Neither agree nor disagree"] * 4 + ["Disagree"] * 8
               + ["Strongly disagree"] * 10 + [""] * 2)
    types = ["Individual"] * 30 + ["On behalf of an organisation"] * 8 + [""] * 2
    rows = [{"Response ID": f"R{i + 1}", "Type": types[i], "Do you agree with the proposal?": answers[(i * 7) % 40],
             "What do you think of the proposal?": f"{TOPICS[i % 3]} in ward {i}" if i < 35 else "",
             "Any other comments?": f"Comment {i}: {TOPICS[(i + 1) % 3].lower()}" if i < 10 else ""}
            for i in range(40)]
    source = tmp_path / "consultation.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    qmap = tmp_path / "map.yaml"
    qmap.write_text("respondent_id: Response ID\nrespondent:\n  respondent_type: Type\nopen:\n"
                    "  q1: What do you think of the proposal?\n  q2: Any other comments?\n"
                    "closed:\n  agree: Do you agree with the proposal?\n", encoding="utf-8")
    run = tmp_path / "run"
    stages.ingest(run, source=str(source), question_map=str(qmap))  # the map alone says: a consultation
    stages.overview(run)
    stages.themes(run)
    stages.sentiment(run)
    return briefing.load_briefing_data(run)


def test_consultation_briefing_counts_people_and_their_closed_answers(tmp_path):
    # An audit of a 480-respondent consultation: the briefing never said how many people responded and left
    # the closed questions out, leading with tone while most people had disagreed.
    b = _consultation(tmp_path)
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    assert ("40 respondents (30 individuals, 8 organisations and 2 who did not say) took part; we analysed their "
            "45 responses to 2 open questions.") in summary
    # 18 of 38 = 47.4%, 16 of 38 = 42.1%, 4 of 38 = 10.5%
    assert ("Asked “Do you agree with the proposal?”, 47% of the 38 who answered disagreed and 42% agreed; "
            "11% gave another answer.") in summary
    section = briefing.closed_questions_section(b)
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("</table>")[0], flags=re.S)
    cells = [[visible_text(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)] for r in rows]
    assert cells == [["Answer", "Respondents", "Share of those answering"],
                     ["Strongly agree", "6", "16%"], ["Agree", "10", "26%"], ["Neither agree nor disagree", "4", "11%"],
                     ["Disagree", "8", "21%"], ["Strongly disagree", "10", "26%"], ["No answer", "2", ""]]
    # what each side wrote: under 30 on a side, counts, and no comparison
    text = " ".join(visible_text(section).split())
    assert "Too few on one side wrote for percentages: the table gives counts, and the themes are not compared." in text
    assert "Raised more often by" not in text
    assert "Respondents (people and organisations) 40 Records read" in " ".join(
        visible_text(briefing.key_numbers_section(b)).split())
    breakdown = briefing.breakdown_section(b)
    text = " ".join(visible_text(breakdown).split())
    # every respondent is counted by type, the five who answered no open question too
    assert "Individual 30 40" in text and "Organisation 8 5" in text and "Not stated 2 0" in text
    assert "q1: What do you think of the proposal? 35" in text and "q2: Any other comments? 10" in text
    # answers left out as non-answers are counted by question (NHS: a third of one question's answers
    # were "nothing", which the table did not show)
    b2 = copy.copy(b)
    b2.exclusions = pd.concat([b.exclusions, _non_answers(["nothing", "n/a", "none"]).assign(
        question_id=["q2", "q2", "q1"])], ignore_index=True)
    text = " ".join(visible_text(briefing.breakdown_section(b2)).split())
    assert "Non-answers (not analysed)" in text
    assert "q1: What do you think of the proposal? 35 1" in text and "q2: Any other comments? 10 2" in text
    # the summary gives three closed questions and says where the others are (it dropped them silently)
    b.closed_questions = b.closed_questions * 5
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    assert summary.count("Asked “Do you agree with the proposal?”") == 3
    assert "The answers to 2 more closed questions are in the closed questions section." in summary


def test_what_each_side_of_a_closed_question_wrote(tmp_path):
    # A consultation response says "53% disagreed; those who disagreed mainly argued ...": the briefing gave the
    # closed answers and the themes in separate sections and never joined them (a gap study against ThemeFinder,
    # which splits themes by position). 50 agree and write about children walking to school, 50 disagree and write
    # about buses and potholes, 10 neither agree nor disagree (left out of the comparison).
    FOR = ["Slower traffic means children can walk to school safely", "My children could cycle to school on quiet "
           "safe streets", "Safer streets near the school would let children walk and cycle", "Walking to school is "
           "safer for children when cars slow down"]
    AGAINST = ["The buses are already late and slower limits will make bus journeys longer", "Fix the potholes "
               "before changing speed limits on every road", "Bus journeys will take longer and the potholes are the "
               "real danger", "Potholes and late buses matter more than a blanket limit"]
    rows = [{"Response ID": f"R{i}", "Do you agree?": ["Agree", "Disagree", "Strongly agree", "Strongly disagree"][i % 4],
             "Why?": (FOR if i % 2 == 0 else AGAINST)[(i // 2) % 4] + f" in ward {i}"} for i in range(100)]
    rows += [{"Response ID": f"R{i}", "Do you agree?": "Neither agree nor disagree", "Why?": FOR[i % 4]}
             for i in range(100, 110)]
    source = tmp_path / "c.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    qmap = tmp_path / "map.yaml"
    qmap.write_text("respondent_id: Response ID\nopen:\n  q1: Why?\nclosed:\n  agree: Do you agree?\n")
    run = tmp_path / "run"
    stages.ingest(run, source=str(source), question_map=str(qmap))
    stages.overview(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    b = briefing.load_briefing_data(run)
    school, buses = (b.themes.loc[b.themes["label"].str.contains(w), "label"].item() for w in ("school", "buses"))
    text = " ".join(visible_text(briefing.closed_questions_section(b)).split())
    # 50 of 50 on each side: Wilson 93% to 100%; the difference 100 points, Newcombe's interval from 1 - 0.0713 * sqrt(2)
    assert ("What they wrote: 50 of those who agreed and 50 of those who disagreed also wrote answers that were "
            "analysed (to any open question).") in text
    assert (f"Those who agreed raised “{school}” more often: 100% (95% CI 93% to 100%) of them, against 0% of those "
            "who disagreed, a difference of 100 points (95% CI 90 to 100).") in text
    assert (f"Those who disagreed raised “{buses}” more often: 100% (95% CI 93% to 100%) of them, against 0% of "
            "those who agreed, a difference of 100 points (95% CI 90 to 100).") in text
    assert f"{school} 100% (95% CI 93% to 100%) 0% (95% CI 0% to 7%) those who agreed: 100 points (95% CI 90 to 100)" in text
    # each side's quote comes from one of its own respondents, in the theme it raised
    cited = re.findall(r"One of those who (agreed|disagreed), on “([^”]+)”: .*? Response R(\d+):q1", text)
    assert [(side, label) for side, label, _ in cited] == [("agreed", school), ("disagreed", buses)]
    assert [int(i) % 2 for _, _, i in cited] == [0, 1]
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    assert (f"Those who agreed more often raised “{school}” (100%, against 0% of those who disagreed). Those who "
            f"disagreed more often raised “{buses}” (100%, against 0% of those who agreed).") in summary


def test_theme_comments_lists_every_comment_of_a_theme_most_typical_first(run_folder):
    # an audit: no way to read or export every comment of a theme without joining two tables by hand
    run = run_folder[0]
    themes = stages.load(run, "themes")
    for tid, size in zip(themes["theme_id"], themes["size"], strict=True):
        members = stages.theme_comments(run, int(tid))
        assert len(members) == size and members["weight"].is_monotonic_decreasing
        # the planted corpus has three topics, one per theme: each theme's comments share one topic
        topic = [t for t in ("library", "recycling", "bus") if t in members["text"].iloc[0].lower()]
        assert len(topic) == 1 and members["text"].str.lower().str.contains(topic[0]).all()
    with pytest.raises(ConfigError, match="no theme 99"):
        stages.theme_comments(run, 99)


def test_a_question_worded_as_its_id_is_not_repeated():
    # a review: a header of just "Q1" showed as "Q1: Q1"
    assert briefing._question_label("Q1", "q1") == "Q1"
    assert briefing._question_label("q1", "What do you think?") == "q1: What do you think?"


def test_themes_whose_terms_occur_together_less_than_by_chance_are_called_loose(data):
    # an audit: the NHS themes' coherence was -0.07 (every candidate below zero) and nothing told the reader
    b = copy.copy(data)
    scores = [dict(row) for row in data.theme_notes["k_scores"]]
    for row in scores:
        row["coherence"] = -0.07 if row["chosen"] else 0.3
    b.theme_notes = {**data.theme_notes, "k_scores": scores}
    assert "The themes are loose groupings of words" in visible_text(briefing.caveats_section(b))
    for row in scores:
        row["coherence"] = 0.12 if row["chosen"] else -0.3
    assert "loose groupings" not in visible_text(briefing.caveats_section(b))


def test_one_writer_of_many_comments_is_a_caveat(data):
    # Brexit consensus: one participant wrote 31 of the 50 statements, which the briefing never said
    b = copy.copy(data)
    rows = analysable(data.comments)
    n = int(rows.sum())
    authors = [f"Writer {i}" for i in range(n)]
    authors[:12] = ["Ann"] * 12  # 12 by one writer, the other n - 12 by one each
    authors[12] = None
    b.comments = data.comments.copy()
    b.comments.loc[rows, "author"] = authors
    text = " ".join(visible_text(briefing.caveats_section(b)).split())
    assert (f"12 of the {n} comments were written by one person, and {n - 12} people wrote any (the writer of 1 is "
            "not recorded): the themes describe what a few people wrote") in text
    b.comments.loc[rows, "author"] = [f"Writer {i % (n // 2)}" for i in range(n)]  # two each: no caveat
    assert "written by one person" not in visible_text(briefing.caveats_section(b))


def test_question_wordings_come_from_the_ingest_summary(tmp_path):
    from helpers import stages

    stages.save(tmp_path, "ingest", {"questions": [{"id": "q1", "kind": "open", "text": "Why?"},
                                                   {"id": "c1", "kind": "closed", "text": None}]})
    assert stages.question_wordings(tmp_path) == {"q1": "Why?", "c1": ""}
    assert stages.with_wording(tmp_path, ["q1", "c1", "q9"]) == ["q1: Why?", "c1", "q9"]
    stages.save(tmp_path, "respondents", pd.DataFrame({"respondent_id": ["a", "b", "c"],
                                                      "respondent_type": ["individual", None, "individual"],
                                                      "c1": ["Agree", "Agree", None]}))
    tables = dict(stages.consultation_tables(tmp_path))
    assert list(tables) == ["Questions", "Respondents by type", "c1"]
    assert tables["Respondents by type"].values.tolist() == [["individual", 2], ["Not stated", 1]]
    assert tables["c1"].values.tolist() == [["Agree", 2], ["(no answer)", 1]]
    stages.save(tmp_path, "ingest", {"kept": 3})
    assert stages.question_wordings(tmp_path) == {}


def test_the_summary_says_up_front_that_attachments_were_not_read(data):
    # an audit: CMS's 140 cover notes (22% of responses) were explained only under Caveats, pages on
    comments = data.comments.copy()
    comments["is_placeholder"] = [True] * 3 + [False] * (len(comments) - 3)
    summary = briefing.summary_section(dataclasses.replace(data, comments=comments))
    noun = briefing._respondent_noun(data)
    assert (f"Caution:</strong> 3 more {noun} only point to an attached file, which was not read: what the "
            "attachments say is not in this analysis.") in summary and "More under Caveats.</p>" in summary
    assert "attached file" not in briefing.summary_section(data)


def test_key_numbers_do_not_repeat_a_total_as_its_only_part(data):
    # an audit: one consultation's key numbers showed 827 three times (kept, kept: responses, analysed)
    # and 171 twice (excluded, excluded: non-answers)
    ingest = {**data.ingest, "records_read": 998, "kept": 827, "excluded": 171,
              "excluded_by_reason": {"non_answer": 171}}
    overview = {**data.overview, "by_kind": [{"kind": "response", "count": 827}]}
    tiles = " ".join(re.sub(r"<[^>]+>", " ", briefing.key_numbers_section(
        dataclasses.replace(data, ingest=ingest, overview=overview))).split())
    assert "Records read 998 Kept 827 Excluded: " in tiles and tiles.count(" 171") == 1
    assert "Kept: responses" not in tiles and "Excluded 171" not in tiles


def test_one_more_theme_is_another_not_others(data):
    # an audit of the example: "others were “social media; worked; campaign”" named a single theme
    b = copy.copy(data)
    themes = data.themes.head(2).copy()
    themes["size"] = [30, 6]  # 30 of 36 and 6 of 36: intervals far apart, so one theme comes first
    themes["share"] = themes["size"] / 36
    lows, highs = zip(*[stats.wilson_interval(k, 36) for k in (30, 6)], strict=True)
    themes = themes.assign(ci_low=lows, ci_high=highs)
    b.themes = themes
    text = " ".join(visible_text(briefing.summary_section(b)).split())
    assert f"The most common theme was “{briefing._label(themes.iloc[0])}”" in text
    assert f"; another was “{briefing._label(themes.iloc[1])}”" in text and "others were" not in text


def test_analysed_responses_with_unread_attachments_are_said(data):
    # an audit: 93 of the 504 analysed CMS responses also carried attachments, never mentioned
    b = copy.copy(data)
    flags = [i in (0, 4, 9) for i in range(len(data.comments))]  # 3 analysed comments carry files
    b.comments = data.comments.assign(has_attachment=pd.array(flags, dtype="boolean"))
    said = "3 of the analysed comments also attach files, which were not read: what they add is not in this analysis."
    assert said in " ".join(visible_text(briefing.caveats_section(b)).split())
    assert said in " ".join(visible_text(briefing.summary_section(b)).split())
    assert "attach files" not in visible_text(briefing.caveats_section(data))  # the source says nothing of files


def test_a_long_quote_shows_the_part_that_makes_its_theme_s_point(data):
    # an audit: a long letter was quoted by its first 600 characters, greetings and all, before its point
    b = copy.copy(data)
    t = data.themes.iloc[0]
    term = list(t["top_terms"])[0]
    point = f"My whole point is about {term}, which matters to everyone here."
    letter = "I write as a resident of forty years. " * 20 + point + " Yours faithfully, a neighbour. " * 5
    b.quotes = {**data.quotes, int(t["theme_id"]): [("c1", letter)]}
    text = " ".join(visible_text(briefing.themes_section(b)).split())
    shown = text[text.index("… I write as a resident"):]
    assert point in shown[:700]  # the point, with the letter's sentences around it, cut marked "…"
    assert shown.index(point) > 0 and "Comment c1" in shown


# ------------------------------------------------------------------- evidence-rich responses

RICH_FIGURES = ("As a practice manager, I see wrong directory entries every week. Last year 30% of our referrals "
                "came back because the listed address was out of date; call 07700 900123 to check. Each one took "
                "our staff about 20 minutes. We recommend one national directory, because every practice now keeps "
                "four of its own.")  # experience, figures, suggestions
RICH_NO_CONSENT = ("I am a registered nurse on a surgical ward. For example, last month a patient was sent to a "
                   "clinic that had closed two years before, and nobody could tell us where it had moved, so the "
                   "appointment was lost and the patient waited another month for a new one.")
# examples ("For example"), figures ("two years": a measure); "I am a registered nurse" with nothing that happened
# to the writer is a job title, not experience
ONE_KIND = ("About 30% of the entries I checked were wrong, and the rest of this response says nothing more than "
            "that the listings are not kept up to date by anyone at all, which is a shame for everyone who uses "
            "them every day.")  # figures only


@pytest.fixture(scope="module")
def evidence_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evidence")
    texts = [RICH_FIGURES, RICH_NO_CONSENT, ONE_KIND] + [f"{TOPICS[i % 3]}, and that is all." for i in range(9)]
    pd.DataFrame({"id": [f"r{i + 1}" for i in range(12)], "text": texts,
                  "consent_to_publish": ["yes", "no"] + ["yes"] * 10,
                  "respondent_type": ["Health Trust", "Individual"] + ["Individual"] * 10}).to_csv(
        folder / "responses.csv", index=False)
    run = folder / "run"
    stages.ingest(run, source=str(folder / "responses.csv"), format="csv", kind="response")
    stages.overview(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    return run


def test_evidence_rich_responses_are_counted_and_listed_with_what_shows_it(evidence_run):
    assert [len(t.split()) for t in (RICH_FIGURES, RICH_NO_CONSENT, ONE_KIND)] == [54, 50, 43]
    b = briefing.load_briefing_data(evidence_run)
    summary = " ".join(visible_text(briefing.summary_section(b)).split())
    assert ("2 of the 12 responses give detailed evidence (at least two of figures, concrete examples, first-hand "
            "or professional experience and reasoned suggestions): they are worth reading in full, and the section "
            "on evidence-rich responses lists them.") in summary
    section = briefing.evidence_section(b)
    text = " ".join(visible_text(section).split())
    assert ("Of all 12 responses, 3 give figures, 1 examples, 1 first-hand or professional experience and 1 reasoned "
            "suggestions.") in text  # the third response gives a figure only
    rows = re.findall(r"<tr>(.*?)</tr>", section, flags=re.S)[1:]
    cells = [[" ".join(visible_text(c).split()) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)]
             for r in rows]
    # three kinds before two; the sentence with the first figure, the phone number removed; no
    # consent: not quoted
    assert [c[:4] for c in cells] == [["r1", "Health Trust", "figures, experience, suggestions", "54"],
                                      ["r2", "Individual", "figures, examples", "50"]]
    assert cells[0][4].startswith("Last year 30% of our referrals came back") and "900123" not in section
    assert cells[1][4] == "(not quoted)" and "surgical ward" not in section
    assert 'id="evidence"' in section and "Evidence-rich responses" in text
    assert "Sent by is the organisation the response names or, where it names none, the category its sender chose" in text
    assert "Campaign" not in text  # no campaign found: no column
    # a copy of a campaign's letter is marked as one (an audit: a C1 copy read as a federal body's own evidence)
    b.evidence = b.evidence.assign(campaign=["", "C1"])
    marked = briefing.evidence_section(b)
    assert ["Campaign", "", "C1"] == [" ".join(visible_text(c).split()) for c in
                                      re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", marked, flags=re.S)][4::6]
    assert "Campaign marks a copy of an organised campaign’s letter" in visible_text(marked)
    # a long list: 15 in the table, the next 85 in a disclosure, 100 in all (an audit: a minister cannot open the
    # notebook that listed the other 15 of NHS's 30), the last 20 of 120 left to the run folder and notebook
    many = copy.copy(b)
    many.evidence = pd.concat([b.evidence] * 60, ignore_index=True).assign(comment_id=[f"e{i}" for i in range(120)])
    long = briefing.evidence_section(many)
    table, listed = long.split("<details")
    assert table.count("<tr>") == 16 and "the first 15 of 120" in table
    assert "The next 85 evidence-rich responses" in listed and "16 to 100 of 120" in listed
    assert listed.split("</details>")[0].count("<tr>") == 86 and ">e15<" in listed and ">e99<" in listed
    assert ">e100<" not in long and "The other 20 are marked in the run" in visible_text(long)
    # with campaigns, the kinds counted with each letter once too (CMS: 266 suggestions, 217 of them one letter's copies)
    once = copy.copy(b)
    once.campaign_notes = {"n_campaigns": 1}
    once.sentiment_notes = dict(b.sentiment_notes, content_evidence_counts={"figures": 2, "examples": 1, "experience": 0,
                                                                           "suggestions": 1, "rich": 1},
                                content_position_counts={"oppose": 1, "support": 0, "mixed": 0, "none": 9})
    assert ("Counting each campaign’s letter once (10 texts), 2 give figures, 1 examples, 0 first-hand or professional "
            "experience and 1 reasoned suggestions.") in " ".join(visible_text(briefing.evidence_section(once)).split())
    assert "letter once" not in text
    method = " ".join(visible_text(briefing.methodology_section(b)).split())
    assert "Evidence-rich texts" in method and "a job title alone is not enough" in method
    # a petition is its own proposal, read whole: nothing said
    b.overview = dict(b.overview, by_kind=[{"kind": "petition", "count": 12}])
    assert briefing.evidence_section(b) == "" and "detailed evidence" not in visible_text(briefing.summary_section(b))
    assert "Evidence-rich texts" not in visible_text(briefing.methodology_section(b))


def test_the_briefing_notebook_shows_every_section_in_order():
    # an evidence section once reached briefing.all_sections but not the notebook the runner renders
    from helpers import paths

    notebook = nbformat.read(paths.resolve("notebooks/90_briefing.ipynb"), as_version=4)
    shown = re.findall(r"briefing\.(\w+_section|title_block)\(", "\n".join(c.source for c in notebook.cells))
    listed = re.findall(r"\b(\w+_section|title_block)\(b\)", inspect.getsource(briefing.all_sections))
    assert shown == listed
