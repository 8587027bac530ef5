"""Helpers shared by the ``test_ingest_*`` modules: fixture paths, hypothesis settings and checks."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from helpers.errors import InputError
from helpers.ingest import IngestResult, read
from helpers.schema import validate_comments, validate_exclusions

#: The hand-written fixture files of the ingest tests.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"

#: Hypothesis settings for the property-based tests of the readers.
SETTINGS = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FEWER = settings(SETTINGS, max_examples=50)  # structured inputs: each example is a full read


def table_values(df, columns):
    """The rows of ``df[columns]`` as lists, missing values as ``None``."""
    return df[columns].astype(object).where(df[columns].notna(), None).values.tolist()


def read_raw(path, **options):
    """The reader's own tables, without the shared cleaning stage (tested in test_clean.py)."""
    return read(path, clean=False, **options)


def check_read(path: Path, fmt: str | None) -> IngestResult | None:
    """Read ``path``: a valid result whose records add up, or None when it raised InputError."""
    try:
        result = read(path, format=fmt)
    except InputError:
        return None
    assert result.records_read == len(result.comments) + len(result.exclusions)
    validate_comments(result.comments, source=str(path))
    validate_exclusions(result.exclusions, source=str(path))
    assert (result.comments["source_row"] >= 1).all()
    return result


def check_bytes(path: Path, data: bytes, fmt: str | None) -> IngestResult | None:
    """Write ``data`` to ``path`` and :func:`check_read` it (the body of the any-bytes property tests)."""
    path.write_bytes(data)
    return check_read(path, fmt)


def edited(base: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    """``base`` with each ``(position, byte)`` edit applied (positions wrap round), then cut at ``cut``."""
    data = bytearray(base)
    for pos, value in edits:
        data[pos % len(data)] = value
    return bytes(data[:cut])


@st.composite
def mutated_bytes(draw, base: bytes, tokens: list[bytes]) -> bytes:
    """``base`` with 1-6 random deletions, insertions (of ``tokens`` or random bytes), replacements or a cut."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        if op == "delete":
            del data[i : i + draw(st.integers(1, 60))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(tokens) | st.binary(max_size=6))
        elif op == "replace" and i < len(data):
            data[i] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[i:]
    return bytes(data)
