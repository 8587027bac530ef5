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

import codecs
import os
import re
from typing import Any

import yaml

from . import paths
from .errors import ConfigError

__all__ = ["load_run_config", "make_run_config", "validate_run_config", "dump_run_config", "check_parameter_types",
           "PARAMETER_TYPES"]

_CORPUS_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

#: The type of each notebook parameter, as its notebook's ``parameters`` cell declares it (a unit test
#: keeps the two in step), checked before anything runs. ``corpus`` and ``source`` are checked apart.
PARAMETER_TYPES: dict[str, type] = {
    **dict.fromkeys(("run_dir", "format", "text_column", "id_column", "kind", "timezone", "question_map", "sheet",
                     "encoding", "engine", "dask_scheduler", "method", "content", "sentiment_unit", "codeframe",
                     "coded_sample", "coding_features", "briefing_title", "briefing_about"), str),
    "columns": dict,
    "public_names": list,
    "stop_words": list,
    "proposal_terms": list,
    **dict.fromkeys(("browse_rows", "shingle_size", "min_campaign_size", "campaign_min_words", "random_state",
                     "n_themes", "n_quotes", "min_votes", "max_groups", "n_groups", "opinion_seed", "n_sample",
                     "n_to_code", "coding_seed"), int),
    **dict.fromkeys(("campaign_threshold", "assign_threshold", "k_margin"), float),
    "redact_personal_data": bool,
}
#: Text parameters whose default is empty: a YAML null (``format:`` with nothing after it) means that.
_EMPTY_MEANS_DEFAULT = ("run_dir", "format", "text_column", "id_column", "question_map", "sheet", "encoding",
                        "codeframe", "coded_sample", "briefing_title", "briefing_about")
_TYPE_WORDS = {str: "text", dict: "a mapping (name: value)", list: "a list",
               int: "a whole number", float: "a number", bool: "true or false"}


def _describe(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return repr(value)
    kind = {int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
    return f"{value!r} ({kind})"


def check_parameter_types(config: dict[str, Any], *, path: str | None = None) -> dict[str, Any]:
    """``config`` with null text parameters made empty, after checking each value's type.

    Every parameter of :data:`PARAMETER_TYPES` must have its declared type (an ``int`` will do for a
    ``float``; ``sheet`` may also be a 0-based position), ``columns`` must map text to text,
    ``timezone`` must be a zone pandas knows and ``encoding`` one Python knows -- checked before
    anything runs, whether or not the source has dates or text to decode. Other keys are left alone.

    Raises
    ------
    ConfigError
        Naming ``path`` and the parameter.

    Examples
    --------
    >>> check_parameter_types({"format": None, "n_themes": 3, "k_margin": 0})
    {'format': '', 'n_themes': 3, 'k_margin': 0}
    >>> check_parameter_types({"text_column": 5}, path="p.yaml")
    Traceback (most recent call last):
    ...
    helpers.errors.ConfigError: p.yaml: parameter 'text_column' must be text, not 5 (a number); put it in quotes ...
    """
    checked = dict(config)
    for key, value in config.items():
        wanted = PARAMETER_TYPES.get(key)
        if wanted is None:
            continue  # corpus and source are checked by validate_run_config, unknown keys by the runner
        if value is None and key in _EMPTY_MEANS_DEFAULT:
            checked[key] = ""
            continue
        hint = ""
        if wanted is str:
            ok = isinstance(value, str) or (key == "sheet" and isinstance(value, int) and not isinstance(value, bool))
            if isinstance(value, int | float):
                hint = f"; put it in quotes if you mean the text: {key}: '{value}'"
        elif wanted is dict:
            ok = isinstance(value, dict)
            for name, column in value.items() if ok else ():
                if not isinstance(name, str) or not isinstance(column, str):
                    raise ConfigError(f"parameter 'columns' maps {name!r} to {_describe(column)}: each name and "
                                      "source column must be text (put a number in quotes)", path=path)
        elif wanted is list:
            if value is None:  # "public_names:" with nothing after it: none
                checked[key] = value = []
            ok = isinstance(value, list)
            for item in value if ok else ():
                if not isinstance(item, str) or not item.strip():
                    raise ConfigError(f"parameter {key!r} lists {_describe(item)}: each entry must be a name "
                                      "(text)", path=path)
        elif wanted is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif wanted is bool:
            ok = isinstance(value, bool)
            hint = " (write true or false without quotes)" if isinstance(value, str) else ""
        else:
            ok = isinstance(value, wanted) and not isinstance(value, bool)
        if not ok:
            example = {"public_names": " of names, e.g. [Boris Johnson]", "stop_words": " of words, e.g. [franchising]",
                       "proposal_terms": " of phrases, e.g. [20 mph limit]"}
            raise ConfigError(f"parameter {key!r} must be {_TYPE_WORDS[wanted]}{example.get(key, '')}, not "
                              f"{_describe(value)}{hint}",
                              path=path)
        if wanted is int and value < 0:  # every whole-number parameter is a count or a seed
            raise ConfigError(f"parameter {key!r} must be 0 or more, not {value}", path=path)
    if checked.get("timezone"):
        from .ingest._mapping import check_timezone

        check_timezone(checked["timezone"], source=path)
    if checked.get("encoding"):
        try:
            codecs.lookup(checked["encoding"])
        except LookupError:
            raise ConfigError(f"parameter 'encoding': unknown encoding {checked['encoding']!r}", path=path) from None
    return checked


def validate_run_config(config: dict[str, Any], *, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Check a run configuration's required keys and value types (:func:`check_parameter_types`); return a copy
    with ``source`` made absolute.

    Examples
    --------
    >>> cfg = validate_run_config({"corpus": "obama-toolkit", "source": "data/raw/obama-toolkit/page.txt"})
    >>> os.path.isabs(cfg["source"])
    True
    """
    where = str(path) if path else None
    # a data file given where a configuration belongs: say how to analyse it directly
    hint = (f"; to analyse a data file, run: python -m helpers run --source {where} --corpus NAME"
            if where and (not isinstance(config, dict) or not (config.get("corpus") or config.get("source"))) else "")
    if not isinstance(config, dict):
        raise ConfigError("a run configuration must be a mapping of parameter names to values" + hint, path=where)
    if hint:
        raise ConfigError("this is not a run configuration (it sets neither 'corpus' nor 'source')" + hint,
                          path=where)
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
    return {**check_parameter_types(config, path=where), "corpus": corpus, "source": str(source)}


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
