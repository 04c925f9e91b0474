"""AppTest: a run file written by the command line, opened on Explore ("Open a run")."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from clustering.big import main, read_run_path
from tests.apptest_helpers import array, figure_by_key, page, texts
from tests.big.datasets import blob_rows, write_parquet

pytestmark = pytest.mark.timeout(240)
HOSTILE = "<img src=x onerror=alert(1)> [a](javascript:x) :red[plan]"
RAW = re.compile(r"(?<!\\)<img|(?<!\\)\]\(|(?<!\\):red\[")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A run the CLI wrote: 20,000 rows x 3, K=4, a 1,500-row sample beside the JSON."""
    root = tmp_path_factory.mktemp("runs")
    X, _ = blob_rows(20_000, 3, 4, seed=8)
    table = write_parquet(root / "table", X, files=2, row_group=5_000)
    status = main(["fit", str(table), "--k", "4", "--seed", "2", "--method", "lloyd",
                   "--sample-size", "1500", "--quiet", "--out", str(root / "run.json")])
    assert status == 0
    return root


def plain(markdown: object) -> str:
    """Text of an escaped Markdown message (the page escapes every message)."""
    return str(markdown).replace("\\", "")


def uploads(root, *names):
    return [(name, (root / name).read_bytes(), "application/octet-stream") for name in names]


def check_opened(at, root) -> None:
    assert not at.exception, at.exception
    run = read_run_path("run.json", root)
    shown = texts(at)
    assert "K=4 on 20,000 rows × 3 features" in shown
    assert "Computed on the run's 1,500-row sample, not on every row" in shown
    figure = figure_by_key(at, "explore_opened_chart")
    points, centers = figure["data"][0], figure["data"][-1]
    assert len(array(points["x"])) == 1_500 and len(array(centers["x"])) == 4
    profiles = next(d.value for d in at.dataframe
                    if {"rows", "share", "f0"} <= set(d.value.columns))
    np.testing.assert_array_equal(profiles["rows"].to_numpy(), run.counts)
    np.testing.assert_allclose(profiles[["f0", "f1", "f2"]].to_numpy(), run.means)
    assert any(t.value.index.name == "Metric" or "Metric" in str(t.value) for t in at.table)


def test_an_uploaded_run_is_drawn_with_its_centers(written, monkeypatch):
    monkeypatch.delenv("CLUSTER_EXPLORER_DATA_DIR", raising=False)
    at = page("pages/1_Explore.py")
    at.run()
    assert "explore_opened_path" not in [s.key for s in at.selectbox]  # server reading is off
    at.file_uploader(key="explore_opened_files").set_value(
        uploads(written, "run.json", "run.sample.parquet")).run()
    check_opened(at, written)


def test_a_run_in_the_allowed_data_folder_opens(written, monkeypatch):
    monkeypatch.setenv("CLUSTER_EXPLORER_DATA_DIR", str(written))
    at = page("pages/1_Explore.py")
    at.run()
    choice = at.selectbox(key="explore_opened_path")
    assert choice.options == ["run.json"]
    choice.set_value("run.json").run()
    check_opened(at, written)


def test_a_hostile_run_file_is_one_sentence_and_the_page_keeps_working(written, monkeypatch):
    monkeypatch.delenv("CLUSTER_EXPLORER_DATA_DIR", raising=False)
    doc = json.loads((written / "run.json").read_text())
    doc["data"]["columns"][0] = HOSTILE
    doc["result"]["inertia"] = -5
    at = page("pages/1_Explore.py")
    at.run()
    at.file_uploader(key="explore_opened_files").set_value(
        [("run.json", json.dumps(doc).encode(), "application/json"),
         ("run.sample.parquet", (written / "run.sample.parquet").read_bytes(),
          "application/octet-stream")]).run()
    assert not at.exception, at.exception
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and "out of range" in errors[0] and "\n" not in errors[0]
    assert figure_by_key(at, "explore_run_chart")  # Explore's own run is still drawn


def test_a_run_with_hostile_names_is_shown_escaped(written, monkeypatch, tmp_path):
    monkeypatch.delenv("CLUSTER_EXPLORER_DATA_DIR", raising=False)
    doc = json.loads((written / "run.json").read_text())
    doc["settings"]["source"] = HOSTILE
    doc["sample"] = {"rows": 2, "values": [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
                     "clusters": [0, 1]}
    at = page("pages/1_Explore.py")
    at.run()
    at.file_uploader(key="explore_opened_files").set_value(
        ("run.json", json.dumps(doc).encode(), "application/json")).run()
    assert not at.exception, at.exception
    sent = "\n".join(str(e.value) for kind in ("caption", "success", "error")
                     for e in at.get(kind))
    assert "onerror" in sent and not RAW.search(sent)


def test_the_sample_file_alone_or_two_runs_are_refused(written, monkeypatch):
    monkeypatch.delenv("CLUSTER_EXPLORER_DATA_DIR", raising=False)
    at = page("pages/1_Explore.py")
    at.run()
    at.file_uploader(key="explore_opened_files").set_value(
        uploads(written, "run.sample.parquet")).run()
    assert not at.exception and "Add one run file (.json)" in plain(at.error[0].value)
    at.file_uploader(key="explore_opened_files").set_value(uploads(written, "run.json")).run()
    assert "add that file too" in plain(at.error[0].value)
