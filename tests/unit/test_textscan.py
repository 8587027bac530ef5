import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from helpers import textscan


@pytest.mark.parametrize("pattern, inside, outside", [
    (r"\w", "aZé9_٣ß", " -’\n."),
    (r"\d", "09٣", "a²Ⅷ_ "),                     # Python's \d: decimal digits only
    (r"\s", " \t\n\x0b\x1c\u00a0\u2003\u3000", "a_\u200b"),
    (r"[^\W\d_]", "aZéßı", "9_ ٣"),
])
def test_char_table_agrees_with_re_on_hand_picked_characters(pattern, inside, outside):
    table = textscan.char_table(pattern)
    assert all(table[ord(c)] for c in inside)
    assert not any(table[ord(c)] for c in outside)


@pytest.mark.parametrize("pattern", [r"\w", r"\d", r"\s", r"[^\W\d_]", "(?i:w)"])
def test_re2_class_matches_exactly_what_python_matches(pattern):
    # every code point of the first two planes (bar surrogates) and a sample of the rest, once through
    # RE2 and once through Python's re
    points = np.concatenate([np.arange(0x20000), np.arange(0x20000, 0x110000, 97)]).astype("<u4")
    points = points[(points < 0xD800) | (points > 0xDFFF)]
    chars = pa.array(list(points.tobytes().decode("utf-32-le")), type=pa.large_string())
    re2 = pc.match_substring_regex(chars, "^" + textscan.re2_class(pattern) + "$").to_numpy(zero_copy_only=False)
    python = np.array([re.fullmatch(pattern, c) is not None for c in chars.to_pylist()])
    assert (re2 == python).all()


def test_may_match_is_false_for_missing_and_keeps_order():
    s = pd.Series(["x", None, "a1", "", "b"], index=[9, 8, 7, 6, 5])
    assert textscan.may_match(s, "[0-9]|x").tolist() == [True, False, True, False, False]
    assert textscan.may_match(pd.Series([], dtype="string"), "x").tolist() == []


def test_code_points_chunks_hold_whole_rows():
    # with its separator each row takes: "abc|" 4, "de|" 3, "|" 1, "fghij|" 6, "k|" 2; chunks of at most 6
    s = pd.Series(["abc", "de", None, "fghij", "k"])
    chunks = [(first, points.tobytes().decode("utf-32-le"), starts.tolist())
              for first, points, starts in textscan.code_points(s, sep="|", chunk_chars=6)]
    assert chunks == [(0, "abc", [0]), (1, "de|", [0, 3]), (3, "fghij", [0]), (4, "k", [0])]
    # a row longer than a chunk makes a chunk of its own
    assert [first for first, _, _ in textscan.code_points(s, sep="|", chunk_chars=2)] == [0, 1, 2, 3, 4]


def test_arrow_strings_is_one_array():
    arr = textscan.arrow_strings(pd.Series(["a", None, "c"], dtype="string"))
    assert isinstance(arr, pa.Array) and arr.to_pylist() == ["a", None, "c"]
