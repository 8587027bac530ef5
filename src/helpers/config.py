"""Run configurations: one YAML file per corpus in ``params/``, read by the runner and by papermill.

A run configuration is a flat mapping of notebook parameters. It must name ``corpus`` (a short name
that becomes the run folder ``reports/<corpus>``) and ``source`` (a file or folder, relative to the
project root or absolute). Everything else is optional: ``format`` and the reader options, and any
parameter a pipeline notebook declares (``n_themes``, ``random_state``, ...). A key that no notebook
declares is an error, so a typo cannot be silently ignored.

Example (``params/obama-toolkit.yaml``)::

    corpus: obama-toolkit
    source: data/raw/obama-toolkit/page.txt
    format: blog-page
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from . import paths
from .errors import ConfigError

__all__ = ["load_run_config", "make_run_config", "validate_run_config", "dump_run_config"]

_CORPUS_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def validate_run_config(config: dict[str, Any], *, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Check a run configuration's required keys and return a copy with ``source`` made absolute.

    Examples
    --------
    >>> cfg = validate_run_config({"corpus": "obama-toolkit", "source": "data/raw/obama-toolkit/page.txt"})
    >>> os.path.isabs(cfg["source"])
    True
    """
    where = str(path) if path else None
    if not isinstance(config, dict):
        raise ConfigError("a run configuration must be a mapping of parameter names to values", path=where)
    for key in ("corpus", "source"):
        if not config.get(key):
            raise ConfigError(f"the run configuration must set {key!r}", path=where)
    corpus = str(config["corpus"])
    if not _CORPUS_NAME.match(corpus):
        raise ConfigError(
            f"corpus {corpus!r} must be a short name of lower-case letters, digits, '.', '-' or '_'", path=where
        )
    source = paths.resolve(str(config["source"]))
    if not source.exists():
        raise ConfigError(f"source {config['source']!r} does not exist (looked for {source})", path=where)
    bad = [k for k in config if not isinstance(k, str) or not k.isidentifier()]
    if bad:
        raise ConfigError(f"parameter name {bad[0]!r} is not a valid identifier", path=where)
    return {**config, "corpus": corpus, "source": str(source)}


def load_run_config(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate a YAML run configuration.

    Raises
    ------
    ConfigError
        Naming the file (and line, for YAML syntax errors) when it cannot be used.
    """
    file = paths.resolve(path)
    if not file.is_file():
        raise ConfigError("no such run configuration", path=path)
    try:
        config = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(f"not valid YAML: {exc.problem}", path=path, row=line) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid YAML: {exc}", path=path) from None
    return validate_run_config(config or {}, path=path)


def make_run_config(*, source: str | os.PathLike, corpus: str, **options: Any) -> dict[str, Any]:
    """A run configuration from command-line options (the ``run --source FILE --corpus NAME`` form).

    Options that are None are left out, so notebook defaults apply.

    Examples
    --------
    >>> cfg = make_run_config(source="data/raw/obama-toolkit/page.txt", corpus="demo", format=None)
    >>> sorted(cfg)
    ['corpus', 'source']
    """
    config = {"corpus": corpus, "source": str(source)}
    config.update({k: v for k, v in options.items() if v is not None})
    return validate_run_config(config)


def dump_run_config(config: dict[str, Any]) -> str:
    """YAML text of a configuration, with ``source`` relative to the project root when inside it."""
    portable = {**config, "source": paths.relative_to_root(config["source"])}
    return yaml.safe_dump(portable, sort_keys=True, allow_unicode=True)
