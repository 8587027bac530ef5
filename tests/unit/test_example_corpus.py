"""The bundled example corpus is an unchanged copy of the shared original, with its provenance."""

import hashlib

from helpers import paths
from tests.conftest import EXAMPLE_PAGE, shared_corpus


def sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_copy_matches_the_shared_original():
    original = shared_corpus("obama-toolkit-blog", "page.txt")
    assert sha(EXAMPLE_PAGE) == sha(original)


def test_readme_gives_provenance_and_checksum():
    readme = (paths.project_root() / "data/raw/obama-toolkit/README.md").read_text()
    assert "obama-toolkit-blog/page.txt" in readme
    assert sha(EXAMPLE_PAGE) in readme
