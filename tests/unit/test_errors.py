"""A user's error in a notebook reads as one line, as on the command line; a bug keeps its traceback."""

from __future__ import annotations

import re

import pytest

from helpers.errors import short_notebook_errors


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell
    shell.set_custom_exc((), None)
    InteractiveShell.clear_instance()


def test_an_input_error_in_a_notebook_is_one_line_and_still_stops_the_run(shell, capsys):
    assert short_notebook_errors(shell)
    result = shell.run_cell("from helpers.errors import ConfigError\n"
                            "def stage():\n    raise ConfigError('n_themes must be at least 2', path='p.yaml', row=3)\n"
                            "stage()")
    assert isinstance(result.error_in_exec, Exception)  # "Run all" stops; papermill fails the notebook
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "ConfigError\x1b[0m: p.yaml: row 3: n_themes must be at least 2" in text
    assert "Traceback" not in text and "def stage" not in text and "stage()" not in text


def test_a_bug_keeps_its_traceback(shell, capsys):
    short_notebook_errors(shell)
    shell.run_cell("def stage():\n    return {}['missing']\nstage()")
    shown = capsys.readouterr()
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.out + shown.err)  # without colours
    assert "KeyError: 'missing'" in text and "----> 3 stage()" in text  # where it happened


def test_without_ipython_nothing_is_installed():
    assert short_notebook_errors() is False  # pytest runs no IPython shell
