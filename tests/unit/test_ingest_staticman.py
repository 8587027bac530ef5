"""Tests for the ``staticman`` reader (folders of Staticman / Jekyll YAML comment files).

Expected values for the invented folder tests/fixtures/ingest/staticman-site/ were worked out by hand
from its files: ``replying_to`` counts the thread's top-level comments in file-name order (as the
Made Mistakes theme's Liquid template does). Counts on the shared corpus come from walking the
folder and matching the raw text with regular expressions, independently of the reader, and agree
with blog-comment-exports/SOURCE.txt. The real comments hold people's names: never printed here.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers.ingest.staticman  # noqa: F401  (registers the reader)
from helpers.errors import InputError
from helpers.ingest import detect_format, read
from helpers.ingest.staticman import sniff_staticman, sniff_staticman_folder
from tests.conftest import shared_corpus
from tests.unit.ingest_support import FIXTURES, SETTINGS, read_raw, table_values

SITE = FIXTURES / "staticman-site"


@pytest.fixture(scope="module")
def site():
    return read_raw(SITE)


# -- the invented fixture ------------------------------------------------------------------------------


def test_detected(site):
    assert detect_format(SITE) == "staticman"
    assert site.format == "staticman"


def test_rows(site):
    assert table_values(site.comments, ["comment_id", "parent_id", "thread_id", "kind", "source_row"]) == [
        ["a1", None, "first-post", "comment", 1],
        ["a2", None, "first-post", "comment", 1],
        ["a3", "a2", "first-post", "reply", 1],  # replying_to '2': the second top-level comment
        ["comment-1500000300000", "a1", "first-post", "reply", 1],  # no _id: the file name
        ["a6", None, "first-post", "reply", 1],  # replying_to '3' is the hidden a5
        # same file name as first-post's: prefixed with its thread
        ["second-post-comment-1500000300000", None, "second-post", "comment", 1],
        ["by-id", "second-post-comment-1500000300000", "second-post", "reply", 1],  # by file name
    ]


def test_values(site):
    c = site.comments.set_index("comment_id")
    assert c.loc["a1", "text"] == "Top one"
    assert c.loc["a2", "text"] == "Top two\n\nwith a second paragraph"
    assert c.loc["second-post-comment-1500000300000", "text"] == "**Bold** and `code` stay as written"
    assert c.loc["a1", "author"] == "Ann Example"
    assert c.loc["a1", "source"] == str(SITE / "first-post" / "comment-1500000000000.yml")
    dates = c["created_at"].astype(str).to_dict()
    assert dates["a1"] == "2017-07-14 02:40:00+00:00"  # unquoted YAML timestamp with Z
    assert dates["a2"] == "2017-07-14 03:00:00+00:00"  # 'YYYY-MM-DD HH:MM:SS': UTC
    assert dates["a3"] == "2017-07-14 04:00:00+00:00"  # 06:00 at +02:00
    assert dates["comment-1500000300000"] == "2017-07-14 02:45:00+00:00"  # no date: 1500000300000 ms
    assert dates["by-id"] == "2020-09-13 12:30:00+00:00"  # "not a date": 1600000200000 ms


def test_exclusions(site):
    assert table_values(site.exclusions, ["record_id", "reason"]) == [
        ["a5", "unapproved"],
        ["broken", "malformed"],
        ["fm1", "malformed"],
        ["nomsg", "malformed"],
        ["bot", "spam"],
    ]
    detail = site.exclusions.set_index("record_id")["detail"]
    assert detail["a5"] == "hidden is true; 1 reply to it left without a parent"
    assert detail["broken"].startswith("not valid YAML at line 2")
    assert "layout, draft" in detail["fm1"]
    assert detail["nomsg"].startswith("no message key")
    assert site.exclusions["source"].iloc[1] == str(SITE / "second-post" / "broken.yml")
    assert (site.exclusions["source_row"] == 1).all()


def test_every_yaml_file_is_one_record(site):
    yml = [p for p in SITE.rglob("*") if p.suffix == ".yml"]
    assert len(yml) == 12 == site.records_read == len(site.comments) + len(site.exclusions)
    assert not any("README" in s for s in site.comments["source"])


def test_no_personal_data(site):
    everything = site.comments.to_csv() + site.exclusions.to_csv()
    for private in ("0123456789abcdef", "avatars.example", "ann.example"):
        assert private not in everything


def test_one_slug_folder_and_one_file():
    folder = read_raw(SITE / "first-post")
    assert folder.records_read == 6
    assert set(folder.comments["thread_id"]) == {"first-post"}
    one = read_raw(SITE / "first-post" / "comment-1500000200000.yml", format="staticman")
    assert table_values(one.comments, ["comment_id", "parent_id", "thread_id", "kind"]) == [
        ["a3", None, "first-post", "reply"]  # its parent is not in what was read
    ]
    assert one.notes == ["1 repl(ies) name a replying_to that matches no comment; left without a parent"]


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing", encoding="utf-8")
    with pytest.raises(InputError, match="no .yml or .yaml comment files"):
        read_raw(tmp_path, format="staticman")


def test_sniff_folder(tmp_path):
    assert sniff_staticman_folder(SITE) == 0.9
    assert sniff_staticman_folder(tmp_path) == 0.0
    (tmp_path / "config.yml").write_text("title: My site\n", encoding="utf-8")
    assert sniff_staticman_folder(tmp_path) == 0.3
    assert sniff_staticman(b"message: hi\nname: Al\n") == 0.6
    assert sniff_staticman(b"title: x\n") == 0.0


# -- acceptance on the shared corpus -------------------------------------------------------------------


def _expected(folder: Path) -> dict:
    """Counts by walking the folder and matching raw lines: independent of the reader."""
    files = [Path(d) / f for d, _, names in os.walk(folder) for f in names if f.endswith(".yml")]
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    front = {f for f, t in texts.items() if re.search(r"^(layout|draft|templateKey):", t, re.M)}
    replying = {f for f, t in texts.items() if re.search(r"^replying_to: *(?!''|\"\"| *$)\S", t, re.M)}
    return {
        "files": len(files),
        "threads": len({f.parent for f in files}),
        "replying_to_keys": sum(bool(re.search(r"^replying_to:", t, re.M)) for t in texts.values()),
        "replies": len(replying),
        "kept_replies": len(replying - front),
        "front_matter": sorted(f.relative_to(folder).as_posix() for f in front),
    }


@pytest.fixture(scope="module")
def made_mistakes():
    folder = shared_corpus("blog-comment-exports", "staticman-made-mistakes", "comments")
    return folder, _expected(folder), read_raw(folder)


def test_acceptance_counts(made_mistakes):
    folder, expected, result = made_mistakes
    # SOURCE.txt: 720 files originally, 719 in this copy, on 49 posts; 402 replying_to keys originally
    # (401 here, one reply was left out), of which those not blank are the replies
    assert expected["files"] == 719 and expected["threads"] == 49
    assert expected["replying_to_keys"] == 401
    assert detect_format(folder) == "staticman"
    assert result.records_read == 719 == len(result.comments) + len(result.exclusions)
    assert (result.comments["kind"] == "reply").sum() == expected["kept_replies"]
    assert (result.comments["kind"] == "comment").sum() == 719 - expected["replies"] - len(expected["front_matter"]) + (
        expected["replies"] - expected["kept_replies"]
    )
    assert result.comments["thread_id"].nunique() == 49


def test_acceptance_malformed_files(made_mistakes):
    folder, expected, result = made_mistakes
    assert expected["front_matter"] == [
        "using-jekyll-2017/comment-1511543323906.yml",
        "using-jekyll-2017/comment-1524912555802.yml",
    ]
    assert result.exclusions["reason"].tolist() == ["malformed", "malformed"]
    assert sorted(Path(s).relative_to(folder).as_posix() for s in result.exclusions["source"]) == expected[
        "front_matter"
    ]


def test_acceptance_threading(made_mistakes):
    _, _, result = made_mistakes
    c = result.comments.set_index("comment_id")
    replies = c[c["kind"] == "reply"]
    # every reply found its parent: a top-level comment of the same thread, posted before it
    assert replies["parent_id"].notna().all()
    parents = c.loc[replies["parent_id"].tolist()]
    assert (parents["kind"].to_numpy() == "comment").all()
    assert (parents["thread_id"].to_numpy() == replies["thread_id"].to_numpy()).all()
    assert (parents["created_at"].to_numpy() <= replies["created_at"].to_numpy()).all()


def test_acceptance_dates_and_people(made_mistakes):
    folder, _, result = made_mistakes
    dates = result.comments["created_at"]
    assert dates.notna().all()
    assert str(dates.min().date()) == "2013-07-01" and str(dates.max().date()) == "2019-08-03"
    assert result.comments["author"].notna().all()
    text = result.comments.to_csv() + result.exclusions.to_csv()
    hashes = set()
    for path in folder.rglob("*.yml"):
        hashes |= set(re.findall(r"^email: *'?([0-9a-f]{32})", path.read_text(encoding="utf-8"), re.M))
    assert len(hashes) > 50  # SOURCE.txt: 381 files carry one (fewer distinct: people comment again)
    assert not any(h in text for h in hashes)  # not even where a commenter pasted their own YAML
    assert "[email hash removed]" in text
    # (avatar and url keys are checked on the fixture: here some messages quote them as pasted YAML)


def test_with_the_cleaning_stage(site):
    """read() with cleaning (the default) only moves rows from comments to exclusions."""
    cleaned = read(SITE)
    assert cleaned.records_read == site.records_read == 12
    assert set(cleaned.comments["comment_id"]) <= set(site.comments["comment_id"])


# -- properties -----------------------------------------------------------------------------------------

TOKENS = [
    b"message: ",
    b"replying_to: '1'\n",
    b"replying_to: '7'\n",
    b"replying_to: a1\n",
    b"hidden: true\n",
    b"layout: post\n",
    b"date: 9999-99-99\n",
    b"date: 2262-04-12T00:00:00Z\n",
    b"_id: a1\n",
    b"[",
    b"{",
    b"'",
    b'"',
    b"\n",
    b": ",
    b"- ",
    b"!!python/object:os.system ",
    b"&a ",
    b"*a",
    b"\x00",
    b"\xff",
    "é🙂".encode(),
]
BASES = sorted(SITE.rglob("*.yml"))


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(BASES)).read_bytes())
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        if op == "delete":
            del data[i : i + draw(st.integers(1, 30))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(TOKENS) | st.binary(max_size=6))
        elif op == "replace" and i < len(data):
            data[i] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[i:]
    return bytes(data)


def check(folder: Path, n_files: int):
    try:
        result = read(folder, format="staticman", clean=False)
    except InputError as exc:
        assert exc.path == str(folder)
        return None
    assert result.records_read == n_files == len(result.comments) + len(result.exclusions)
    assert result.comments["comment_id"].is_unique
    return result


@SETTINGS
@given(files=st.lists(st.binary(max_size=200), min_size=1, max_size=4))
def test_property_arbitrary_bytes(files):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "comments"
        (folder / "post").mkdir(parents=True)
        for k, data in enumerate(files):
            (folder / "post" / f"comment-{k}.yml").write_bytes(data)
        check(folder, len(files))


@SETTINGS
@given(files=st.lists(mutated(), min_size=1, max_size=6), names=st.lists(st.sampled_from(["p", "q"]), min_size=6, max_size=6))
def test_property_mutated_fixture_files(files, names):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "comments"
        for k, data in enumerate(files):
            (folder / names[k]).mkdir(parents=True, exist_ok=True)
            (folder / names[k] / f"comment-15000000{k:05d}.yml").write_bytes(data)
        check(folder, len(files))


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(helpers.ingest.staticman, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_encodings_and_other_theme_keys(tmp_path):
    post = tmp_path / "comments" / "post"
    post.mkdir(parents=True)
    (post / "comment-1.yml").write_bytes("_id: u1\r\nmessage: Caf\u00e9 \u2013 ok\r\nname: Al\r\n".encode("cp1252"))
    (post / "comment-2.yml").write_bytes("\ufeff_id: u2\nmessage: Reply\nreplying_to_uid: u1\n".encode("utf-16"))
    (post / "comment-3.yml").write_bytes(b"")
    (post / "comment-4.yml").write_bytes(b"message: \x00\x01")
    result = read_raw(tmp_path / "comments")
    assert table_values(result.comments, ["comment_id", "parent_id", "kind", "text"]) == [
        ["u1", None, "comment", "Caf\u00e9 \u2013 ok"],
        ["u2", "u1", "reply", "Reply"],
    ]
    assert table_values(result.exclusions, ["record_id", "reason"]) == [
        ["comment-3", "malformed"],
        ["comment-4", "malformed"],
    ]
    assert "empty" in result.exclusions["detail"].iloc[0] and "binary" in result.exclusions["detail"].iloc[1]


def test_sniffing_a_big_folder_stays_shallow(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "comment-1.yml").write_text("message: Hi\nname: Al\n", encoding="utf-8")
    assert sniff_staticman_folder(tmp_path) == 0.0  # two levels down: not looked at
    assert sniff_staticman_folder(tmp_path / "a") == 0.9
