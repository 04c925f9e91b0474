"""The Choose K page under Streamlit's AppTest: every chart on Iris, the buttons to Explore."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from clustering.evaluation._metrics import SILHOUETTE_SAMPLE_SIZE
from tests.apptest_helpers import figure_by_key, figures, page, texts

CHARTS = {
    "choose_k_objective", "choose_k_silhouette", "choose_k_calinski_harabasz",
    "choose_k_davies_bouldin", "choose_k_stability", "choose_k_external",
    "choose_k_silhouette_plot", "choose_k_silhouette_scatter", "choose_k_study_objective",
    "choose_k_study_iterations",
}


def values(array) -> list:
    """A plotly JSON array as a list: plotly sends numpy arrays as typed base64 (bdata)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def choose_k(query: dict | None = None):
    """Start at the app's entry point, so st.switch_page resolves pages as in the real app."""
    at = page("app.py", query)
    at.run()
    at.switch_page("pages/2_Choose_K.py")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def iris():
    return choose_k()


def test_every_chart_renders_on_iris(iris):
    assert set(figures(iris)) == CHARTS
    for key in CHARTS:
        spec = figure_by_key(iris, key)
        assert spec["data"], f"{key} has no traces"
    assert not iris.error and not iris.warning


def test_the_recommendation_gives_reasons_not_one_answer(iris):
    text = texts(iris)
    assert "The elbow of the objective is at K=3 (Kneedle)." in text
    assert "Silhouette peaks at K=2." in text
    assert "Davies-Bouldin is lowest at K=2." in text
    assert "Adjusted Rand index peaks at K=3 (against the true labels)." in text
    assert "3 of 4 signals point to K=2" in text and "the elbow prefers K=3" in text


def test_score_charts_mark_the_recommended_k(iris):
    elbow = figure_by_key(iris, "choose_k_objective")
    assert values(elbow["data"][0]["x"]) == list(range(1, 11))
    assert any(a.get("text", "").startswith("<b>elbow K=3</b>")
               for a in elbow["layout"]["annotations"])
    silhouette = figure_by_key(iris, "choose_k_silhouette")
    assert values(silhouette["data"][1]["x"]) == [2]


def test_silhouette_plot_has_a_band_per_cluster(iris):
    plot = figure_by_key(iris, "choose_k_silhouette_plot")
    assert [t["name"] for t in plot["data"]] == ["Cluster 0", "Cluster 1", "Cluster 2"]
    scatter = figure_by_key(iris, "choose_k_silhouette_scatter")
    assert scatter["data"][-1]["name"].startswith("negative silhouette (")
    assert "have a negative silhouette" in texts(iris)


def test_scores_per_k_table(iris):
    table = iris.dataframe[0].value
    assert table["K"].tolist() == list(range(2, 11))
    assert {"Silhouette", "Adjusted Rand index", "Stability (mean ARI)"} <= set(table.columns)


def test_silhouette_k_picker_redraws_the_plot(iris):
    iris.select_slider(key="choose_k_sil_k").set_value(4).run()
    assert not iris.exception
    plot = figure_by_key(iris, "choose_k_silhouette_plot")
    assert len(plot["data"]) == 4
    iris.select_slider(key="choose_k_sil_k").set_value(3).run()


def test_init_study_table_and_boxes(iris):
    table = iris.dataframe[1].value
    assert len(table) == 4 and "Reached the best" in table.columns
    assert "Best objective found: **139.82**" in texts(iris)
    boxes = figure_by_key(iris, "choose_k_study_objective")["data"]
    assert [len(values(b["y"])) for b in boxes] == [20, 20, 20, 20]


def test_k_button_opens_explore_with_that_k():
    at = choose_k()
    at.button(key="choose_k_open_5").click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Explore k-means"]
    assert at.session_state["settings"]["sb_k"] == 5
    assert at.slider(key="sb_k").value == 5
    assert at.query_params["k"] in ("5", ["5"])
    # The other sidebar settings came along (a page switch must not reset them).
    assert len(at.multiselect(key="sb_features").value) == 4
    assert at.session_state["settings"]["sb_scaling"] == "standard"
    assert not at.warning


def test_worst_run_button_opens_that_run_on_explore():
    at = choose_k()
    boxes = figure_by_key(at, "choose_k_study_objective")["data"]
    study_seeds = values(boxes[0]["customdata"])
    worst = max(values(boxes[3]["y"]))  # farthest point is the fourth method
    at.button(key="choose_k_worst_farthest").click().run()
    assert not at.exception, at.exception
    s = at.session_state["settings"]
    assert (s["sb_init"], s["sb_n_init"], s["sb_k"]) == ("farthest", 1, 3)
    assert s["sb_seed"] in study_seeds
    assert at.selectbox(key="sb_init").value == "farthest"
    # Explore replays exactly that run: same objective.
    assert f"total reconstruction error {worst:,.4g}." in at.success[0].value


def test_settings_survive_coming_back_from_explore():
    at = choose_k()
    at.switch_page("pages/1_Explore.py")
    at.run()
    at.switch_page("pages/2_Choose_K.py")
    at.run()
    assert not at.exception and not at.warning
    assert set(figures(at)) == CHARTS


def test_a_larger_set_samples_the_silhouette_and_waits_for_the_init_study():
    at = choose_k({"dataset": "blobs", "n": "30000"})
    text = texts(at)
    m = SILHOUETTE_SAMPLE_SIZE
    assert f"Silhouette computed on a random sample of {m} of 30000 rows" in text
    assert "Stability runs use a seeded sample of 10,000 of 30,000 rows." in text
    assert f"a seeded sample of {m:,} of 30,000 rows" in text  # under the silhouette plot
    run = at.button(key="choose_k_study_run")
    run.click().run()
    assert not at.exception
    assert "choose_k_study_objective" in figures(at)


def test_manual_init_sweeps_with_k_means_plus_plus():
    at = choose_k({"init": "manual"})
    assert "uses k-means++ instead" in texts(at)
    assert "choose_k_objective" in figures(at)


def test_page_settings_are_kept_across_a_visit_to_explore():
    at = choose_k()
    at.slider(key="choose_k_kmax").set_value(6).run()
    at.number_input(key="choose_k_seeds").set_value(8).run()
    at.button(key="choose_k_open_4").click().run()
    assert [t.value for t in at.title] == ["Explore k-means"]
    at.switch_page("pages/2_Choose_K.py")
    at.run()
    assert at.slider(key="choose_k_kmax").value == 6
    assert at.number_input(key="choose_k_seeds").value == 8


def test_largest_k_slider_changes_the_range():
    at = choose_k()
    at.slider(key="choose_k_kmax").set_value(5).run()
    assert not at.exception
    assert values(figure_by_key(at, "choose_k_silhouette")["data"][0]["x"]) == [2, 3, 4, 5]
    assert [b.key for b in at.button if b.key.startswith("choose_k_open_")] == [
        f"choose_k_open_{k}" for k in range(2, 6)]


def test_the_sidebar_k_label_does_not_sit_on_the_elbow_label(iris):
    """Defect: "sidebar K=3" overlapped "elbow K=3" when both are K=3 (Iris, the default)."""
    fig = figure_by_key(iris, "choose_k_objective")
    texts_ = [a.get("text", "") for a in fig["layout"].get("annotations", [])]
    assert "<b>elbow K=3</b> (= sidebar K)" in texts_  # one label for both
    assert not [t for t in texts_ if t.startswith("sidebar K=")]
