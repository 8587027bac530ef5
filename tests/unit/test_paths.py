from pathlib import Path

from helpers import paths


def test_root_holds_the_project():
    root = paths.project_root()
    assert (root / "pyproject.toml").is_file() and (root / "src" / "helpers").is_dir()


def test_root_found_from_notebooks_folder(monkeypatch):
    monkeypatch.chdir(paths.project_root() / "notebooks")
    assert paths.resolve("params/obama-toolkit.yaml").is_file()


def test_absolute_paths_are_kept(tmp_path):
    assert paths.resolve(tmp_path) == tmp_path


def test_reports_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("LP_REPORTS_DIR", str(tmp_path))
    assert paths.run_dir("demo") == tmp_path / "demo"
    assert (tmp_path / "demo").is_dir()


def test_explicit_run_dir_wins(tmp_path):
    assert paths.run_dir("demo", tmp_path / "x") == tmp_path / "x"


def test_relative_to_root():
    root = paths.project_root()
    assert paths.relative_to_root(root / "data" / "raw") == "data/raw"
    assert paths.relative_to_root(Path("/")) == "/"
