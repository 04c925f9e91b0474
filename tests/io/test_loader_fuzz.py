"""Fuzzing: any bytes either load or raise TableError with one sentence; nothing else.

Whatever loads must also survive prepare (or refuse with TableError) and export.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustering.data._export import labeled_csv
from clustering.data._prepare import prepare
from clustering.io._loader import Limits, TableError, load_table

# The parsers are fuzzed here, in this process; containing a parse in a child is tested in
# test_sandbox.py (a child per example would make this file minutes long).
IN_PROCESS = Limits(isolate=False)

CSV_ALPHABET = list("0123456789.,;\t|\"\n\r -+eEabcxyz=@<>'") + ["inf", "NaN", "\u00e9", "1e308"]
NAMES = st.sampled_from(["data.csv", "data.tsv", "x.txt", "book.xlsx", "t.parquet", "noext"])


def check(data: bytes, name: str) -> None:
    try:
        table = load_table(data, name, limits=IN_PROCESS)
    except TableError as exc:
        message = str(exc)
        assert message and "\n" not in message and message.endswith("."), message
        # The catch-all sentence means a reader failed in a way nobody mapped yet.
        assert "unusual format" not in message, repr(exc.__cause__)
        return
    frame = table.frame
    assert frame.shape[0] >= 1 and frame.shape[1] >= 1
    assert frame.columns.is_unique and all(isinstance(c, str) and c for c in frame.columns)
    assert set(table.default_features) <= set(table.numeric_columns) <= set(frame.columns)
    assert set(table.excluded) | set(table.default_features) == set(frame.columns)
    for note in table.notes:
        assert isinstance(note, str) and note.endswith(".")
    features = table.numeric_columns[:5]
    try:
        prepared = prepare(frame, features, scaling="standard")
    except TableError as exc:
        assert "\n" not in str(exc)
        return
    assert np.isfinite(prepared.X).all()
    assert 1 <= prepared.n_distinct <= len(prepared.X)
    labeled_csv(frame, prepared.row_index, np.zeros(len(prepared.row_index), dtype=int))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), name=NAMES)
def test_random_bytes(data, name):
    check(data, name)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tokens=st.lists(st.sampled_from(CSV_ALPHABET), max_size=300),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]),
    name=NAMES,
)
def test_random_delimited_text(tokens, encoding, name):
    text = "".join(tokens)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    check(data, name)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True).map(repr),
                st.integers(-(10**20), 10**20).map(str),
                st.text(alphabet='ab,;"\n =-', max_size=6),
                st.just(""),
            ),
            min_size=1, max_size=5,
        ),
        min_size=1, max_size=20,
    ),
    delim=st.sampled_from([",", ";", "\t", "|"]),
)  # fmt: skip
def test_random_tables_with_quoting(rows, delim):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delim).writerows(rows)
    check(buf.getvalue().encode(), "table.csv")
