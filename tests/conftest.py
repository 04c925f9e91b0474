"""Helpers shared by the test files: import them (``from tests.conftest import corpus_file``).

- The shared corpus of nasty inputs, ``../shared/corpus`` beside the repository (CI clones the
  repository with a copy of ``shared/`` beside it; ``CLUSTER_EXPLORER_CORPUS`` overrides the
  place). Without it a test is skipped on a workstation and fails under ``CI=true``: CI must
  not pass by skipping every nasty input.
- Hypothesis never judges wall-clock time: no per-example deadline and no "too slow" health
  check, so a loaded machine cannot fail a property test (``max_examples`` bounds the work).
- The small delimited table the loader tests parse in many encodings and containers
  (:data:`LOADER_BASE`), its check (:func:`base_check`) and the one-sentence refusal check.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]

settings.register_profile(
    "load-independent", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("load-independent")

# --- the shared corpus ------------------------------------------------------------------------


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing(what: Path) -> None:
    """Skip (workstation) or fail (CI) the calling test because ``what`` is absent."""
    message = (f"{what} is absent (the shared corpus belongs beside the repository, in "
               "../shared/corpus, or where CLUSTER_EXPLORER_CORPUS points)")
    if _on_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def corpus_dir() -> Path:
    """The corpus folder; skips the test without it (fails it under ``CI=true``)."""
    override = os.environ.get("CLUSTER_EXPLORER_CORPUS")
    path = Path(override) if override else REPO.parent / "shared" / "corpus"
    if not path.is_dir():
        _missing(path)
    return path


def corpus_file(name: str) -> Path:
    """Path of one corpus file; skips the test without it (fails it under ``CI=true``)."""
    path = corpus_dir() / name
    if not path.exists():
        _missing(path)
    return path


# --- the loader's small table -----------------------------------------------------------------

LOADER_BASE = (b"f1,f2,f3,label\n0.5,9.0,-6.5,g0\n-0.5,8.8,-7.5,g0\n2.5,1.0,3.5,g1\n"
               b"3.0,1.5,3.0,g1\n")
"""Four rows, three numeric features and a text label: every container of it loads the same."""


def base_check(table) -> None:
    """``table`` (a loaded :data:`LOADER_BASE`, in any format) has its columns and values."""
    assert list(table.frame.columns) == ["f1", "f2", "f3", "label"]
    assert table.frame.shape == (4, 4)
    assert table.frame["f1"].tolist() == [0.5, -0.5, 2.5, 3.0]
    assert table.default_features == ["f1", "f2", "f3"]
    assert table.label_candidates == ["label"]


def one_sentence(message: str) -> None:
    """A refusal the user reads: one plain sentence, no traceback."""
    assert "\n" not in message and message.endswith(".") and message[0].isupper(), message
    assert "Traceback" not in message, message


def refuse(data: bytes, name: str = "upload.csv", **kwargs) -> str:
    """Load ``data`` expecting a ``TableError``; check it is one sentence, return it."""
    # Imported here: a conftest that imports the package under test would stop every test
    # file from loading whenever one module of it is broken.
    from clustering.io import TableError, load_table

    with pytest.raises(TableError) as info:
        load_table(data, name, **kwargs)
    one_sentence(str(info.value))
    return str(info.value)


# --- Compare's registry without the fits --------------------------------------------------------


@pytest.fixture()
def cheap_fits(monkeypatch) -> dict[str, int]:
    """Replace every Compare algorithm's fit with a cheap split on the first feature.

    For tests of what surrounds a fit (size guards, row budgets, the page's layout) without
    paying for slow algorithms; the real fits are tested on the toy sets. Returns a dict that
    records, per algorithm, how many rows its last fit was given. Streamlit's cache (when
    Streamlit is loaded) is cleared before and after, so no stand-in result is served to
    another test.
    """
    import dataclasses
    import sys

    import numpy as np

    from clustering.compare import ALGORITHMS

    def clear_streamlit_cache() -> None:
        if "streamlit" in sys.modules:
            sys.modules["streamlit"].cache_data.clear()

    rows: dict[str, int] = {}

    def stand_in(name):
        def fit(X, params, random_state):
            rows[name] = X.shape[0]
            return (X[:, 0] > np.median(X[:, 0])).astype(int)
        return fit

    for name, spec in ALGORITHMS.items():
        monkeypatch.setitem(ALGORITHMS, name, dataclasses.replace(spec, fit=stand_in(name)))
    clear_streamlit_cache()
    yield rows
    clear_streamlit_cache()
