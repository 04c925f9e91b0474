"""Bad input to a big-table fit: one sentence, before or during the passes, nothing else."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clustering.big import SourceError, open_source, stream_fit
from tests.big.datasets import blob_rows, write_parquet
from tests.conftest import corpus_file


def one_sentence(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and text.endswith(".") and len(text) < 500, text
    return text


@pytest.fixture
def folder(tmp_path):
    X, _ = blob_rows(3_000, 3, 3, seed=0)
    return write_parquet(tmp_path / "table", X, files=3, row_group=500)


def test_a_column_missing_from_one_file_is_named_before_any_pass(folder):
    pq.write_table(pa.table({"f0": [1.0], "f2": [2.0]}), folder / "part-009.parquet")
    with pytest.raises(SourceError) as err:
        open_source(folder, ["f0", "f1"])
    assert "part-009.parquet has no column 'f1'" in one_sentence(err.value)


def test_a_requested_column_that_exists_nowhere(folder):
    with pytest.raises(SourceError, match="has no column 'income'") as err:
        stream_fit(folder, 2, columns=["f0", "income"])
    one_sentence(err.value)


def test_a_non_numeric_column_is_refused(tmp_path):
    pq.write_table(pa.table({"x": [1.0, 2.0], "city": ["Oslo", "Rome"]}), tmp_path / "t.pq")
    with pytest.raises(SourceError, match=r"Column 'city' of t.pq is not numeric \(string\)"):
        stream_fit(tmp_path / "t.pq", 1, columns=["x", "city"])


def test_a_table_without_numeric_columns(tmp_path):
    pq.write_table(pa.table({"city": ["Oslo", "Rome"]}), tmp_path / "t.parquet")
    with pytest.raises(SourceError, match="has no numeric column to cluster"):
        open_source(tmp_path / "t.parquet")


def test_a_corrupt_row_group_is_one_sentence(tmp_path):
    path = tmp_path / "corrupt.parquet"
    X, _ = blob_rows(40_000, 2, 2, seed=0)
    pq.write_table(pa.table({"a": X[:, 0], "b": X[:, 1]}), path, row_group_size=10_000,
                   write_page_checksum=True, compression="snappy")
    meta = pq.ParquetFile(path).metadata
    offset = meta.row_group(2).column(0).data_page_offset + 64
    data = bytearray(path.read_bytes())
    data[offset:offset + 32] = bytes(255 - b for b in data[offset:offset + 32])
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError) as err:
        stream_fit(path, 2, random_state=0)
    assert one_sentence(err.value).startswith(f"{path} could not be read: ")


def test_a_truncated_file_is_one_sentence(tmp_path, folder):
    broken = folder / "part-001.parquet"
    broken.write_bytes(broken.read_bytes()[:-100])
    with pytest.raises(SourceError) as err:
        stream_fit(folder, 2)
    assert "could not be opened" in one_sentence(err.value)


@pytest.mark.parametrize("maker", ["empty file", "no rows", "header only"])
def test_empty_input_is_one_sentence(tmp_path, maker):
    if maker == "empty file":
        path = tmp_path / "empty.parquet"
        path.write_bytes(b"")
    elif maker == "no rows":
        path = tmp_path / "none.parquet"
        pq.write_table(pa.table({"x": pa.array([], pa.float64())}), path)
    else:
        path = tmp_path / "head.csv"
        path.write_text("x,y\n")
    with pytest.raises(SourceError) as err:
        stream_fit(path, 2)
    assert "empty" in one_sentence(err.value) or "no rows" in str(err.value)


def test_a_csv_cell_that_is_not_a_number_deep_in_the_file(tmp_path):
    lines = ["x,y", *[f"{i},{i * 2}" for i in range(200_000)], "7,seven", "8,16"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceError) as err:
        stream_fit(path, 2)
    assert "could not be read" in one_sentence(err.value)


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "does not exist"),
    ("suffix", "is not a Parquet or CSV file"),
    ("nothing", "holds no .parquet or .csv file"),
    ("mixed", "mixes Parquet and CSV files"),
])
def test_paths_that_hold_no_table(tmp_path, setup, message):
    target = tmp_path / "x"
    if setup == "suffix":
        target = tmp_path / "table.xlsx"
        target.write_bytes(b"PK\x03\x04")
    elif setup == "nothing":
        target.mkdir()
        (target / "notes.txt").write_text("hi")
    elif setup == "mixed":
        target.mkdir()
        (target / "a.csv").write_text("x\n1\n")
        pq.write_table(pa.table({"x": [1.0]}), target / "b.parquet")
    with pytest.raises(SourceError, match=message) as err:
        open_source(target)
    one_sentence(err.value)


@pytest.mark.parametrize("name", [
    "empty.csv", "header_only.csv", "all_text.csv", "binary_renamed.csv", "ragged_rows.csv",
    "nan_column.csv", "inf_values.csv", "constant_column.csv", "identical_rows.csv",
    "one_row.csv", "good_baseline.csv",
])
def test_corpus_files_fit_or_are_refused_in_one_sentence(name):
    path = corpus_file(name)
    try:
        run = stream_fit(path, 2, random_state=0, max_iter=3)
    except SourceError as exc:
        one_sentence(exc)
    else:
        assert run.counts.sum() == run.n_rows and np.isfinite(run.inertia)


def test_a_cluster_column_cannot_be_fitted(tmp_path):
    pq.write_table(pa.table({"x": [1.0, 2.0], "cluster": [0, 1]}), tmp_path / "t.parquet")
    with pytest.raises(SourceError, match="holds a run's labels"):
        open_source(tmp_path / "t.parquet", ["x", "cluster"])
