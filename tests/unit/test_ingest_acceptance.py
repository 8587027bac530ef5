"""Issue acceptance: `python -m helpers ingest <file or folder> --out t.parquet` reads every real export in
../shared/corpora with auto-detection, and prints records read = kept + excluded.

Expected counts come from each corpus's SOURCE.txt (or are counted here with the csv module), not from
the readers' output.
"""

import csv
import re

import pandas as pd
import pytest

from helpers import cli, paths
from helpers.ingest import detect_format
from tests.conftest import shared_corpus

B = "blog-comment-exports"
POLIS = sorted(p.name for p in (paths.shared_corpora_dir() / "polis-opendata").glob("*") if p.is_dir())


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def ingest(tmp_path, capsys, *args):
    out = tmp_path / "t.parquet"
    assert cli.main(["ingest", *map(str, args), "--out", str(out)]) == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    read, kept, excluded = map(int, re.search(r"read (\d+) records? = (\d+) kept \+ (\d+) excluded", printed).groups())
    assert read == kept + excluded
    comments = pd.read_parquet(out)
    exclusions = pd.read_parquet(tmp_path / "t.exclusions.parquet")
    assert (len(comments), len(exclusions)) == (kept, excluded)
    return read, comments, exclusions, printed


@pytest.mark.parametrize("parts, fmt, read", [
    ((B, "wordpress-theme-test-data", "themeunittestdata.wordpress.xml"), "wxr", 33 + 7),  # 33 comments on 7 posts
    ((B, "wpaccessibility-a11y-theme-unit-test", "a11y-theme-unit-test-data.xml"), "wxr", 29 + 5),  # on 5 posts
    ((B, "isso-import-fixtures", "disqus.xml"), "disqus", None),
    ((B, "disqus-export-yesilmavihayat", "disqus-export.xml"), "disqus", 51 + 1),  # 51 posts, 1 thread
    ((B, "staticman-made-mistakes", "comments"), "staticman", 719),
    (("regulationsgov-CMS-2022-0163", "comments"), "regulationsgov-json", 647),
    (("uk-parliament-petitions", "data_parliament_epetitions_2015-2017.json"), "petitions", 8489),
    (("uk-parliament-petitions", "petition_131215_eu_referendum_rules.json"), "petitions", 1),
    (("decide-madrid-2019", "data", "comments.csv"), "consul", 5633),
])
def test_real_exports_are_detected_and_accounted_for(tmp_path, capsys, parts, fmt, read):
    source = shared_corpus(*parts)
    got, comments, exclusions, _ = ingest(tmp_path, capsys, source)
    assert comments["source"].notna().all()
    if read is not None:
        assert got == read
    assert detect_format(source) == fmt


def test_wxr_counts(tmp_path, capsys):
    _, comments, exclusions, _ = ingest(tmp_path, capsys, shared_corpus(B, "wordpress-theme-test-data",
                                                                       "themeunittestdata.wordpress.xml"))
    kinds = comments["kind"].value_counts()
    assert (kinds.get("pingback", 0), kinds.get("trackback", 0)) == (2, 2)
    assert (exclusions["reason"] == "unapproved").sum() == 3


@pytest.mark.parametrize("conversation", POLIS)
def test_each_polis_conversation(tmp_path, capsys, conversation):
    folder = shared_corpus("polis-opendata", conversation)
    read, _, _, printed = ingest(tmp_path, capsys, folder)
    assert read == csv_rows(folder / "comments.csv")
    if (folder / "votes.csv").exists():
        assert len(pd.read_parquet(tmp_path / "t.votes.parquet")) == csv_rows(folder / "votes.csv")
    elif not (folder / "participants-votes.csv").exists():
        assert "note: " in printed and "missing" in printed


def test_nhs_feedback_through_a_question_map(tmp_path, capsys):
    source = shared_corpus("nhs-patient-feedback", "text_data.csv")
    read, comments, _, _ = ingest(tmp_path, capsys, source, "--format", "consultation", "--question-map",
                                  paths.resolve("params/question-maps/nhs-patient-feedback.yaml"))
    assert read == 10_334  # SOURCE.txt
    assert comments["question_id"].notna().all() and (comments["kind"] == "response").all()


def test_malformed_xml_is_one_line_and_exit_2(tmp_path, capsys):
    source = shared_corpus(B, "wordpress-importer-fixtures", "malformed-simple.xml")
    assert cli.main(["ingest", str(source), "--out", str(tmp_path / "t.parquet")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {source}") and "Traceback" not in err[0]
    assert not (tmp_path / "t.parquet").exists()
