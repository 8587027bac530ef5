"""environment.yml and pyproject.toml must agree: pyproject is the one list of dependencies."""

import re
import tomllib

import yaml

from helpers import paths

ROOT = paths.project_root()


def load():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return env, project


def test_environment_installs_python_pip_and_the_project_only():
    env, project = load()
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict)]
    assert sorted(re.split(r"[<>=]", d)[0] for d in conda) == ["pip", "python"]
    assert pip_sections == [["-e .[dev]"]], "environment.yml must install the project itself, nothing else"


def test_python_versions_agree():
    env, project = load()
    conda_python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert conda_python.removeprefix("python") == project["requires-python"]


def test_the_extra_environment_yml_installs_exists():
    _, project = load()
    assert "dev" in project["optional-dependencies"]


def test_every_dependency_is_listed_in_the_readme():
    _, project = load()
    readme = (ROOT / "README.md").read_text().lower()
    names = [re.split(r"[<>=\[ ]", d)[0].lower() for d in
             project["dependencies"] + project["optional-dependencies"]["dev"]]
    missing = [n for n in names if n not in readme]
    assert not missing, f"README.md does not mention: {missing}"
