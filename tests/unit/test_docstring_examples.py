"""Every Examples section in ``helpers`` and ``bench`` runs and gives what it shows.

The examples are the API's documentation (CONVENTIONS: numpydoc with an Examples section); running
them all here keeps them true as the code changes, not only the handful some module tests run.
"""

import doctest
import importlib
import pkgutil

import pytest

import bench
import helpers

MODULES = sorted(
    m.name
    for package in (helpers, bench)
    for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if not m.name.endswith("__main__")
)


def test_the_walk_finds_the_packages():
    assert {"helpers.themes", "helpers.opinions.model", "helpers.ingest.polis", "bench.polis_history"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
