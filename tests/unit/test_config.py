from pathlib import Path

import pytest
import yaml

from helpers import config, paths
from helpers.errors import ConfigError


def test_bundled_configuration_is_valid():
    cfg = config.load_run_config("params/obama-toolkit.yaml")
    assert cfg["corpus"] == "obama-toolkit"
    assert Path(cfg["source"]) == paths.project_root() / "data/raw/obama-toolkit/page.txt"


@pytest.mark.parametrize("text, words", [
    ("source: data/raw/obama-toolkit/page.txt\n", "must set 'corpus'"),
    ("corpus: x\n", "must set 'source'"),
    ("corpus: Bad Name\nsource: data/raw/obama-toolkit/page.txt\n", "short name"),
    ("corpus: x\nsource: data/raw/nowhere.txt\n", "does not exist"),
    ("- a list\n", "must be a mapping"),
    # a data file given in the configuration's place: the message says how to analyse it
    ('{"links": {}, "data": {"type": "petition"}}\n', "not a run configuration .* --source .*c.yaml --corpus NAME"),
    ("id,text\n1,hello\n", "must be a mapping .* --source .*c.yaml --corpus NAME"),
])
def test_invalid_configurations(tmp_path, text, words):
    f = tmp_path / "c.yaml"
    f.write_text(text)
    with pytest.raises(ConfigError, match=words) as err:
        config.load_run_config(f)
    assert str(f) in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("corpus: x\nsource: [unclosed\nformat: csv\n")
    with pytest.raises(ConfigError) as err:
        config.load_run_config(f)
    assert err.value.row is not None and err.value.row >= 2


def test_make_run_config_drops_unset_options():
    cfg = config.make_run_config(source="data/raw/obama-toolkit/page.txt", corpus="demo", format=None,
                                 text_column="body")
    assert sorted(cfg) == ["corpus", "source", "text_column"]


def test_dump_is_portable():
    cfg = config.load_run_config("params/obama-toolkit.yaml")
    assert yaml.safe_load(config.dump_run_config(cfg))["source"] == "data/raw/obama-toolkit/page.txt"


SOURCE = "data/raw/obama-toolkit/page.txt"


@pytest.mark.parametrize("line, words", [
    ("text_column: 5", "parameter 'text_column' must be text, not 5 (a number); put it in quotes"),
    ("id_column: 5", "parameter 'id_column' must be text, not 5 (a number)"),
    ("encoding: 5", "parameter 'encoding' must be text, not 5 (a number)"),
    ("encoding: bogus", "parameter 'encoding': unknown encoding 'bogus'"),
    ("kind: [comment]", "parameter 'kind' must be text, not ['comment'] (a list)"),
    ("columns: {author: 3}", "parameter 'columns' maps 'author' to 3 (a number)"),
    ("columns: author", "parameter 'columns' must be a mapping (name: value), not 'author'"),
    ("public_names: Boris Johnson", "parameter 'public_names' must be a list of names, e.g. [Boris Johnson], not 'Boris Johnson'"),
    ("public_names: [Boris Johnson, 7]", "parameter 'public_names' lists 7 (a number): each entry must be a name"),
    ('redact_personal_data: "no"', "parameter 'redact_personal_data' must be true or false, not 'no'"),
    ("redact_personal_data: 0", "parameter 'redact_personal_data' must be true or false, not 0 (a number)"),
    ("n_themes: five", "parameter 'n_themes' must be a whole number, not 'five'"),
    # counts and seeds: a negative seed failed deep in campaign detection, n_quotes: -1 was taken
    ("random_state: -1", "parameter 'random_state' must be 0 or more, not -1"),
    ("n_quotes: -1", "parameter 'n_quotes' must be 0 or more, not -1"),
    ("n_themes: true", "parameter 'n_themes' must be a whole number, not true (true/false)"),
    ("k_margin: '0.1'", "parameter 'k_margin' must be a number, not '0.1'"),
    ("engine:", "parameter 'engine' must be text, not empty (null)"),
    # the source (a blog page) has no dates: the zone is checked all the same
    ("timezone: Mars/Base", "unknown timezone 'Mars/Base'"),
])
def test_parameter_types_are_checked_up_front_naming_file_and_key(tmp_path, line, words):
    f = tmp_path / "c.yaml"
    f.write_text(f"corpus: x\nsource: {SOURCE}\n{line}\n")
    with pytest.raises(ConfigError) as err:
        config.load_run_config(f)
    assert err.value.path == str(f) and words in err.value.reason


def test_an_empty_list_parameter_means_none():
    cfg = config.validate_run_config({"corpus": "x", "source": SOURCE, "public_names": None})
    assert cfg["public_names"] == []


def test_parameters_of_the_right_type_pass():
    cfg = config.validate_run_config({"corpus": "x", "source": SOURCE, "format": None, "sheet": 2, "k_margin": 0,
                                      "redact_personal_data": False, "columns": {"author": "User"},
                                      "timezone": "Europe/London", "encoding": "cp1252"})
    assert (cfg["format"], cfg["sheet"], cfg["k_margin"], cfg["redact_personal_data"]) == ("", 2, 0, False)


def test_parameter_types_match_the_notebooks():
    from helpers.runner import notebook_parameters, pipeline_notebooks

    names = {"str": str, "dict": dict, "list": list, "int": int, "float": float, "bool": bool}
    declared = {name: names[p["type"]] for nb in pipeline_notebooks() for name, p in notebook_parameters(nb).items()
                if name not in ("corpus", "source")}
    assert declared == config.PARAMETER_TYPES
