"""The briefing's opinion-groups section (helpers.briefing.opinions_section) and its stage."""

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
    # The statement most agreed across Polis's own groups (computed from the export) is among ours.
    top = polis_consensus(load_export(folder), top=1)[0]
    agrees = html[html.index("What everyone agrees on"):html.index("Group A:")]
    assert f"(statement {top})" in agrees
    assert "<script" not in html
