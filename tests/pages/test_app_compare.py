"""AppTest page tests of Compare: the grid, the per-algorithm controls, the sections."""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st

import ui.compare
from clustering.compare._run import ALGORITHMS, DEFAULT_ALGORITHMS, TOY_SETS
from tests.apptest_helpers import array, figure_by_key, page, texts

pytestmark = pytest.mark.timeout(300)

PAGE = "pages/3_Compare.py"
N_ROWS = len(TOY_SETS) + 1


def grid(at) -> dict:
    return figure_by_key(at, "compare_grid")


def panels(at) -> dict[tuple[int, int], np.ndarray]:
    """(row, column) -> the drawn cluster labels of that panel."""
    out = {}
    for trace in grid(at)["data"]:
        r, c = (int(part.split()[-1]) for part in trace["meta"].split(","))
        out[(r, c)] = array(trace["marker"]["color"])
    return out


def corners(at) -> dict[str, str]:
    """Annotation texts by the axis they sit on ("x7" ...), corners and messages only."""
    return {a["xref"].split()[0] + ":" + str(a["x"]): a["text"] for a in grid(at)["layout"]
            ["annotations"] if a["xref"] != "paper"}


def axis_name(i: int) -> str:
    return "x" if i == 1 else f"x{i}"


def table(at):
    (frame,) = [d.value for d in at.dataframe if "Rows used" in d.value.columns]
    return frame


@pytest.fixture(scope="module", autouse=True)
def _module_cache():
    """Start the module from an empty cache; its tests then share the default grid's fits."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture()
def compare():
    at = page(PAGE, clear_cache=False)
    at.run()
    assert not at.exception, at.exception
    return at


def test_registry_overview_lists_every_algorithm(compare):
    (frame,) = [d.value for d in compare.dataframe if "Marks noise" in d.value.columns]
    assert len(frame) == len(ALGORITHMS)
    row = frame.set_index("Algorithm").loc["Affinity propagation"]
    assert row["Above that"] == "skipped" and row["Time"] == "quadratic"


def test_default_grid_has_every_panel(compare):
    cells = panels(compare)
    n_cols = len(DEFAULT_ALGORITHMS)
    assert set(cells) == {(r, c) for r in range(N_ROWS) for c in range(n_cols)}
    for (r, _), labels in cells.items():
        assert len(labels) == (150 if r == N_ROWS - 1 else 500)  # toy sets: 500; Iris: 150
        assert labels.min() >= -1
    titles = " ".join(a["text"] for a in grid(compare)["layout"]["annotations"])
    for name in DEFAULT_ALGORITHMS:
        assert ALGORITHMS[name].title.split()[0] in titles
    assert "Your data: Iris" in titles and "Noisy circles" in titles
    # Each panel's corner has its fit time and a score.
    corner_texts = {k: t for k, t in corners(compare).items() if " s" in t}
    assert len(corner_texts) == N_ROWS * n_cols
    no_structure = list(TOY_SETS).index("no_structure")
    for key, text in corner_texts.items():
        row = (int(key.split(":")[0][1:] or 1) - 1) // n_cols
        # With true classes the corner shows ARI; without, the silhouette.
        assert ("ARI" in text) == (row != no_structure), text
        assert ("Silhouette" in text) == (row == no_structure), text
    # Svg scatter, not WebGL: one chart for all panels.
    assert {t["type"] for t in grid(compare)["data"]} == {"scatter"}


def test_table_agreement_dendrogram_and_k_distance(compare):
    frame = table(compare)
    assert list(frame["Algorithm"]) == [ALGORITHMS[n].title for n in DEFAULT_ALGORITHMS]
    for column in ("Clusters", "Noise (%)", "Fit time (s)", "Silhouette", "Calinski-Harabasz",
                   "Davies-Bouldin", "ARI", "AMI", "V-measure"):
        assert frame[column].dtype.kind == "f", column
    assert frame.loc[frame["Algorithm"] == "k-means (ours)", "Clusters"].item() == 3
    agreement = figure_by_key(compare, "compare_agreement")["data"][0]
    assert len(agreement["x"]) == len(DEFAULT_ALGORITHMS) + 1  # + the true classes
    dendrogram = figure_by_key(compare, "compare_dendrogram_chart")
    assert dendrogram["layout"]["shapes"]  # the cut line
    kdist = figure_by_key(compare, "compare_k_distance")
    assert [t["name"] for t in kdist["data"]] == ["k-distance", "knee"]
    assert "the knee" in texts(compare)


def test_changing_one_parameter_changes_only_its_panels(compare, monkeypatch):
    before_panels, before_corners = panels(compare), corners(compare)
    calls = []
    real = ui.compare.run_algorithm
    monkeypatch.setattr(ui.compare, "run_algorithm",
                        lambda name, *a, **k: calls.append(name) or real(name, *a, **k))
    col = list(DEFAULT_ALGORITHMS).index("dbscan")
    compare.number_input(key="compare_dbscan_eps").set_value(0.5).run()
    assert not compare.exception
    after = panels(compare)
    assert set(calls) == {"dbscan"} and len(calls) == N_ROWS  # one rerun per dataset
    changed = {key for key in after if not np.array_equal(after[key], before_panels[key])}
    assert changed and {c for _, c in changed} == {col}
    # Other columns' corners (fit time, score) are the cached ones, unchanged.
    after_corners = corners(compare)
    axes_of_col = {axis_name(r * len(DEFAULT_ALGORITHMS) + col + 1) for r in range(N_ROWS)}
    for key, text in before_corners.items():
        if key.split(":")[0] not in axes_of_col:
            assert after_corners[key] == text
    assert "DBSCAN used eps = 0.5 (your value)" in texts(compare)
    # The expander lists only what it still chooses from the data.
    (chosen,) = [c.value for c in compare.caption if "points in a core" in c.value]
    assert "radius" not in chosen
    # Clearing the field goes back to the automatic choice.
    compare.number_input(key="compare_dbscan_eps").set_value(None).run()
    assert np.array_equal(panels(compare)[(0, col)], before_panels[(0, col)])


def test_k_override_and_sidebar_k(compare):
    col = list(DEFAULT_ALGORITHMS).index("gaussian_mixture")
    compare.number_input(key="compare_gaussian_mixture_n_clusters").set_value(5).run()
    assert not compare.exception
    cells = panels(compare)
    assert all(len(np.unique(cells[(r, col)])) == 5 for r in range(N_ROWS))
    compare.slider(key="sb_k").set_value(4).run()
    frame = table(compare)
    assert frame.loc[frame["Algorithm"] == "k-means (ours)", "Clusters"].item() == 4
    assert frame.loc[frame["Algorithm"] == "Gaussian mixture", "Clusters"].item() == 5


def test_kmeans_column_follows_the_sidebar_distance(compare):
    before = panels(compare)
    compare.selectbox(key="sb_distance").set_value("cosine").run()
    assert not compare.exception
    after = panels(compare)
    changed = {c for key in after for c in [key[1]] if not np.array_equal(after[key], before[key])}
    assert changed == {0}


def test_choosing_algorithms_and_hiding_toys(compare):
    chosen = ["kmeans", "dbscan", "affinity_propagation"]
    compare.multiselect(key="compare_algorithms").set_value(chosen).run()
    assert not compare.exception
    assert {c for _, c in panels(compare)} == {0, 1, 2}
    compare.toggle(key="compare_toys").set_value(False).run()
    assert set(panels(compare)) == {(0, 0), (0, 1), (0, 2)}
    compare.multiselect(key="compare_algorithms").set_value([]).run()
    assert not compare.exception
    assert "Pick at least one algorithm" in texts(compare)


def test_every_algorithm_at_once_gives_a_narrow_grid(cheap_fits, compare):
    # The layout is what is tested; every real fit on every toy set is in test_algorithms.py.
    compare.multiselect(key="compare_algorithms").set_value(list(ALGORITHMS)).run()
    assert not compare.exception
    cells = panels(compare)
    assert {c for _, c in cells} == set(range(len(ALGORITHMS)))
    # ~25,000 SVG points in all: each panel draws a seeded sample of its dataset.
    assert sum(len(v) for v in cells.values()) <= 25_000
    titles = [a["text"] for a in grid(compare)["layout"]["annotations"] if a["yref"] == "paper"]
    assert "<b>Ward<br>linkage</b>" in titles  # short titles in narrow columns
    assert len(table(compare)) == len(ALGORITHMS)


def test_corner_score_choice(compare):
    compare.selectbox(key="compare_score").set_value("silhouette").run()
    assert not compare.exception
    assert all("Silhouette" in t for t in corners(compare).values() if " s" in t)


def test_guards_on_a_larger_table_say_so():
    chosen = ["kmeans", "agglomerative_ward", "affinity_propagation"]
    at = page(PAGE, {"dataset": "blobs", "n": "8000", "algorithms": chosen}, clear_cache=False)
    at.run()
    assert not at.exception, at.exception
    frame = table(at).set_index("Algorithm")
    assert frame.loc["Agglomerative (ward)", "Rows used"] == "sample of 3,000 of 8,000"
    assert frame.loc["k-means (ours)", "Rows used"] == "all 8,000"
    assert frame.loc["Affinity propagation", "Rows used"] == "skipped"
    assert "skipped above 1,000 rows" in frame.loc["Affinity propagation", "Notes"]
    messages = [t for t in corners(at).values() if "Skipped" in t]
    assert len(messages) == 1  # the sidebar data's affinity propagation panel
    assert any("sample of 3,000" in t for t in corners(at).values())
    assert "seeded sample of 3,000 of 8,000 rows" in texts(at)
    # The dendrogram draws a readable seeded sample of the rows.
    assert "seeded sample of 300 of 8,000 rows" in texts(at)
    assert len(figure_by_key(at, "compare_dendrogram_chart")["data"]) >= 2


def test_parameters_survive_a_visit_to_another_page(compare):
    compare.number_input(key="compare_hdbscan_min_samples").set_value(9).run()
    kept = dict(compare.session_state["settings"])
    assert kept["compare_hdbscan_min_samples"] == 9
    # Streamlit forgets a widget's key once a page that does not draw it runs; the settings
    # are what the page draws its widgets from then.
    at = page(PAGE, {"algorithms": ["hdbscan"]}, clear_cache=False)
    at.session_state["settings"] = {**kept, "compare_algorithms": ("hdbscan",)}
    at.run()
    assert not at.exception
    assert at.number_input(key="compare_hdbscan_min_samples").value == 9
    assert at.multiselect(key="compare_algorithms").value == ["hdbscan"]


def test_algorithm_choice_is_in_the_link(compare):
    compare.multiselect(key="compare_algorithms").set_value(["dbscan", "kmeans"]).run()
    assert not compare.exception
    assert compare.query_params["algorithms"] == ["dbscan", "kmeans"]
    at = page(PAGE, {"algorithms": ["nope"]}, clear_cache=False).run()
    assert not at.exception
    assert at.multiselect(key="compare_algorithms").value == list(DEFAULT_ALGORITHMS)


def test_all_noise_shows_n_a_and_the_reason_never_none():
    """Defect: Compare printed "None" when DBSCAN marked every point as noise."""
    import pyarrow as pa

    at = page("pages/3_Compare.py", {"algorithms": ["dbscan"], "dbscan.eps": "0.01",
                                     "toys": "0"}).run()
    assert not at.exception
    table = at.dataframe[-1]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all()
    shown = shown.to_pandas()
    assert shown.loc[0, "Silhouette"] == "n/a" and shown.loc[0, "Clusters"] == "0"
    assert "Every point is noise" in shown.loc[0, "Notes"]
    assert "None" not in shown.to_csv()
