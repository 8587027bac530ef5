"""The briefing's opinion-groups section (helpers.briefing.opinions_section) and its stage."""

import re

import pytest

from helpers import briefing, stages
from helpers.opinions.polis import load_export, polis_consensus
from tests.conftest import EXAMPLE_PAGE, shared_corpus


def chain(run, source, fmt):
    stages.ingest(run, source=str(source), format=fmt)
    stages.overview(run)
    stages.themes(run)
    stages.sentiment(run)
    return stages.opinions(run)


def test_no_votes_gives_one_line_saying_why(tmp_path):
    result, _, notes = chain(tmp_path, EXAMPLE_PAGE, "blog-page")
    assert result is None and notes["skipped"]
    html = briefing.opinions_section(briefing.load_briefing_data(tmp_path))
    assert "This section was skipped" in html and "the source has no votes" in html
    assert html.count("<p") == 1


@pytest.mark.shared
def test_brexit_consensus_section_reads_without_knowing_polis(tmp_path):
    folder = shared_corpus("polis-opendata", "brexit-consensus")
    result, statements, notes = chain(tmp_path, folder, "polis")
    assert notes["n_participants"] == 204 and notes["n_statements"] == 50  # summary.csv: voters 204, comments 50
    assert notes["n_groups"] == 2  # summary.csv: groups 2
    for name in ("opinion_participants", "opinion_groups", "opinion_statements", "opinions"):
        assert stages.output_path(tmp_path, name).is_file()
    html = briefing.opinions_section(briefing.load_briefing_data(tmp_path))
    for phrase in ("204 people voted", "2 opinion groups", "people who tended to vote the same way",
                   "What divides the groups", "What everyone agrees on", "Group A:", "Group B:",
                   "What sets this group apart", "not the public", "alt=\"Map of 204 participants"):
        assert phrase in html, phrase
    # the map says who is in no group and how much it leaves out (an audit: one continuous cloud, captioned
    # "nearby points voted alike"); 204 voters, 189 grouped (summary.csv: 204 voters)
    assert "; 15 who voted on too few statements are in no group.\"" in html and "crosses mark the 15 in no group" in html
    assert (f"two axes capture {sum(notes['explained_variance']):.0%} of how the votes vary") in html
    # The statement most agreed across Polis's own groups (computed from the export) is among ours.
    top = polis_consensus(load_export(folder), top=1)[0]
    agrees = html[html.index("What everyone agrees on"):html.index("Group A:")]
    assert f"(statement {top})" in agrees
    # "I voted to Remain." (statement 1; comments.csv), agreed by 155 of the 167 who voted on it (an audit, from
    # votes.csv), says who took part: it is given apart from the views everyone shares
    common, themselves = agrees.split("answered the same way")
    assert "I voted to Remain." in themselves and "(statement 1)" in themselves
    assert "(statement 1)" not in common
    # ... as is "I voted to Leave." (statement 0), which most in every group disagreed with (an audit: 3 of the
    # 173 who answered it agreed)
    assert re.search(r"I voted to Leave\.\u201d \(statement 0\): disagreed by", themselves)
    assert "<script" not in html
    # Each share says how many in the group voted on the statement (a review read "95% of group A" for
    # 19 of 20 voters, a fifth of the group): the counts, from votes.csv (each voter's last vote) and our
    # groups, for the first statement listed
    import csv

    with open(folder / "votes.csv", newline="", encoding="utf-8") as f:
        last = {}
        for r in sorted(csv.DictReader(f), key=lambda r: int(r["timestamp"])):
            last[(r["voter-id"], r["comment-id"])] = int(r["vote"])
    group_of = dict(zip(result.participants["participant_id"].astype(str), result.participants["group_name"],
                        strict=True))
    first = re.search(r"\(statement (\d+)\)", agrees).group(1)
    for g in "AB":
        votes = [v for (voter, c), v in last.items() if c == first and group_of.get(voter) == g]
        agree, seen = votes.count(1), len(votes)
        said = f"{agree} of the {seen} in group {g}" if seen < 30 else f"{agree / seen:.0%} of the {seen} in group {g}"
        assert said in agrees.split("</li>")[0], said
    # What every group rejects is common ground too (an audit: "The Conservatives are the only party dedicated
    # to making a success of Brexit" was nowhere): disagreeing counts per group, from votes.csv
    rejected = common.split("disagreed with")[1]
    votes = {g: [v for (voter, c), v in last.items() if c == "23" and str(group_of.get(voter)) == g] for g in "AB"}
    shares = ", ".join(f"{v.count(-1) / len(v):.0%} of the {len(v)} in group {g}" for g, v in votes.items())
    assert min(v.count(-1) / len(v) for v in votes.values()) > 0.5
    assert f"(statement 23): disagreed by {shares}." in rejected.replace("\u201d", "")
    # What sets a group apart names the one other group, in one form on both sides: counts when either side
    # has fewer than 30 voters (an audit read "84% of the 31 in this group, against 3 of the 28 in other groups")
    def tally(statement, g, vote):
        v = [x for (voter, c), x in last.items() if c == statement and str(group_of.get(voter)) == g]
        return v.count(vote), len(v)

    group_a = html[html.index("Group A:"):html.index("Group B:")]
    (k, n), (k_rest, n_rest) = tally("37", "A", -1), tally("37", "B", -1)
    assert min(n, n_rest) < 30
    assert f"(statement 37): {k} of the {n} in this group who voted on it, against {k_rest} of the {n_rest} in group B" \
        in group_a.replace("\u201d", "")
    # a view most of group A holds too does not set group B apart: "There's literally no difference between
    # Labour and the Tories" (statement 5), which most of A disagreed with as well
    k_a, n_a = tally("5", "A", -1)
    assert k_a * 2 > n_a and "(statement 5)" not in html[html.index("Group B:"):]
    # every statement, in an annex a reader can check the lists against (an audit): "I voted to Leave."
    # (statement 0) from votes.csv, everyone's last vote, and each group's share agreeing
    annex = html[html.index("Every statement and how people voted (50)"):]
    everyone = [v for (_, c), v in last.items() if c == "0"]
    n0 = len(everyone)
    cells = [f"{everyone.count(v) / n0:.0%}" for v in (1, -1, 0)] + [
        f"{a / n:.0%}" for a, n in (tally("0", "A", 1), tally("0", "B", 1))]
    row = re.search(r"<tr><td[^>]*><code>0</code></td>(.*?)</tr>", annex).group(1)
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] == [
        "I voted to Leave.", str(n0), *cells]
    # Polis's own groups (participants-votes.csv, read here with the csv module): where each went here.
    import csv

    with open(folder / "participants-votes.csv", newline="", encoding="utf-8") as f:
        polis = {r["participant"]: r["group-id"] for r in csv.DictReader(f) if r["group-id"] != ""}
    ours = result.participants.dropna(subset=["group"])
    pairs = [(str(g), polis[p]) for p, g in zip(ours["participant_id"], ours["group_name"], strict=True)
             if p in polis]
    platform = notes["platform_groups"]
    assert len(polis) == platform["n_platform_grouped"] == 197  # participants-votes.csv: 197 with a group-id
    assert platform["n_platform_groups"] == 2 and platform["n_compared"] == len(pairs)
    for w in platform["where"]:
        mine = [a for a, b in pairs if b == w["platform_group"]]
        top = max("AB", key=mine.count)
        assert (w["n_compared"], w["group_name"]) == (len(mine), top)
        assert w["share"] == pytest.approx(mine.count(top) / len(mine), abs=1e-4)
        nth = ("first", "second")[int(w["platform_group"])]  # Polis numbers its groups 0, 1: not shown
        assert (f"{mine.count(top) / len(mine):.0%} of the {len(mine)} in its {nth} group are in "
                f"our group {top}") in html
    assert "also grouped 197 of these voters, into 2 groups" in html.replace("\u2019", "'")
    assert sum(r["participants"] for r in platform["crosstab"]) == len(pairs)
    # Polis's report lists (votes.csv, each voter's last vote, counted with the csv module above): what at
    # least 60% of those who voted on a statement agreed or disagreed with, and what more than 30% passed on
    overall = html[html.index("Most voters, and where they were unsure"):html.index("Group A:")]
    counts = {c: [v for (_, cc), v in last.items() if cc == c] for c in ("27", "34", "40", "42")}
    assert [(v.count(-1), len(v)) for v in [counts["27"]]] == [(95, 99)]
    assert "(statement 27)" not in overall  # 95 of 99 disagreed, most in each group: given above
    agreed, seen = counts["34"].count(1), len(counts["34"])
    assert f"(statement 34): {agreed / seen:.0%} of the {seen} who voted on it agreed" in overall
    assert [(counts[c].count(0), len(counts[c])) for c in ("40", "42")] == [(15, 45), (14, 42)]
    assert "(statement 40): 33% of the 45 who saw it passed" in overall
    assert "(statement 42): 33% of the 42 who saw it passed" in overall
    # statements about the voters themselves are not listed as views ("I voted to Leave.", 93% disagreeing)
    assert "(statement 0)" not in overall and "(statement 3)" not in overall
    assert "(statement 1)" not in overall  # already given above, with the groups' shares
    # the summary mentions the votes (summary.csv: voters 204, comments 50, groups 2)
    data = briefing.load_briefing_data(tmp_path)
    # the page is headed with the conversation's topic (summary.csv), not the corpus's short name, and says
    # when the votes were cast (votes.csv: from 16 July to 5 August 2017, UK and UTC alike), not only when the
    # statements were written
    head = " ".join(re.sub(r"<[^>]+>", " ", briefing.title_block(data)).split())
    assert head.startswith("Can there be consensus on Brexit?")
    assert "dated 16 July to 23 July 2017; votes cast 16 July to 5 August 2017." in head
    # the caveats fit a conversation people voted in (an audit: "This is not a vote" beside 5,303 votes)
    caveats = " ".join(re.sub(r"<[^>]+>", " ", briefing.caveats_section(data)).split())
    assert "This is not a vote" not in caveats and "Each person voted only on the statements they were shown" in caveats
    assert "often the organiser\u2019s opening statements); the votes say how widely a view is held." in caveats
    keys = " ".join(re.sub(r"<[^>]+>", " ", briefing.key_numbers_section(data)).split())
    # summary.csv: voters 204, groups 2; votes.csv: 5,312 rows, 9 of them a changed vote (the latest counts)
    assert "People who voted 204 Votes 5,303 Opinion groups 2 (of the 189 people who voted enough)" in keys
    summary = briefing.summary_section(data)
    assert "We analysed 50 statements." in summary  # what the opinion groups section calls them, not "comments"
    assert (f"204 people voted {notes['n_votes']:,} times on 50 statements; the {notes['n_clustered']} who voted on "
            "enough of them fell into 2 opinion groups") in summary
    # ... and what was found, ahead of the themes of the statements' words (an audit: the summary named no
    # divide and no common ground); agreeing counts per group from votes.csv
    (a, n_a), (b_, n_b) = tally("8", "A", 1), tally("8", "B", 1)
    summary = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert (f"They divide most on \u201cLabour should oppose the Brexit process\u201d: {a / n_a:.0%} of the {n_a} in "
            f"group A who voted on it agree, against {b_ / n_b:.0%} of the {n_b} in group B.") in summary
    assert ("Most in every group agreed with \u201cThe Northern Ireland/Republic of Ireland border is a huge issue "
            "that isn't being given enough attention\u201d and rejected \u201cThe UK's borders are basically "
            "unprotected, thanks to the EU\u201d.") in summary.replace("&#x27;", "'")
    assert summary.index("They divide most") < summary.index("The most common theme")


def test_platform_groups_by_hand():
    import pandas as pd

    from helpers.errors import InputError
    from helpers.opinions import compare_with_platform

    ours = pd.DataFrame({"participant_id": ["1", "2", "3", "4", "5", "6"],
                         "group": pd.array([0, 0, 0, 1, 1, None], dtype="Int64"),
                         "group_name": ["A", "A", "A", "B", "B", None]})
    # the platform grouped 1-5 plus 7 (who is not among ours) and left 6 out
    theirs = pd.Series(["x", "x", "y", "y", "y", None, "x"], index=[1, 2, 3, 4, 5, 6, 7])
    out = compare_with_platform(ours, theirs)
    assert (out["n_platform_grouped"], out["n_platform_groups"], out["n_compared"]) == (6, 2, 5)
    # x: 1, 2 (both A); y: 3 (A), 4, 5 (B)
    assert out["where"] == [{"platform_group": "x", "n_compared": 2, "group_name": "A", "share": 1.0},
                            {"platform_group": "y", "n_compared": 3, "group_name": "B", "share": 0.6667}]
    assert [(r["group_name"], r["platform_group"], r["participants"]) for r in out["crosstab"]] == [
        ("A", "x", 2), ("A", "y", 1), ("B", "y", 2)]
    # ARI by hand: pairs of the 5 together in both (1-2, 4-5) = 2; together here 3 + 1 = 4;
    # together there 1 + 3 = 4; expected 4 * 4 / 10 = 1.6; max (4 + 4) / 2 = 4; (2 - 1.6) / (4 - 1.6) = 1/6
    assert out["ari"] == pytest.approx(1 / 6, abs=1e-4)
    nobody = compare_with_platform(ours, pd.Series(["x"], index=["7"]))
    assert nobody["n_compared"] == 0 and nobody["where"] == [] and nobody["ari"] is None
    with pytest.raises(InputError, match="'1' has two platform groups"):
        compare_with_platform(ours, pd.Series(["x", "y"], index=["1", "1"]))


@pytest.mark.shared
def test_notebook_shows_how_our_groups_line_up_with_polis(tmp_path):
    import papermill

    from helpers import paths

    chain(tmp_path, shared_corpus("polis-opendata", "brexit-consensus"), "polis")
    out = tmp_path / "06.ipynb"
    papermill.execute_notebook(str(paths.notebooks_dir() / "06_opinion_groups.ipynb"), str(out),
                               parameters={"corpus": "brexit", "run_dir": str(tmp_path)}, progress_bar=False)
    import nbformat

    shown = "".join(str(o.get("data", {}).get("text/plain", "")) for c in nbformat.read(out, as_version=4).cells
                    if c.cell_type == "code" for o in c.outputs)
    assert "platform_group" in shown and "'where'" in shown and "'n_compared'" in shown
    assert "The source records no groups of its own" not in shown


def test_statements_the_moderator_rejected_are_said_to_be_left_out():
    from helpers.briefing import _rejected_sentence

    assert _rejected_sentence({"n_statements_excluded": 3, "n_votes_excluded": 40}) == (
        " 3 statements the moderator rejected, and the 40 votes cast on them, are left out.")
    assert _rejected_sentence({"n_statements_excluded": 1, "n_votes_excluded": 2}) == (
        " 1 statement the moderator rejected, and the 2 votes cast on it, are left out.")
    # a run folder made before the votes on rejected statements were counted: the statements only
    assert _rejected_sentence({"n_statements_excluded": 1}) == " 1 statement the moderator rejected is left out."


def test_the_methodology_says_how_the_groups_were_found(tmp_path):
    # an audit: the annex had a subsection for every method but the opinion groups
    import dataclasses

    result, _, _ = chain(tmp_path, EXAMPLE_PAGE, "blog-page")
    b = briefing.load_briefing_data(tmp_path)
    assert "Opinion groups</h3>" not in briefing.methodology_section(b)  # no votes, no subsection
    notes = {"skipped": False, "n_clustered": 189, "min_votes_applied": 7, "n_statements_excluded": 2,
             "explained_variance": [0.195527, 0.086439],
             "k_scores": [{"n_groups": 2, "silhouette": 0.39012, "chosen": True},
                          {"n_groups": 3, "silhouette": 0.405408, "chosen": False}],
             "parameters": {"n_groups": 0, "max_groups": 5, "k_margin": 0.03}}
    text = " ".join(re.sub(r"<[^>]+>", " ", briefing.methodology_section(
        dataclasses.replace(b, opinion_notes=notes))).split())
    assert "Opinion groups" in text
    assert "where someone changed a vote, the latest counts; 2 statements the moderator rejected were left out." in text
    assert "its two axes capture 20% and 9% of the variation in the votes" in text
    assert "The 189 people who voted on at least 7 statements were grouped" in text
    assert "into 2 to 5 groups" in text and "higher by more than 0.03 (here 0.39 for 2, 0.41 for 3)" in text
    notes["parameters"]["n_groups"] = 3
    text = " ".join(re.sub(r"<[^>]+>", " ", briefing.methodology_section(
        dataclasses.replace(b, opinion_notes=notes))).split())
    assert "the number set to 3 by parameter" in text and "silhouette" not in text


def test_most_voters_says_how_many_and_which_groups_do_not_share_a_view():
    # an audit: "Other statements that at least 60% ... (the groups may still differ on them)" over 3 of 28
    import pandas as pd

    st = pd.DataFrame([
        {"list": "majority", "comment_id": "9", "direction": "agree", "n_agree": 70, "n_disagree": 20, "n_pass": 10,
         "n_seen": 100, "text": "Build more homes."},
        {"list": "all", "comment_id": "9", "n_agree": 70, "n_disagree": 20, "n_pass": 10, "n_seen": 100,
         "agree_0": 60, "disagree_0": 5, "seen_0": 65, "agree_1": 10, "disagree_1": 15, "seen_1": 35},
        {"list": "all", "comment_id": "8", "n_agree": 10, "n_disagree": 10, "n_pass": 0, "n_seen": 20,
         "agree_0": 5, "disagree_0": 5, "seen_0": 10, "agree_1": 5, "disagree_1": 5, "seen_1": 10}])
    html = briefing._overall_lists(st, lambda c: f"\u201cBuild more homes.\u201d (statement {c})", set(), {0: "A", 1: "B"})
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    # 70 of 100 agree (70%); 10 of group B's 35 (29%) agree, not most of them; statement 8 is split 10/10
    assert "1 of the 2 statements was agreed or disagreed with by at least 60% of all those who voted on them" in text
    assert ("(statement 9): 70% of the 100 who voted on it agreed; but not most of group B (29% of the 35 who voted "
            "on it).") in text
    assert "may still differ" not in text

