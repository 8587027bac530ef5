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
