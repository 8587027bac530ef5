"""The command line: the ingest acceptance check, and errors as one line with exit code 2."""

import subprocess
import sys

import pandas as pd
import pytest

from helpers import cli, paths

ROOT = paths.project_root()
PAGE = "data/raw/obama-toolkit/page.txt"


def test_ingest_example_page_to_csv(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert cli.main(["ingest", PAGE, "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["kind"].value_counts().to_dict() == {"comment": 7, "pingback": 3, "post": 1}
    oops = table.loc[table["text"].str.startswith("oops, apologies for the cliff hanger")]
    assert oops["kind"].tolist() == ["comment"] and oops["comment_id"].tolist() == ["r7"]
    for boilerplate in ("Leave a Reply", "Fill in your details", "bloggers like this"):
        assert not table["text"].str.contains(boilerplate, regex=False).any()
    exclusions = pd.read_csv(tmp_path / "t.exclusions.csv", dtype=str)
    assert exclusions["reason"].tolist() == ["boilerplate"]
    printed = capsys.readouterr().out
    assert "read 12 records = 11 kept + 1 excluded" in printed


def test_ingest_to_parquet(tmp_path):
    out = tmp_path / "t.parquet"
    assert cli.main(["ingest", PAGE, "--format", "blog-page", "--out", str(out)]) == 0
    assert len(pd.read_parquet(out)) == 11


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
])
def test_bad_files_give_one_line_and_exit_2(tmp_path, capsys, content, words):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    out = tmp_path / "t.csv"
    assert cli.main(["ingest", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}") and words in err[0].lower()
    assert not out.exists()


def test_unknown_format_is_refused(tmp_path, capsys):
    assert cli.main(["ingest", PAGE, "--format", "nope", "--out", str(tmp_path / "t.csv")]) == 2
    assert "nope" in capsys.readouterr().err


def test_run_rejects_unknown_parameter_before_running_anything(tmp_path, capsys):
    code = cli.main(["run", "params/obama-toolkit.yaml", "-p", "n_theme=3", "--out", str(tmp_path / "r")])
    assert code == 2
    err = capsys.readouterr().err
    assert "'n_theme' is not declared" in err and not (tmp_path / "r").exists()


def test_run_needs_a_config_or_source_and_corpus(capsys):
    assert cli.main(["run", "--source", PAGE]) == 2
    assert "--source and --corpus" in capsys.readouterr().err


def test_formats_lists_the_readers(capsys):
    assert cli.main(["formats"]) == 0
    assert {"blog-page", "csv", "xlsx", "jsonl"} <= set(capsys.readouterr().out.split())


def test_python_dash_m_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "helpers", "ingest", "nowhere.txt", "--out", str(tmp_path / "t.csv")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nowhere.txt" in result.stderr
