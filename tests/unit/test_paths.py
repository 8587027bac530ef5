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


def test_run_dir_that_cannot_be_created_is_a_user_error(tmp_path):
    import pytest

    from helpers.errors import InputError

    (tmp_path / "a-file").write_text("")
    for where in (tmp_path / "a-file", tmp_path / "a-file" / "run"):
        with pytest.raises(InputError) as err:
            paths.run_dir("demo", where)
        assert str(err.value) == f"{where}: cannot create the run folder: a file is in the way (of the folder or " \
                                 "one of its parents)"
