"""The cache policy of ui/cache.py: content keys, keyed records, one policy row per cache,
byte budgets that Streamlit enforces, per-session caches and what a cached run keeps."""

from __future__ import annotations

import ast
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from clustering.data import load_dataset, prepare
from clustering.view import DrawableRun
from clustering.view._display import MAX_DRAWN_POINTS
from ui import cache
from ui.data import ActiveData, Source
from ui.knobs import RunSettings

REPO = Path(__file__).resolve().parents[2]
UI = sorted((REPO / "ui").glob("*.py"))


@pytest.fixture(autouse=True)
def _clear_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def policy_cached(monkeypatch, func, policy: cache.Policy):
    """``cache.cached(func)`` with a policy row added for this test's function."""
    monkeypatch.setitem(cache.CACHE_POLICY, f"{func.__module__}.{func.__qualname__}", policy)
    return cache.cached(func)


def twins() -> tuple[np.ndarray, np.ndarray]:
    """Two arrays of 2,000 values that differ in the middle, so their reprs are equal."""
    a = np.zeros(2000)
    b = a.copy()
    b[1000] = 1.0
    return a, b


# --- content keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _WithArray:
    name: str
    values: np.ndarray


@dataclass(frozen=True)
class _HiddenField:
    name: str
    secret: int = field(repr=False)


def test_content_key_refuses_a_dataclass_whose_repr_hides_a_field():
    with pytest.raises(TypeError, match="_HiddenField"):
        cache.content_key(_HiddenField("a", 1))


@pytest.mark.parametrize("value", [
    np.zeros(3),
    np.zeros(2000),
    pd.DataFrame({"a": [1, 2]}),
    pd.Series([1.0, 2.0]),
    ("key", np.arange(5)),
    {"rows": np.arange(5)},
    _WithArray("x", np.arange(5)),
], ids=["small-array", "big-array", "frame", "series", "in-tuple", "in-dict", "in-dataclass"])
def test_content_key_refuses_arrays_and_frames(value):
    inner = value
    if isinstance(value, tuple):
        inner = value[1]
    elif isinstance(value, dict):
        inner = value["rows"]
    elif isinstance(value, _WithArray):
        inner = value.values
    with pytest.raises(TypeError, match=type(inner).__qualname__):
        cache.content_key("prefix", value)


def test_content_key_of_plain_values_is_stable_and_distinct():
    settings = RunSettings(3, "k-means++", "euclidean", None, 0, 300, 1, ())
    key = cache.content_key("upload", "abc", 3, 0.5, None, (1, 2), settings)
    assert key == cache.content_key("upload", "abc", 3, 0.5, None, (1, 2), settings)
    assert key != cache.content_key("upload", "abc", 3, 0.5, None, (1, 2),
                                    RunSettings(4, "k-means++", "euclidean", None, 0, 300, 1, ()))


def test_array_key_sees_every_value_where_repr_does_not():
    a, b = twins()
    assert repr(a) == repr(b)  # numpy abbreviates arrays over 1,000 elements
    assert cache.array_key(a) != cache.array_key(b)
    assert cache.array_key(a) == cache.array_key(a.copy())
    assert cache.array_key(a) != cache.array_key(a.astype(np.float32))
    assert cache.array_key(a) != cache.array_key(a.reshape(2, 1000))


# --- keyed records and hash_funcs -----------------------------------------------------------


def test_two_arrays_sharing_a_repr_never_share_a_cache_entry(monkeypatch):
    calls = []

    def total(data: cache.Keyed[np.ndarray]) -> float:
        calls.append(data.key)
        return float(data.value.sum())

    cached_total = policy_cached(monkeypatch, total, cache.Policy(8, 8, None, "test"))
    a, b = twins()
    assert cached_total(cache.Keyed(cache.array_key(a), a)) == 0.0
    assert cached_total(cache.Keyed(cache.array_key(b), b)) == 1.0
    assert cached_total(cache.Keyed(cache.array_key(a), a.copy())) == 0.0  # a hit
    assert len(calls) == 2


def test_two_datasets_sharing_a_repr_get_their_own_runs():
    """The app's own path: k-means runs keyed by the data's content key, not its repr."""
    specs = []
    for shift in (0.0, 50.0):
        frame = pd.DataFrame({"x": np.r_[np.zeros(600), np.ones(600)],
                              "y": np.r_[np.zeros(600), np.ones(600)]})
        frame.loc[600:605, "x"] += shift  # the middle rows: the reprs of X stay equal
        prepared = prepare(frame, ["x", "y"])
        source = Source(key=cache.array_key(frame.to_numpy()), title="t", frame=frame,
                        numeric_columns=["x", "y"], default_features=["x", "y"],
                        label_candidates=[], default_label=None)
        active = ActiveData(source, prepared, cache.content_key(source.key, "x", "y"))
        specs.append(cache.RunSpec(active, RunSettings(2, "farthest", "euclidean", None, 0,
                                                       50, 1, ())))
    assert repr(specs[0].data.prepared.X) == repr(specs[1].data.prepared.X)
    first, second = cache.run(specs[0]), cache.run(specs[1])
    assert not np.allclose(first.centers, second.centers)


def test_a_cached_function_refuses_an_array_frame_or_series_argument(monkeypatch):
    cached_len = policy_cached(monkeypatch, lambda data: len(data),
                               cache.Policy(8, 8, None, "test"))
    for value in (np.zeros(2000), pd.DataFrame({"a": range(3)}), pd.Series(range(3))):
        with pytest.raises(Exception) as raised:
            cached_len(value)
        assert isinstance(raised.value.__cause__, TypeError)
        assert type(value).__qualname__ in str(raised.value.__cause__)


def test_a_record_that_is_not_keyed_cannot_smuggle_an_array(monkeypatch):
    cached_name = policy_cached(monkeypatch, lambda record: record.name,
                                cache.Policy(8, 8, None, "test"))
    with pytest.raises(Exception) as raised:
        cached_name(_WithArray("x", np.zeros(2000)))
    assert isinstance(raised.value.__cause__, TypeError)


def test_cached_refuses_unhashed_parameters_and_functions_without_a_policy(monkeypatch):
    def hidden(key: str, _data: bytes) -> int:
        return len(_data)

    with pytest.raises(TypeError, match="_data"):
        policy_cached(monkeypatch, hidden, cache.Policy(8, 8, None, "test"))

    def unlisted(x: int) -> int:
        return x

    with pytest.raises(LookupError, match="CACHE_POLICY"):
        cache.cached(unlisted)


# --- the policy table -----------------------------------------------------------------------


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def cached_functions_in_ui() -> dict[str, str]:
    """Every function in ui/*.py decorated with st.cache_data or cached: name -> decorator."""
    found = {}
    for path in UI:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                name = _decorator_name(decorator)
                if name in {"st.cache_data", "cache_data", "cached", "cache.cached",
                            "st.cache_resource"}:
                    found[f"ui.{path.stem}.{node.name}"] = name
    return found


def test_the_policy_table_covers_every_cached_function_in_ui():
    found = cached_functions_in_ui()
    assert len(found) >= 30
    assert set(found) == set(cache.CACHE_POLICY), (
        f"without a policy row: {sorted(set(found) - set(cache.CACHE_POLICY))}; rows without a "
        f"function: {sorted(set(cache.CACHE_POLICY) - set(found))}")
    direct = {name for name, decorator in found.items() if "cache_" in decorator}
    assert not direct, f"decorated with st.cache_data directly, bypassing the policy: {direct}"


@pytest.mark.parametrize("path", [*sorted((REPO / "pages").glob("*.py")), REPO / "app.py"],
                         ids=lambda p: p.name)
def test_pages_cache_nothing_themselves(path):
    assert "cache_data" not in path.read_text(encoding="utf-8")
    assert "cache_resource" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cache.CACHE_POLICY))
def test_every_policy_row_is_complete_and_applied(name):
    policy = cache.CACHE_POLICY[name]
    assert policy.entries >= 1 and policy.max_mb >= 1 and len(policy.why.split()) >= 3
    if policy.ttl is not None:
        assert pd.Timedelta(policy.ttl) > pd.Timedelta(0)
    module, func = name.rsplit(".", 1)
    info = getattr(__import__(module, fromlist=[func]), func)._info
    assert info.max_entries == policy.entries
    assert info.max_size_bytes == policy.max_mb * cache.MB
    assert info.ttl == policy.ttl
    assert info.hash_funcs is cache.HASH_FUNCS


def test_the_byte_budgets_add_up_to_a_bound():
    total = cache.total_budget_mb()
    assert total == sum(p.max_mb for p in cache.CACHE_POLICY.values())
    assert total <= 4096
    config = (REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'maxCacheDataSize = "1gb"' in config


# --- memory bounds --------------------------------------------------------------------------


def test_the_byte_budget_is_enforced_not_only_the_entry_count(monkeypatch):
    computed = []

    def block(i: int) -> np.ndarray:
        computed.append(i)
        return np.full(50_000, i, dtype=np.float64)  # 400 KB pickled

    # 100 entries allowed, 1 MB: only two 400 KB values fit at once.
    cached_block = policy_cached(monkeypatch, block, cache.Policy(100, 1, None, "test"))
    for i in (0, 1, 2):
        cached_block(i)
    cached_block(2)
    cached_block(1)
    assert computed == [0, 1, 2]  # the two most recent are hits
    cached_block(0)  # the oldest was dropped to keep the budget
    assert computed == [0, 1, 2, 0]


def test_a_cached_run_keeps_what_is_drawn_not_the_whole_history():
    data = load_dataset("blobs", n_samples=20_000, random_state=0)
    prepared = prepare(data.frame, list(data.feature_names))
    source = Source(key="blobs-20000", title="blobs", frame=data.frame,
                    numeric_columns=list(data.feature_names),
                    default_features=list(data.feature_names), label_candidates=[],
                    default_label=None)
    active = ActiveData(source, prepared, "blobs-20000-prepared")
    spec = cache.RunSpec(active, RunSettings(4, "random", "euclidean", None, 0, 300, 1, ()))
    drawn = cache.run(spec)
    assert isinstance(drawn, DrawableRun)
    assert drawn.labels.shape == (20_000,)
    assert drawn.step_labels.shape == (drawn.n_steps, MAX_DRAWN_POINTS)
    assert drawn.step_centers.shape == (drawn.n_steps, 4, 2)
    # The full history would hold n_steps x 20,000 labels; the cached record holds 5,000 per
    # step and the final labels once.
    assert len(pickle.dumps(drawn)) < drawn.n_steps * 20_000 + 200_000
    assert cache.run(spec).n_iter == drawn.n_iter  # a hit returns the same run


def _memo_script():
    import streamlit as st

    from ui import cache

    for data in (b"a,b\n1,2\n3,4\n", b"a,b\n5,6\n7,8\n", b"a,b\n9,9\n8,8\n"):
        cache.table(cache.bytes_key(data), data, ".csv", None, None, False)
    again = b"a,b\n9,9\n8,8\n"
    table = cache.table(cache.bytes_key(again), again, ".csv", None, None, False)
    st.session_state["same"] = table is cache.table(cache.bytes_key(again), again, ".csv",
                                                    None, None, False)
    st.session_state["kept"] = len(st.session_state["cache_memo"]["table"])


def test_uploads_are_read_once_per_session_and_bounded_by_the_session_policy():
    at = AppTest.from_function(_memo_script, default_timeout=60).run()
    assert not at.exception
    assert at.session_state["same"]  # by reference: no copy, no re-read
    assert at.session_state["kept"] == cache.SESSION_POLICY["table"].entries
