"""Every setting of every page lives in the link: change it, copy the URL, open it in a fresh
session, and the page shows the same widgets and the same result.

The walk is generated from ``ui.state.SETTINGS``: a new setting without a walk entry fails
:func:`test_every_setting_has_a_walk`. Compare's per-algorithm parameters are walked one
algorithm at a time (all its parameters changed at once, on the sidebar data only).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from clustering.compare import ALGORITHMS
from tests.apptest_helpers import app_test
from ui.state import BY_URL, COMPARE_FROM_SIDEBAR, SETTINGS, parse_query, to_query

pytestmark = pytest.mark.timeout(600)

PAGES = {"explore": "pages/1_Explore.py", "choose_k": "pages/2_Choose_K.py",
         "compare": "pages/3_Compare.py", "image": "pages/4_Image.py",
         "learn": "pages/5_Learn.py", "documents": "pages/6_Documents.py"}
WIDGETS = ("slider", "select_slider", "selectbox", "multiselect", "number_input", "radio",
           "toggle", "checkbox", "text_input")
# Keyed input widgets that are not settings: cursors, quiz answers and upload read options.
NOT_SETTINGS = {
    "explore_voronoi_off": "a disabled stand-in for the regions toggle",
    "explore_pin_choice": "which pinned run is A: pins live in the session, not in links",
    "learn_iteration": "a cursor in the run on one screen; its range follows the run",
    "learn_error_step": "a cursor in the run on one screen; its range follows the run",
    "learn_predict": "the reader's answer to a question",
    "image_k_exact": "image_k typed: a second input for the same setting",
    "sb_sheet": "how an upload is read: uploads are not in links",
    "sb_header": "how an upload is read: uploads are not in links",
    "sb_skip_bad": "how an upload is read: uploads are not in links",
}
# Settings that only an upload shows; their link values are checked by parsing alone.
UPLOAD_ONLY = {"image_background": "black", "documents_split": "paragraphs",
               "documents_text": "body", "documents_label": "topic",
               "documents_title": "title"}


@dataclass(frozen=True)
class Walk:
    page: str  # the page that draws the setting
    value: Any  # the new value, given through the widget
    given: dict = field(default_factory=dict)  # a link that makes the setting appear
    by_code: bool = False  # no widget: changed as its callback does (chart clicks)

    def __post_init__(self) -> None:
        assert not self.by_code or self.given, "a by-code walk needs a link of its own"


IRIS = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
ONE_PANEL = {"toys": "0"}
WALKS: dict[str, Walk] = {
    "sb_present": Walk("learn", True),
    "sb_dataset": Walk("explore", "wine"),
    "sb_n": Walk("explore", 300, {"dataset": "moons"}),
    "sb_noise": Walk("explore", 0.25, {"dataset": "moons"}),
    "sb_data_seed": Walk("explore", 7, {"dataset": "moons"}),
    "sb_features": Walk("explore", [IRIS[2], IRIS[3]]),
    "sb_label": Walk("explore", None),  # "no label": a different set of metrics
    "sb_scaling": Walk("explore", "minmax"),
    "sb_missing": Walk("explore", "median"),
    "sb_k": Walk("explore", 5),
    "sb_init": Walk("explore", "farthest"),
    "sb_distance": Walk("explore", "manhattan"),
    "sb_center": Walk("explore", "medoid"),
    "sb_seed": Walk("explore", 11),
    "sb_max_iter": Walk("explore", 2),
    "sb_n_init": Walk("explore", 4),
    "explore_view": Walk("explore", "3d"),
    "explore_axes": Walk("explore", "features"),
    "explore_x": Walk("explore", IRIS[2], {"axes": "features"}),
    "explore_y": Walk("explore", IRIS[3], {"axes": "features"}),
    "explore_z": Walk("explore", IRIS[3], {"axes": "features", "view": "3d"}),
    "explore_voronoi": Walk("explore", True, {"dataset": "moons", "axes": "features"}),
    "explore_manual": Walk("explore", (0, 60, 120), {"init": "manual"}, by_code=True),
    # A centre dropped on the timeline (what ui.run_view does with the component's event).
    "explore_moves": Walk("explore", ("3:1:0.5,0.5,0.5,0.5",), {"init": "random"},
                          by_code=True),
    "explore_class_shapes": Walk("explore", False),
    "explore_tab": Walk("explore", "Download", {"tab": "Outliers"}, by_code=True),
    "explore_outlier_rule": Walk("explore", "threshold", {"tab": "Outliers"}),
    "explore_outlier_share": Walk("explore", 5.0, {"tab": "Outliers"}),
    "explore_outlier_cut": Walk("explore", 2.0, {"tab": "Outliers", "outliers": "threshold"}),
    "explore_rings": Walk("explore", True, {"tab": "Outliers"}),
    "explore_sep_cluster": Walk("explore", 2, {"tab": "What sets clusters apart"}),
    "choose_k_kmax": Walk("choose_k", 6),
    "choose_k_sil_k": Walk("choose_k", 4),
    "choose_k_seeds": Walk("choose_k", 5),
    "compare_algorithms": Walk("compare", ["dbscan", "kmeans"], ONE_PANEL),
    "compare_toys": Walk("compare", False, {"algorithms": "kmeans"}),
    "compare_score": Walk("compare", "silhouette", {"algorithms": "kmeans", **ONE_PANEL}),
    "compare_dendrogram": Walk("compare", "agglomerative_single", {
        "algorithms": ["agglomerative_ward", "agglomerative_single"], **ONE_PANEL}),
    "image_choice": Walk("image", "flower.jpg"),
    "image_k": Walk("image", 5),
    "image_space": Walk("image", "lab"),
    "image_sample_size": Walk("image", 5_000),
    "image_seed": Walk("image", 3),
    "image_compare": Walk("image", True),
    "image_zoom": Walk("image", True),
    "image_zoom_x": Walk("image", 0, {"zoom": "1"}),
    "image_zoom_y": Walk("image", 100, {"zoom": "1"}),
    "image_point_color": Walk("image", "own"),
    "learn_screen": Walk("learn", 4),
    "learn_dataset": Walk("learn", "iris"),
    "learn_k": Walk("learn", 4),
    "learn_init": Walk("learn", "farthest"),
    "learn_seed": Walk("learn", 2),
}
BOOKS = {"corpus": "books"}  # the Documents page on its quick labelled corpus
WALKS.update({
    "documents_corpus": Walk("documents", "python_help", BOOKS),
    "documents_min_df": Walk("documents", 3, BOOKS),
    "documents_max_df": Walk("documents", 0.8, BOOKS),
    "documents_stop_words": Walk("documents", False, BOOKS),
    "documents_bigrams": Walk("documents", True, BOOKS),
    "documents_sublinear": Walk("documents", True, BOOKS),
    "documents_vocabulary": Walk("documents", 1000, BOOKS),
    "documents_lsa": Walk("documents", False, BOOKS),
    "documents_components": Walk("documents", 20, BOOKS),
    "documents_k": Walk("documents", 3, BOOKS),
    "documents_distance": Walk("documents", "euclidean", BOOKS),
    "documents_seed": Walk("documents", 5, BOOKS),
    "documents_n_init": Walk("documents", 2, BOOKS),
    "documents_max_iter": Walk("documents", 20, BOOKS),
    "documents_cluster": Walk("documents", 1, BOOKS),
    "documents_query": Walk("documents", "dark night house", BOOKS),
    "documents_results": Walk("documents", 5, BOOKS),
    "documents_kmax": Walk("documents", 6, BOOKS),
})
# Compare's float parameters need a value that makes sense on standardised Iris.
FLOATS = {"dbscan_eps": 0.6, "optics_xi": 0.1, "optics_min_cluster_size": 0.2,
          "meanshift_bandwidth": 1.5, "spectral_gamma": 0.5, "birch_threshold": 0.3,
          "affinity_propagation_damping": 0.8, "affinity_propagation_preference": -30.0}


def _param_value(name: str, p) -> Any:
    if p.kind == "choice":
        return next(c for c in p.choices if c != p.default)
    if p.kind == "bool":
        return not p.default
    if p.kind == "int":
        return max(int(p.low), 2) + 2 if p.default is None or p.name == "n_clusters" \
            else int(p.default) + 1
    return FLOATS[f"{name}_{p.name}"]  # a new float parameter needs a value here


for _name, _spec in ALGORITHMS.items():
    for _p in _spec.params:
        if not (_name == "kmeans" and _p.name in COMPARE_FROM_SIDEBAR):
            WALKS[f"compare_{_name}_{_p.name}"] = Walk(
                "compare", _param_value(_name, _p), {"algorithms": _name, **ONE_PANEL})


def test_every_setting_has_a_walk():
    assert set(WALKS) | set(UPLOAD_ONLY) == set(SETTINGS)
    assert not set(NOT_SETTINGS) & set(SETTINGS)


def test_link_names_are_unique_and_short_links_still_work():
    assert len(BY_URL) == len(SETTINGS)
    values, notices = parse_query({"k": ["5"], "dataset": ["wine"], "screen": ["4"],
                                   "algorithms": ["dbscan", "kmeans"], "lesson_k": ["4"]})
    assert not notices
    assert (values["sb_k"], values["sb_dataset"], values["learn_screen"],
            values["compare_algorithms"], values["learn_k"]) == (
        5, "wine", 4, ("dbscan", "kmeans"), 4)


@pytest.mark.parametrize("key", sorted(UPLOAD_ONLY))
def test_upload_only_settings_parse_back_from_the_link(key):
    value = UPLOAD_ONLY[key]
    query = to_query({**{k: s.default for k, s in SETTINGS.items()}, key: value}, [key])
    parsed, notices = parse_query({name: v if isinstance(v, list) else [v]
                                   for name, v in query.items()})
    assert not notices and parsed[key] == value


# --- the walk ------------------------------------------------------------------------------


def _widgets(at: AppTest) -> dict[str, Any]:
    return {w.key: w.value for kind in WIDGETS for w in at.get(kind) if w.key}


def _find(at: AppTest, key: str):
    for kind in WIDGETS:
        for widget in at.get(kind):
            if widget.key == key:
                return widget
    raise AssertionError(f"no widget {key!r} on the page; keys: {sorted(_widgets(at))}")


_TIME = re.compile(r"\d\s?s\b|second")


def _frame(frame: pd.DataFrame) -> str:
    return frame.drop(columns=["Fit time (s)"], errors="ignore").to_csv()


def _output(at: AppTest) -> dict[str, Any]:
    """What the page computed and said, without fit times (they differ run to run)."""
    out: dict[str, Any] = {kind: [str(e.value) for e in at.get(kind)] for kind in (
        "title", "header", "subheader", "markdown", "success", "info", "warning", "error")}
    out["caption"] = [c.value for c in at.caption if not _TIME.search(c.value)]
    out["metric"] = [(m.label, m.value) for m in at.metric]
    out["table"] = [_frame(t.value) for t in at.table]
    out["dataframe"] = [_frame(d.value) for d in at.dataframe]
    out["image"] = [img.proto.imgs[0].caption for img in at.get("image")]
    out["chart"] = {e.proto.id.split("-")[-1]: json.loads(e.proto.spec)["data"]
                    for e in at.get("plotly_chart")}
    return out


def _query(at: AppTest) -> dict[str, str | list[str]]:
    return {name: value for name, value in at.query_params.items()}


def _open(path: str, query: dict) -> AppTest:
    """A new session on a link (the cache is kept: results are keyed on their inputs)."""
    return app_test(path, query, timeout=120).run()


def _groups() -> list[tuple[str, dict, list[list[str]]]]:
    """(page, given link, batches of keys changed together), one per page and given link."""
    groups: dict[tuple, list[str]] = {}
    for key, walk in WALKS.items():
        groups.setdefault((walk.page, json.dumps(walk.given, sort_keys=True)), []).append(key)
    out = []
    for (page_name, given), keys in groups.items():
        params = [k for k in keys if SETTINGS[k].url.count(".")]  # Compare's parameters
        out.append((page_name, json.loads(given), [params] * bool(params)
                    + [[k] for k in keys if k not in params]))
    return out


GROUPS = _groups()


@pytest.mark.parametrize(("page_name", "given", "batches"), GROUPS,
                         ids=[f"{g[0]}-" + "+".join(k for b in g[2] for k in b)[:60]
                              for g in GROUPS])
def test_a_copied_link_reopens_the_same_page(page_name, given, batches):
    st.cache_data.clear()
    for batch in batches:
        at = _open(PAGES[page_name], given)
        assert not at.exception, at.exception
        for key in batch:
            walk = WALKS[key]
            if walk.by_code:  # what the chart-click callback does
                at.session_state["settings"][key] = walk.value
            else:
                _find(at, key).set_value(walk.value)
        at.run()
        assert not at.exception, (batch, at.exception)
        unknown = set(_widgets(at)) - set(SETTINGS) - set(NOT_SETTINGS)
        assert not unknown, f"widgets that are neither settings nor NOT_SETTINGS: {unknown}"
        query = _query(at)
        for key in batch:
            assert SETTINGS[key].url in query, (key, query)
        fresh = _open(PAGES[page_name], query)
        assert not fresh.exception, (batch, fresh.exception)
        for key in batch:
            assert fresh.session_state["settings"][key] == at.session_state["settings"][key]
        assert _widgets(fresh) == _widgets(at), batch
        assert _output(fresh) == _output(at), batch
        assert _query(fresh) == query, batch  # and the link is stable


# --- a pinned run keeps only its own page's settings ------------------------------------------


def test_restoring_a_pin_leaves_other_pages_and_presentation_mode_alone():
    st.cache_data.clear()
    at = app_test("app.py", timeout=120).run()
    at.switch_page(PAGES["learn"]).run()
    at.selectbox(key="learn_screen").set_value(4).run()
    at.switch_page(PAGES["compare"]).run()
    at.toggle(key="compare_toys").set_value(False).run()
    at.multiselect(key="compare_algorithms").set_value(["dbscan", "kmeans"]).run()
    at.switch_page(PAGES["explore"]).run()
    at.button(key="explore_pin").click().run()
    at.slider(key="sb_k").set_value(5).run()
    at.radio(key="explore_view").set_value("3d").run()
    at.toggle(key="sb_present").set_value(True).run()
    assert not at.exception, at.exception

    at.button(key="explore_restore_0").click().run()
    assert not at.exception, at.exception
    assert at.slider(key="sb_k").value == 3  # the pinned run's own settings come back
    assert at.radio(key="explore_view").value == "2d"
    assert at.toggle(key="sb_present").value is True  # presentation mode stays
    settings = at.session_state["settings"]
    assert settings["learn_screen"] == 4
    assert settings["compare_algorithms"] == ("dbscan", "kmeans")
    assert settings["compare_toys"] is False
    at.switch_page(PAGES["learn"]).run()
    assert at.selectbox(key="learn_screen").value == 4
    at.switch_page(PAGES["compare"]).run()
    assert at.multiselect(key="compare_algorithms").value == ["dbscan", "kmeans"]
    assert at.toggle(key="sb_present").value is True
