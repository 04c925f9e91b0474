"""The What-if tab's matching of run A to run B: computed once per pair of runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from clustering.data import prepare
from ui import cache, whatif
from ui.data import ActiveData, Source


@pytest.fixture(autouse=True)
def _clear_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _active(n: int) -> ActiveData:
    frame = pd.DataFrame({"x": np.arange(n, dtype=float), "y": np.zeros(n)})
    prepared = prepare(frame, ["x", "y"])
    source = Source(key=f"line-{n}", title="line", frame=frame, numeric_columns=["x", "y"],
                    default_features=["x", "y"], label_candidates=[], default_label=None)
    return ActiveData(source, prepared, f"line-{n}-prepared")


def _pin(active: ActiveData, labels: np.ndarray) -> cache.Keyed:
    pinned = whatif.PinnedRun(
        number=1, title="A", settings={}, data_key=active.key,
        row_index=np.asarray(active.prepared.row_index), labels=labels,
        centers=np.zeros((2, 2)), values={},
        key=cache.content_key(active.key, cache.array_key(labels)))
    return cache.Keyed(pinned.key, pinned)


def test_a_pair_of_runs_is_matched_once_and_a_new_run_b_again(monkeypatch):
    calls = []

    def counting(a, b):
        calls.append(len(a))
        return compare(a, b)

    compare = whatif.compare_runs
    monkeypatch.setattr(whatif, "compare_runs", counting)
    active = _active(1_000)
    labels_a = (np.arange(1_000) >= 500).astype(np.int64)
    pinned = _pin(active, labels_a)
    labels_b = 1 - labels_a
    labels_b[:10] = 0  # ten rows moved
    current = cache.Keyed(cache.array_key(labels_b), labels_b)
    first = whatif.matched_runs(pinned, active, current)
    again = whatif.matched_runs(pinned, active, cache.Keyed(current.key, labels_b.copy()))
    assert calls == [1_000]  # a rerun is a hit
    assert first.comparison.n_changed == again.comparison.n_changed == 10
    assert first.comparison.ari == again.comparison.ari
    other = labels_a.copy()
    whatif.matched_runs(pinned, active, cache.Keyed(cache.array_key(other), other))
    assert calls == [1_000, 1_000]


def test_runs_that_share_under_two_rows_are_not_matched():
    active = _active(1)
    labels = np.zeros(1, dtype=np.int64)
    assert whatif.matched_runs(_pin(active, labels), active,
                               cache.Keyed(cache.array_key(labels), labels)) is None
