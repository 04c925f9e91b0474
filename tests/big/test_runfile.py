"""Run files: a faithful round trip, atomic writes, and hostile files refused in one sentence."""

from __future__ import annotations

import copy
import io
import json
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clustering.big import (
    CLUSTER_COLUMN,
    MAX_JSON_BYTES,
    RunFileError,
    inside,
    read_run,
    read_run_path,
    run_files,
    stream_fit,
    to_document,
    write_run,
)
from tests.big.datasets import blob_rows, write_parquet


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    X, _ = blob_rows(4_000, 3, 3, seed=2)
    folder = write_parquet(tmp_path_factory.mktemp("rf") / "t", X, files=2, row_group=1_000)
    return stream_fit(folder, 3, method="lloyd", sample_size=1_500, random_state=0)


@pytest.fixture
def small_doc(run) -> dict:
    """A valid document with a 20-row embedded sample, to be broken by each test."""
    doc = to_document(run)
    sample = run.sample.head(20)
    doc["sample"] = {"rows": 20, "values": sample[list(run.columns)].to_numpy().tolist(),
                     "clusters": sample[CLUSTER_COLUMN].tolist()}
    return doc


def encode(doc) -> bytes:
    return json.dumps(doc).encode()


def refused(document: bytes, sample: bytes | None = None) -> str:
    with pytest.raises(RunFileError) as err:
        read_run(document, sample)
    text = str(err.value)
    assert "\n" not in text and text.endswith(".") and len(text) < 300, text
    return text


def assert_same(a, b) -> None:
    for name in ("engine", "method", "columns", "n_rows", "n_skipped", "n_iter", "converged",
                 "cost_history", "shift_history", "timings", "settings"):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("scale_mean", "scale_std", "centers_scaled", "centers", "means", "counts"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.inertia == b.inertia
    pd.testing.assert_frame_equal(a.sample.reset_index(drop=True),
                                  b.sample.reset_index(drop=True), check_dtype=False)


def test_round_trip_with_the_sample_beside_the_json(run, tmp_path):
    written = write_run(run, tmp_path / "run.json")
    assert [p.name for p in written] == ["run.json", "run.sample.parquet"]
    assert sorted(os.listdir(tmp_path)) == ["run.json", "run.sample.parquet"]
    back = read_run((tmp_path / "run.json").read_bytes(),
                    (tmp_path / "run.sample.parquet").read_bytes())
    assert_same(run, back)
    assert_same(run, read_run_path("run.json", tmp_path))


def test_round_trip_with_an_embedded_sample(run, tmp_path):
    written = write_run(run, tmp_path / "small.json", embed_rows=5_000)
    assert [p.name for p in written] == ["small.json"]
    assert_same(run, read_run((tmp_path / "small.json").read_bytes()))


def test_a_failed_write_leaves_nothing_behind(run, tmp_path, monkeypatch):
    real = os.replace
    calls = []

    def fail_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", fail_second)
    with pytest.raises(OSError):
        write_run(run, tmp_path / "run.json")
    leftovers = sorted(os.listdir(tmp_path))
    assert "run.json" not in leftovers and not [n for n in leftovers if n.endswith(".part")]


def break_doc(doc: dict, how: str) -> dict | bytes:
    doc = copy.deepcopy(doc)
    result = doc["result"]
    if how == "format":
        doc["format"] = "something-else"
    elif how == "version":
        doc["version"] = 2
    elif how == "version is true":
        doc["version"] = True
    elif how == "unknown key":
        doc["extra"] = 1
    elif how == "missing key":
        del doc["result"]
    elif how == "engine":
        doc["engine"]["name"] = "dask"
    elif how == "centers rows":
        result["centers_scaled"] = result["centers_scaled"][:-1]
    elif how == "centers text":
        result["centers"][0][0] = "1.0"
    elif how == "centers disagree with scaler":
        result["centers"][0][0] += 1.0
    elif how == "counts do not add up":
        result["counts"][0] += 1
    elif how == "negative count":
        result["counts"][0], result["counts"][1] = -1, result["counts"][1] + result["counts"][0] + 1
    elif how == "negative inertia":
        result["inertia"] = -1.0
    elif how == "huge number":
        result["inertia"] = 1e400
    elif how == "k above max":
        result["n_clusters"] = 10**6
    elif how == "std zero":
        doc["scaling"]["std"][0] = 0.0
    elif how == "label out of range":
        doc["sample"]["clusters"][0] = 3
    elif how == "sample rows disagree":
        doc["sample"]["rows"] = 21
    elif how == "sample values nan text":
        doc["sample"]["values"][0][0] = None
    elif how == "repeated columns":
        doc["data"]["columns"][1] = doc["data"]["columns"][0]
    elif how == "cluster column":
        doc["data"]["columns"][0] = "cluster"
    elif how == "too many columns":
        doc["data"]["columns"] = [f"c{i}" for i in range(501)]
    elif how == "long setting":
        doc["settings"]["source"] = "x" * 5_000
    elif how == "nested setting":
        doc["settings"]["source"] = {"a": {"b": 1}}
    elif how == "means null with rows":
        result["means"][0] = None
    elif how == "unsafe sample name":
        doc["sample"] = {"rows": 20, "file": "../../etc/passwd.parquet"}
    elif how == "sample file absent":
        doc["sample"] = {"rows": 20, "file": "run.sample.parquet"}
    elif how == "history nan":
        return encode(doc).replace(b'"cost_history": [', b'"cost_history": [NaN, ')
    elif how == "infinity":
        return encode(doc).replace(b'"inertia": ', b'"inertia": Infinity, "x": ')
    elif how == "duplicate key":
        return encode(doc).replace(b'"version": 1', b'"version": 1, "version": 1')
    return doc


CASES = ["format", "version", "version is true", "unknown key", "missing key", "engine",
         "centers rows", "centers text", "centers disagree with scaler", "counts do not add up",
         "negative count", "negative inertia", "huge number", "k above max", "std zero",
         "label out of range", "sample rows disagree", "sample values nan text",
         "repeated columns", "cluster column", "too many columns", "long setting",
         "nested setting", "means null with rows", "unsafe sample name", "sample file absent",
         "history nan", "infinity", "duplicate key"]


@pytest.mark.parametrize("how", CASES)
def test_hostile_documents_are_refused(small_doc, how):
    read_run(encode(small_doc))  # the unbroken document is fine
    broken = break_doc(small_doc, how)
    refused(broken if isinstance(broken, bytes) else encode(broken))


@pytest.mark.parametrize("data", [
    b"", b"\xff\xfe\x00garbage", b"[]", b"null", b"42", b"{" * 2, b"[" * 200_000,
    b'{"format": 1' + b"0" * 10_000 + b"}", b"<script>alert(1)</script>",
], ids=["empty", "binary", "list", "null", "number", "truncated", "deep nesting",
        "huge int", "html"])
def test_things_that_are_not_run_files_are_refused(data):
    refused(data)


def test_an_oversized_document_is_refused_before_parsing():
    assert "more than the" in refused(b" " * (MAX_JSON_BYTES + 1))


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def sample_table(run, rows=20, **change) -> pa.Table:
    sample = run.sample.head(rows)
    columns = {c: pa.array(sample[c].to_numpy(np.float64)) for c in run.columns}
    columns[CLUSTER_COLUMN] = pa.array(sample[CLUSTER_COLUMN].to_numpy(np.int64))
    columns.update(change)
    return pa.table(columns)


@pytest.mark.parametrize("how", ["garbage", "columns", "rows", "nan", "labels", "text"])
def test_hostile_sample_files_are_refused(run, small_doc, how):
    doc = {**small_doc, "sample": {"rows": 20, "file": "run.sample.parquet"}}
    first = run.columns[0]
    good = sample_table(run)
    read_run(encode(doc), parquet_bytes(good))
    if how == "garbage":
        data = b"PAR1" + os.urandom(200) + b"PAR1"
    elif how == "columns":
        data = parquet_bytes(good.rename_columns([*list(run.columns)[::-1], CLUSTER_COLUMN]))
    elif how == "rows":
        data = parquet_bytes(sample_table(run, rows=19))
    elif how == "nan":
        values = good.column(first).to_numpy().copy()
        values[3] = np.nan
        data = parquet_bytes(sample_table(run, **{first: pa.array(values)}))
    elif how == "labels":
        data = parquet_bytes(sample_table(run, cluster=pa.array(np.full(20, 99))))
    else:
        data = parquet_bytes(sample_table(run, **{first: pa.array(["x"] * 20)}))
    refused(encode(doc), data)


def test_paths_outside_the_data_folder_are_refused(run, tmp_path):
    root = tmp_path / "data"
    (root / "runs").mkdir(parents=True)
    write_run(run, root / "runs" / "run.json")
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    (root / "link.json").symlink_to(secret)
    assert inside(root, "runs/run.json") == (root / "runs" / "run.json").resolve()
    assert run_files(root) == ["link.json", "runs/run.json"]
    for path in ["../secret.json", str(secret), "runs/../../secret.json", "link.json",
                 "/etc/passwd", "runs/missing.json", "runs\x00.json", "runs"]:
        with pytest.raises(RunFileError):
            read_run_path(path, root)


def test_a_sample_name_that_leaves_the_folder_is_refused(run, small_doc, tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    pq.write_table(sample_table(run), tmp_path / "outside.sample.parquet")
    doc = {**small_doc, "sample": {"rows": 20, "file": "../outside.sample.parquet"}}
    (root / "run.json").write_bytes(encode(doc))
    with pytest.raises(RunFileError, match="unsafe name"):
        read_run_path("run.json", root)
