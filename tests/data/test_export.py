"""Exports: labelled table, centroids, settings; formula neutralising and safe quoting.

Also the end-to-end safety proof: names and cells such as ``<script>`` and
``=HYPERLINK(`` travel through load -> prepare -> export as plain text, nothing from the
file is evaluated, and the export defuses them for spreadsheets.
"""

from __future__ import annotations

import builtins
import csv
import io
import json
import os

import numpy as np
import pandas as pd
import pytest

from clustering.data._export import (
    EXPORT_FILENAMES,
    STATUS_CLUSTERED,
    STATUS_DROPPED,
    centroids_csv,
    labeled_csv,
    neutralize,
    settings_json,
)
from clustering.data._prepare import prepare
from clustering.io._loader import load_table


def read_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("\0=1", "'\0=1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("-1.5", "-1.5"),
        ("+3e5", "+3e5"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def test_labeled_csv_marks_dropped_rows_and_keeps_numbers_numeric():
    frame = pd.DataFrame({
        "name": ["=1+1", "ok", "line\r\nbreak", 'quote "x", comma'],
        "x": [-1.5, np.nan, 2.0, 1e300],
        "n": [1, 2, 3, 4],
    })  # fmt: skip
    prepared = prepare(frame, ["x", "n"])
    assert prepared.row_index.tolist() == [0, 2, 3]
    out = labeled_csv(frame, prepared.row_index, np.array([1, 0, 1]), np.array([0.5, 0.0, 2.0]))
    rows = read_rows(out)
    assert rows[0] == ["name", "x", "n", "cluster", "distance_to_center", "status"]
    assert rows[1] == ["'=1+1", "-1.5", "1", "1", "0.5", STATUS_CLUSTERED]
    assert rows[2] == ["ok", "", "2", "", "", STATUS_DROPPED]  # empty cluster, never 0
    assert rows[3][0] == "line\r\nbreak" and rows[3][3] == "0"
    assert rows[4][0] == 'quote "x", comma' and rows[4][1] == "1e+300"
    back = pd.read_csv(io.BytesIO(out))
    assert back["x"].tolist()[0] == -1.5 and back["x"].dtype == np.float64
    assert back["n"].tolist() == [1, 2, 3, 4]
    assert back["cluster"].isna().tolist() == [False, True, False, False]
    assert back["status"].tolist()[1] == "dropped (missing values)"
    assert len(back) == 4


def test_labeled_csv_numbers_are_unquoted_text_is_quoted():
    frame = pd.DataFrame({"t": ["a"], "v": [-1.5]})
    text = labeled_csv(frame, [0], [2], bom=False).decode()
    assert text.splitlines()[1] == '"a",-1.5,2,"clustered"'


def test_added_columns_do_not_clobber_existing_ones():
    frame = pd.DataFrame({"cluster": [7, 8], "status": ["a", "b"], "x": [1.0, 2.0]})
    rows = read_rows(labeled_csv(frame, [0, 1], [0, 1]))
    assert rows[0] == ["cluster", "status", "x", "cluster (2)", "status (2)"]
    assert rows[1] == ["7", "a", "1", "0", "clustered"]  # whole floats are written bare


def test_column_types_arrow_cannot_write_fall_back_to_pandas():
    frame = pd.DataFrame({
        "when": pd.to_datetime(["2024-01-01", "2024-01-02"]),
        "span": pd.to_timedelta([1, 2], unit="D"),
        "mixed": [1, "=x"],
        "cat": pd.Categorical(["-a", "b"]),
    })  # fmt: skip
    rows = read_rows(labeled_csv(frame, [1], [0]))
    assert rows[0] == ["when", "span", "mixed", "cat", "cluster", "status"]
    assert rows[1][2:] == ["1", "'-a", "", STATUS_DROPPED]
    assert rows[2][2:] == ["'=x", "b", "0", STATUS_CLUSTERED]
    assert rows[1][0].startswith("2024-01-01")


def test_big_export_round_trips():
    """Its speed is measured in benchmarks/bench_loader.py (500,000 rows), not here."""
    rng = np.random.default_rng(0)
    n = 200_000
    frame = pd.DataFrame(rng.normal(size=(n, 10)), columns=[f"f{i}" for i in range(10)])
    frame["tag"] = rng.choice(["a", "=b"], n)
    out = labeled_csv(frame, np.arange(n), rng.integers(0, 5, n), rng.random(n))
    back = pd.read_csv(io.BytesIO(out))
    assert back.shape == (n, 14)
    np.testing.assert_array_equal(back["f3"].to_numpy(), frame["f3"].to_numpy())
    assert set(back["tag"]) == {"a", "'=b"}


@pytest.mark.parametrize(
    ("row_index", "labels", "match"),
    [
        ([0, 5], [0, 1], r"row_index must lie in \[0, 3\)"),
        ([0, 0], [0, 1], "must not repeat"),
        ([0, 1], [0], "same shape"),
        ([0.5, 1.0], [0, 1], "must hold integers"),
    ],
)
def test_labeled_csv_validates(row_index, labels, match):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=match):
        labeled_csv(frame, np.array(row_index), np.array(labels))


def test_centroids_csv_in_original_units():
    frame = pd.DataFrame({"=a": [1.0, 3.0, 10.0, 12.0], "b": [0.0, 2.0, 100.0, 102.0]})
    prepared = prepare(frame, ["=a", "b"], scaling="standard")
    labels = np.array([0, 0, 1, 1])
    centers = np.stack([prepared.X[labels == k].mean(axis=0) for k in range(2)])
    out = centroids_csv(prepared.to_original_units(centers), prepared.feature_names, sizes=[2, 2])
    rows = read_rows(out)
    assert rows[0] == ["cluster", "'=a", "b", "size"]
    assert [float(v) for v in rows[1][1:3]] == pytest.approx([2.0, 1.0])
    assert [float(v) for v in rows[2][1:3]] == pytest.approx([11.0, 101.0])
    assert rows[2][0] == "1" and rows[2][3] == "2"
    with pytest.raises(ValueError, match="must be"):
        centroids_csv(np.zeros((2, 3)), ["a", "b"])


def test_settings_json_is_plain_and_never_fails_on_numpy_or_nan():
    settings = {
        "n_clusters": np.int64(3),
        "tol": np.float32(1e-4),
        "inertia": float("nan"),
        "features": ["<script>", "=HYPERLINK("],
        "centres": np.zeros((2, 2)),
        "nested": {1: {"ok": True}},
    }  # fmt: skip
    data = settings_json(settings)
    parsed = json.loads(data)
    assert parsed["n_clusters"] == 3 and parsed["inertia"] is None
    assert parsed["features"] == ["<script>", "=HYPERLINK("]
    assert parsed["centres"] == [[0.0, 0.0], [0.0, 0.0]]
    assert parsed["nested"] == {"1": {"ok": True}}
    with pytest.raises(TypeError):
        settings_json(["not", "a", "mapping"])


def test_export_file_names_are_fixed():
    assert EXPORT_FILENAMES == {
        "labelled": "clustered_data.csv",
        "centroids": "centroids.csv",
        "settings": "run_settings.json",
    }


HOSTILE = (
    b'"<script>alert(1)</script>","=HYPERLINK(""http://x.example"",""go"")",tag\n'
    b'1.5,2.5,"=HYPERLINK(""http://x.example"")"\n'
    b"2.5,3.5,<img src=x onerror=alert(2)>\n"
    b"3.5,4.5,__import__('os').system('touch /tmp/cluster_explorer_pwned')\n"
    b"4.5,5.5,=1+1\n"
)


def test_nothing_from_a_file_is_executed_or_turned_into_html(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must never be called on uploaded data")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    table = load_table(HOSTILE, "hostile.csv")
    names = ["<script>alert(1)</script>", '=HYPERLINK("http://x.example","go")', "tag"]
    assert list(table.frame.columns) == names
    assert table.frame["tag"].tolist() == [
        '=HYPERLINK("http://x.example")',
        "<img src=x onerror=alert(2)>",
        "__import__('os').system('touch /tmp/cluster_explorer_pwned')",
        "=1+1",
    ]  # fmt: skip
    assert table.default_features == names[:2]
    prepared = prepare(table.frame, names[:2], "tag", scaling="standard")
    assert prepared.feature_names == names[:2]
    assert prepared.true_labels.tolist() == table.frame["tag"].tolist()
    # Notes are plain text; the loader never escapes or formats HTML itself.
    assert not any("&lt;" in n or "<b>" in n for n in table.notes + prepared.notes)

    out = labeled_csv(table.frame, prepared.row_index, np.zeros(4, int))
    rows = read_rows(out)
    assert rows[0][:3] == [names[0], "'" + names[1], "tag"]
    assert [r[2] for r in rows[1:]] == [
        "'" + '=HYPERLINK("http://x.example")',
        "<img src=x onerror=alert(2)>",
        "__import__('os').system('touch /tmp/cluster_explorer_pwned')",
        "'=1+1",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["1.5", "2.5", "3.5", "4.5"]
    settings = json.loads(settings_json({"features": prepared.feature_names}))
    assert settings["features"] == names[:2]
    assert not os.path.exists("/tmp/cluster_explorer_pwned")


def test_rows_with_columns_puts_run_columns_first_and_renames_clashes():
    from clustering.data import rows_with_columns

    frame = pd.DataFrame({"cluster": ["mine", "x", "y"], "v": [1.0, 2.0, 3.0]},
                         index=[10, 11, 12])
    shown = rows_with_columns(frame, np.array([2, 0]), {"cluster": ["C1", "C0"],
                                                        "score": [0.5, 2.0]})
    assert list(shown.columns) == ["cluster (2)", "score", "cluster", "v"]
    assert shown["cluster (2)"].tolist() == ["C1", "C0"]
    assert shown["cluster"].tolist() == ["y", "mine"] and list(shown.index) == [0, 1]
    assert list(frame.columns) == ["cluster", "v"]  # the table itself is untouched
