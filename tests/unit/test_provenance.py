"""Tests for helpers.provenance: checksums against hashlib, git in a throwaway repository, stable records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from helpers import paths, provenance
from helpers.errors import InputError

ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 example
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def isolated_git(monkeypatch, tmp_path):
    """Keep git from walking up out of tmp_path or reading the user's configuration."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


# ------------------------------------------------------------------------------------------- checksums


@pytest.mark.parametrize(("content", "expected"), [(b"abc", ABC_SHA256), (b"", EMPTY_SHA256)])
def test_sha256_file_known_values(tmp_path, content, expected):
    p = tmp_path / "f.bin"
    p.write_bytes(content)
    assert provenance.sha256_file(p) == expected == hashlib.sha256(content).hexdigest()


def test_sha256_file_streams_across_block_boundaries(tmp_path):
    content = bytes(range(256)) * 4097 + b"tail"  # a little over 1 MiB: two blocks
    p = tmp_path / "big.bin"
    p.write_bytes(content)
    assert provenance.sha256_file(p) == hashlib.sha256(content).hexdigest()


def test_sha256_file_missing_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        provenance.sha256_file(tmp_path / "nope.csv")


def test_input_checksums_expands_folders_sorted_and_skips_hidden(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "b").mkdir(parents=True)
    (corpus / "b" / "z.csv").write_bytes(b"abc")
    (corpus / "a.csv").write_bytes(b"")
    (corpus / "README.md").write_bytes(b"abc")
    (corpus / ".DS_Store").write_bytes(b"junk")
    (corpus / ".ipynb_checkpoints").mkdir()
    (corpus / ".ipynb_checkpoints" / "x.csv").write_bytes(b"junk")
    extra = tmp_path / "votes.csv"
    extra.write_bytes(b"abc")

    records = provenance.input_checksums([corpus, extra, corpus / "a.csv"])  # a.csv twice: recorded once
    assert [Path(r["path"]).name for r in records] == ["README.md", "a.csv", "z.csv", "votes.csv"]
    assert [r["bytes"] for r in records] == [3, 0, 3, 3]
    assert [r["sha256"] for r in records] == [ABC_SHA256, EMPTY_SHA256, ABC_SHA256, ABC_SHA256]
    assert records[2]["path"] == paths.relative_to_root(corpus / "b" / "z.csv")
    assert provenance.input_checksums(extra) == [records[3]]  # one path on its own is fine


def test_input_checksums_paths_inside_the_project_are_relative():
    records = provenance.input_checksums(["pyproject.toml"])
    assert records[0]["path"] == "pyproject.toml"
    assert (
        records[0]["sha256"]
        == hashlib.sha256((paths.project_root() / "pyproject.toml").read_bytes()).hexdigest()
    )


def test_input_checksums_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        provenance.input_checksums([tmp_path / "gone"])


# ------------------------------------------------------------------------------------------------- git


@needs_git
def test_git_commit_and_dirty_in_a_new_repository(isolated_git):
    repo = isolated_git / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    assert provenance.git_commit(repo) is None  # no commits yet
    (repo / "a.txt").write_text("one\n", encoding="utf-8")
    _git(repo, "add", "a.txt")
    _git(repo, "commit", "-q", "-m", "first")
    head = _git(repo, "rev-parse", "HEAD").strip()
    assert len(head) == 40
    assert provenance.git_commit(repo) == head
    assert provenance.git_commit(str(repo)) == head
    assert provenance.git_dirty(repo) is False
    # a user's own corpus and run configuration, put where the README says: not a change to the code
    (repo / "data" / "raw" / "mine").mkdir(parents=True)
    (repo / "data" / "raw" / "mine" / "responses.csv").write_text("id,text\n", encoding="utf-8")
    (repo / "params").mkdir()
    (repo / "params" / "mine.yaml").write_text("corpus: mine\n", encoding="utf-8")
    assert provenance.git_dirty(repo) is False
    (repo / "new_module.py").write_text("x = 1\n", encoding="utf-8")  # new code, not committed
    assert provenance.git_dirty(repo) is True
    (repo / "new_module.py").unlink()
    (repo / "a.txt").write_text("two\n", encoding="utf-8")
    assert provenance.git_dirty(repo) is True
    assert provenance.git_commit(repo) == head  # still the same commit


@needs_git
def test_not_a_checkout_gives_none(isolated_git):
    folder = isolated_git / "plain"
    folder.mkdir()
    assert provenance.git_commit(folder) is None
    assert provenance.git_dirty(folder) is None


def test_git_missing_gives_none(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on PATH
    assert provenance.git_commit(tmp_path) is None
    assert provenance.git_dirty(tmp_path) is None


# ---------------------------------------------------------------------------------------- versions etc.


def test_package_versions():
    versions = provenance.package_versions()
    assert list(versions) == list(provenance.KEY_PACKAGES)
    assert versions["python"] == platform.python_version()
    import pandas

    assert versions["pandas"] == pandas.__version__
    assert provenance.package_versions(["no-such-dist-xyz"]) == {"no-such-dist-xyz": "not installed"}


def test_collect_is_json_ready_ordered_and_repeatable(tmp_path):
    data = tmp_path / "c.csv"
    data.write_bytes(b"abc")
    params = {
        "zeta": np.int64(3),
        "alpha": Path("params") / "x.yaml",
        "ratio": np.float64(0.5),
        "tags": {"b", "a"},
        "nested": {"y": 1, "x": (1, 2)},
        "none": None,
    }
    first = provenance.collect(inputs=[data], parameters=params)
    second = provenance.collect(inputs=[data], parameters=params)
    assert json.dumps(first) == json.dumps(second)
    assert list(first) == ["git", "inputs", "parameters", "packages", "python", "platform"]
    assert first["inputs"] == [{"path": paths.relative_to_root(data), "sha256": ABC_SHA256, "bytes": 3}]
    assert first["parameters"] == {
        "alpha": "params/x.yaml",
        "nested": {"x": [1, 2], "y": 1},
        "none": None,
        "ratio": 0.5,
        "tags": ["a", "b"],
        "zeta": 3,
    }
    assert list(first["parameters"]) == ["alpha", "nested", "none", "ratio", "tags", "zeta"]
    assert type(first["parameters"]["zeta"]) is int and type(first["parameters"]["ratio"]) is float
    assert first["python"] == platform.python_version()
    assert "generated" not in json.dumps(first)


def test_generated_at():
    moment = dt.datetime(2024, 5, 1, 10, 30, 15, 999, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert provenance.generated_at(moment) == "2024-05-01T09:30:15Z"
    with pytest.raises(ValueError, match="timezone"):
        provenance.generated_at(dt.datetime(2024, 5, 1))


def test_generated_at_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert provenance.generated_at() == "1970-01-01T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert provenance.generated_at().endswith("Z")


# ------------------------------------------------------------------------------------------------ HTML


@pytest.fixture
def prov() -> dict:
    return {
        "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": True},
        "inputs": [{"path": "data/raw/<x>/comments.csv", "sha256": ABC_SHA256, "bytes": 1234567}],
        "parameters": {"corpus": "<script>alert(1)</script>", "min_theme_size": 5, "flags": [1, 2]},
        "packages": {"python": "3.11.7", "pandas": "3.1.1"},
        "python": "3.11.7",
        "platform": "Linux-test",
    }


def test_provenance_html_tables_and_escaping(prov):
    html = provenance.provenance_html(prov)
    assert html.startswith('<section id="provenance" aria-labelledby="provenance-heading">')
    assert '<h2 id="provenance-heading">Provenance</h2>' in html
    assert "<dd>0123456789abcdef0123456789abcdef01234567 with uncommitted changes</dd>" in html
    assert "Input files and their SHA-256 checksums" in html
    assert f"<td><code>{ABC_SHA256}</code></td>" in html
    assert "<td><code>data/raw/&lt;x&gt;/comments.csv</code></td>" in html
    assert '<td class="lp-num">1,234,567</td>' in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert "<td>[1, 2]</td>" in html and "<td>5</td>" in html
    assert "<td>pandas</td><td>3.1.1</td>" in html
    assert "<script" not in html
    assert "Generated at" not in html


def test_provenance_html_generated_line_and_no_git(prov):
    prov["git"] = {"commit": None, "dirty": None}
    html = provenance.provenance_html(prov, generated="2024-05-01T09:30:00Z", level=3, id=None)
    assert html.startswith("<section><h3>Provenance</h3>")
    assert "not recorded (not a git checkout)" in html
    assert html.count("Generated at (UTC):") == 1
    assert "2024-05-01T09:30:00Z" in html


def test_provenance_html_from_a_real_record(tmp_path):
    data = tmp_path / "c.csv"
    data.write_bytes(b"abc")
    html = provenance.provenance_html(provenance.collect(inputs=[data], parameters={"k": 1}))
    assert ABC_SHA256 in html and "Software versions" in html


def test_many_input_files_are_summed_up_by_one_checksum():
    # a regulations.gov folder listed all 647 files in the briefing
    import hashlib

    inputs = [{"path": f"c/{i:02d}.json", "bytes": 10 + i, "sha256": f"{i:064x}"} for i in range(12)]
    html = provenance.provenance_html({"inputs": inputs, "parameters": {}, "packages": {}})
    lines = "".join(f"c/{i:02d}.json\t{i:064x}\n" for i in range(12))
    assert "12 input files; the SHA-256 of their paths and checksums" in html
    assert hashlib.sha256(lines.encode()).hexdigest() in html
    assert "first 10 of 12 rows" in html and "c/09.json" in html and "c/10.json" not in html
