"""AppTest page tests: the landing page and the Explore page react to every control."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from clustering.data._datasets import load_dataset
from clustering.data._prepare import prepare
from clustering.engine._kmeans import kmeans
from tests.apptest_helpers import REPO, array, figure_by_key, page, texts
from tests.conftest import corpus_file
from tests.pages.shown import literal

pytestmark = pytest.mark.timeout(180)


def run_chart(at):
    return figure_by_key(at, "explore_run_chart")


def centroid_count(at) -> int:
    fig = run_chart(at)
    (trace,) = [t for t in fig["data"] if t.get("name") == "centroids"]
    return len(array(trace["x"]))


def final_colors(at) -> set:
    """Distinct point colours in the run's last frame (one per cluster)."""
    frame = run_chart(at)["frames"][-1]
    points = frame["data"][0]
    return set(array(points["marker"]["color"]).tolist())


def summary(at) -> str:
    return at.success[0].value


def metric_names(at) -> list[str]:
    return list(at.table[0].value.index)


@pytest.fixture()
def explore():
    at = page("pages/1_Explore.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_landing_page_links_to_explore():
    at = page("app.py").run()
    assert not at.exception
    assert at.title[0].value == "Cluster Explorer"
    links = [link.proto.page for link in at.get("page_link")]
    assert "Explore" in links


def test_landing_page_is_home_with_one_start_button_and_a_true_caption():
    """Defect 6: the first sidebar entry read "app", the picture's caption said K=5 while
    the default is 3, and there was no clear place to start."""
    from ui.state import SETTINGS

    # Streamlit's own list is off (tests/test_deployment.py); the app draws its own.
    at = page("app.py").run()
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    files = sorted((REPO / "pages").glob("*.py"))
    assert links[0] == "Home" and len(links) == 1 + len(files)
    starts = [b for b in at.button if b.key == "home_start"]
    assert len(starts) == 1 and starts[0].label.startswith("Start here")
    (caption,) = [img.proto.imgs[0].caption for img in at.get("image")]
    assert f"K={SETTINGS['sb_k'].default}" in caption
    starts[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Explore k-means"


def test_explore_opens_on_iris_with_k3(explore):
    assert explore.selectbox(key="sb_dataset").value == "iris"
    assert explore.slider(key="sb_k").value == 3
    assert centroid_count(explore) == 3
    assert len(final_colors(explore)) == 3
    assert "K=3 on 150 rows" in summary(explore)
    fig = run_chart(explore)
    assert len(fig["frames"]) >= 3  # init, assign, update at least
    # Iris carries species, so the external metrics and the contingency heatmap show.
    assert "Homogeneity" in metric_names(explore)
    figure_by_key(explore, "explore_contingency")


def test_k_changes_number_of_clusters_drawn(explore):
    explore.slider(key="sb_k").set_value(5).run()
    assert not explore.exception
    assert centroid_count(explore) == 5
    assert len(final_colors(explore)) == 5
    assert "K=5" in summary(explore)


def test_distance_changes_objective(explore):
    before = summary(explore)
    explore.selectbox(key="sb_distance").set_value("manhattan").run()
    assert not explore.exception
    assert summary(explore) != before
    explore.selectbox(key="sb_distance").set_value("cosine").run()
    assert not explore.exception


def test_init_changes_the_start(explore):
    start_before = run_chart(explore)["frames"][0]["data"]
    explore.selectbox(key="sb_init").set_value("farthest").run()
    assert not explore.exception
    assert run_chart(explore)["frames"][0]["data"] != start_before


def test_label_column_toggles_external_metrics(explore):
    explore.selectbox(key="sb_label").set_value(None).run()
    assert not explore.exception
    assert "Homogeneity" not in metric_names(explore)
    assert "Silhouette" in metric_names(explore)
    explore.selectbox(key="sb_label").set_value("label").run()
    assert "Adjusted Rand index" in metric_names(explore)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sb_center", "medoid"),
        ("sb_scaling", "none"),
        ("sb_seed", 11),
        ("sb_max_iter", 1),
        ("sb_n_init", 5),
    ],
    ids=["centre-rule", "scaling", "seed", "max-iter", "n-init"],
)
def test_every_knob_changes_the_run(explore, key, value):
    before = (summary(explore), run_chart(explore)["frames"])
    widget = explore.get_by_key(key) if hasattr(explore, "get_by_key") else None
    widget = widget or explore.selectbox(key=key)
    widget.set_value(value).run()
    assert not explore.exception
    assert (summary(explore), run_chart(explore)["frames"]) != before


def test_mismatched_pair_warns_in_words(explore):
    explore.selectbox(key="sb_distance").set_value("manhattan")
    explore.selectbox(key="sb_center").set_value("mean").run()
    assert not explore.exception
    assert any("may rise" in w.value for w in explore.sidebar.warning)


def test_features_choice_changes_dimensions(explore):
    explore.multiselect(key="sb_features").set_value(["petal length (cm)", "petal width (cm)"])
    explore.run()
    assert not explore.exception
    assert "× 2 features" in summary(explore)


def test_url_reproduces_the_run():
    query = {"k": "4", "init": "farthest", "distance": "cosine", "seed": "7", "scaling": "none"}
    at = page("pages/1_Explore.py", query).run()
    assert not at.exception
    assert at.slider(key="sb_k").value == 4
    assert at.selectbox(key="sb_init").value == "farthest"
    data = load_dataset("iris")
    prepared = prepare(data.frame, data.feature_names, "label", scaling="none")
    expected = kmeans(prepared.X, 4, init="farthest", distance="cosine", random_state=7,
                      max_iter=100)
    assert f"{expected.inertia:,.4g}" in summary(at)
    assert at.query_params["k"] == "4"


def test_bad_url_values_fall_back_with_a_notice():
    at = page("pages/1_Explore.py", {"k": "many", "dataset": "nope", "distance": "<b>x</b>"})
    at.run()
    assert not at.exception
    assert at.slider(key="sb_k").value == 3
    assert at.selectbox(key="sb_dataset").value == "iris"
    # One notice lists everything the link asked for that could not be used.
    (box,) = [literal(info.value) for info in at.info if "Ignored" in info.value]
    assert "Ignored k='many'" in box and "Ignored dataset='nope'" in box
    assert "Ignored distance='<b>x</b>'" in box


def test_k_above_distinct_points_is_capped():
    at = page("pages/1_Explore.py", {"dataset": "blobs", "n": "20", "k": "30"}).run()
    assert not at.exception
    assert at.slider(key="sb_k").value <= 20


def test_manual_init_from_url_uses_the_picked_rows():
    at = page("pages/1_Explore.py", {"init": "manual", "manual": ["0", "60", "120"]}).run()
    assert not at.exception
    assert "picked by hand" in texts(at)
    assert centroid_count(at) == 3


def test_manual_init_asks_for_points():
    at = page("pages/1_Explore.py", {"init": "manual"}).run()
    assert not at.exception
    assert "click 3 more points" in texts(at)
    figure_by_key(at, "explore_pick_chart")


def test_view_switches_do_not_rerun_kmeans(explore, monkeypatch):
    import clustering.engine._kmeans as engine

    calls = []
    original = engine.kmeans
    monkeypatch.setattr(engine, "kmeans", lambda *a, **k: calls.append(1) or original(*a, **k))
    explore.radio(key="explore_view").set_value("3d").run()
    assert not explore.exception
    assert run_chart(explore)["data"][0]["type"] == "scatter3d"
    explore.radio(key="explore_axes").set_value("features").run()
    assert not explore.exception
    assert calls == []


def test_regions_on_two_feature_data():
    at = page("pages/1_Explore.py", {"dataset": "blobs", "axes": "features", "voronoi": "1"})
    at.run()
    assert not at.exception
    fig = run_chart(at)
    assert any(t["type"] in ("heatmap", "contour") for t in fig["data"])


@pytest.mark.parametrize("query", [{}, {"init": "random", "seed": "3"}], ids=["iris", "seed3"])
def test_one_timeline_whose_last_step_agrees_with_the_banner(query):
    """The replay is one timeline stepped in the browser (no server step buttons); its last
    step, the banner and the headline metric name the same iteration count."""
    at = page("pages/1_Explore.py", query).run()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("explore_back", "explore_forward")]
    frames = run_chart(at)["frames"]
    last = len(frames) - 1
    caption = frames[-1]["layout"]["title"]["text"]
    n_iter = int(re.search(r"after (\d+) iteration", summary(at)).group(1))
    assert caption.startswith(f"<b>Step {last} of {last}</b> · iteration {n_iter} ·")
    assert str(n_iter) in [m.value for m in at.metric if "teration" in m.label]
    for s, frame in enumerate(frames):  # the objective cursor is on the caption's step
        assert frame["layout"]["title"]["text"].startswith(f"<b>Step {s} of {last}</b>")
        cursor = run_chart(at)["layout"]["meta"]["timeline"]["cursor"][0]
        assert frame["data"][frame["traces"].index(cursor)]["x"][0] == s


def test_upload_good_file_clusters_it():
    at = page("pages/1_Explore.py").run()
    data = corpus_file("good_baseline.csv").read_bytes()
    at.file_uploader(key="sb_upload").set_value(("good_baseline.csv", data, "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="sb_dataset").value == "upload"
    assert at.multiselect(key="sb_features").value == ["f1", "f2", "f3"]
    assert "on 60 rows × 3 features" in summary(at)


def test_refused_upload_keeps_previous_data():
    at = page("pages/1_Explore.py").run()
    data = corpus_file("binary_renamed.csv").read_bytes()
    at.file_uploader(key="sb_upload").set_value(("binary_renamed.csv", data, "text/csv")).run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "PNG" in errors[0]
    assert at.selectbox(key="sb_dataset").value == "iris"
    assert "K=3 on 150 rows" in summary(at)


def test_html_in_names_is_escaped_everywhere():
    at = page("pages/1_Explore.py").run()
    data = corpus_file("html_in_header.csv").read_bytes()
    at.file_uploader(key="sb_upload").set_value(("h.csv", data, "text/csv")).run()
    assert not at.exception
    spec = str(figure_by_key(at, "explore_run_chart"))
    assert "<script" not in spec and "<img" not in spec and "<a href" not in spec


def test_no_page_file_is_too_long():
    for path in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]:
        assert len(path.read_text().splitlines()) <= 200, path


def test_pin_and_compare_shows_sklearn_ari():
    from sklearn.metrics import adjusted_rand_score

    at = page("pages/1_Explore.py", {"k": "3", "seed": "0"}).run()
    at.button(key="explore_pin").click().run()
    assert not at.exception
    at.slider(key="sb_k").set_value(4).run()
    assert not at.exception
    data = load_dataset("iris")
    prepared = prepare(data.frame, data.feature_names, "label", scaling="standard")
    run_a = kmeans(prepared.X, 3, random_state=0, max_iter=100)
    run_b = kmeans(prepared.X, 4, random_state=0, max_iter=100)
    expected = adjusted_rand_score(run_a.labels, run_b.labels)
    (agreement,) = [m for m in at.metric if m.label == "Agreement (ARI)"]
    assert agreement.value == f"{expected:.3f}"
    assert at.selectbox(key="explore_pin_choice").options[0].startswith("A1: K=3")
    assert any(t.value is not None for t in at.table)


def test_presentation_mode_from_url():
    at = page("pages/1_Explore.py", {"present": "1"}).run()
    assert not at.exception
    assert at.toggle(key="sb_present").value is True
    fig = run_chart(at)
    assert fig["layout"]["font"]["size"] >= 18


def test_markdown_in_names_is_never_rendered():
    """Column names like ``![x](https://attacker…)`` reach notes and alerts as plain text."""
    import re

    at = page("pages/1_Explore.py").run()
    data = corpus_file("html_in_header.csv").read_bytes()
    at.file_uploader(key="sb_upload").set_value(("h.csv", data, "text/csv")).run()
    assert not at.exception
    shown = [m.value for kind in ("markdown", "caption", "error", "warning", "info")
             for m in at.get(kind)] + [e.label for e in at.get("expander")]
    live_link = re.compile(r"(?<!\\)\]\((?!\s)")  # an unescaped "](" starts a link or image
    assert not [text for text in shown if live_link.search(str(text))]
    # The names are still there, as plain text, where the user picks features.
    assert any("javascript" in name for name in at.multiselect(key="sb_features").options)


def test_workbook_sheets_are_picked_by_name():
    import io

    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as writer:
        pd.DataFrame({"b": [i * 2.5 for i in range(30)], "c": [i % 3 for i in range(30)]}
                     ).to_excel(writer, sheet_name="first", index=False)
        pd.DataFrame({"x": [float(i % 7) for i in range(40)], "y": [i * 0.5 for i in range(40)]}
                     ).to_excel(writer, sheet_name="2024", index=False)
    at = page("pages/1_Explore.py").run()
    at.file_uploader(key="sb_upload").set_value(("book.xlsx", buf.getvalue(), "application/x"))
    at.run()
    assert not at.exception
    assert at.selectbox(key="sb_sheet").options == ["first", "2024"]
    assert "on 30 rows" in summary(at)
    at.selectbox(key="sb_sheet").set_value("2024").run()  # a sheet named like a number
    assert not at.exception
    assert "on 40 rows" in summary(at)


# --- defects found by a new user (issue 15) ---------------------------------------------------


def test_one_feature_draws_a_strip_by_cluster():
    """Defect 1: one selected feature crashed ("features [0, 0] repeat a column")."""
    at = page("pages/1_Explore.py", {"features": "petal width (cm)"}).run()
    assert not at.exception, at.exception
    assert not at.error
    fig = run_chart(at)
    assert fig["layout"]["xaxis"]["title"]["text"] == "petal width (z-score)"
    assert fig["layout"]["yaxis"]["title"]["text"] == "(random spread, no meaning)"
    centers = [t for t in fig["data"] if t.get("name") == "centroids"][0]
    assert set(array(centers["y"]).tolist()) == {0.0}  # centres on the midline
    assert len(set(array(fig["frames"][-1]["data"][0]["marker"]["color"]).tolist())) == 3


def test_the_same_feature_on_both_axes_is_a_strip_too():
    at = page("pages/1_Explore.py", {"axes": "features", "x": "petal width (cm)",
                                     "y": "petal width (cm)"}).run()
    assert not at.exception and not at.error
    assert run_chart(at)["layout"]["yaxis"]["title"]["text"] == "(random spread, no meaning)"


def _settings_record_script():
    import streamlit as st

    from ui.data import data_and_knobs
    from ui.run_view import settings_record
    from ui.state import start_run

    start_run()  # what setup_page does for settings (its page links need app.py's pages)
    active, run = data_and_knobs()
    st.json(settings_record(active, run))


def test_run_settings_record_everything_needed_to_reproduce_the_run():
    """Defect 2: run_settings.json left out scaling, missing values, the label column and
    the data's own seed and size."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_settings_record_script, default_timeout=120)
    for name, value in {"dataset": "moons", "n": "300", "data_seed": "7", "noise": "0.2",
                        "scaling": "minmax", "missing": "median", "k": "4"}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    record = json.loads(at.json[0].value)
    assert record["dataset"] == "moons" and record["n_samples"] == 300
    assert record["data_seed"] == 7 and record["noise"] == 0.2
    assert record["scaling"] == "minmax" and record["missing_values"] == "median"
    assert "label_column" in record and record["n_clusters"] == 4
    assert record["rows_clustered"] == 300 and record["features"]


def test_3d_keeps_class_shapes_apart_from_the_centroid_mark():
    """Defect 7: in 3-D the virginica marker and the centroid mark were the same shape."""
    at = page("pages/1_Explore.py", {"view": "3d"}).run()
    assert not at.exception
    fig = run_chart(at)
    centroid = [t for t in fig["data"] if t.get("name") == "centroids"][0]["marker"]["symbol"]
    points = fig["data"][0]["marker"]["symbol"]
    assert centroid not in set(points)
    key = {t["name"]: t["marker"]["symbol"] for t in fig["data"]
           if t.get("legendgroup") == "classes"}
    assert set(key) == {"setosa", "versicolor", "virginica"}
    assert centroid not in key.values() and set(key.values()) == set(points)


def test_a_ragged_file_is_offered_skipping_with_its_error():
    """Defect 3: "choose to skip bad lines" was only possible after a file was accepted."""
    at = page("pages/1_Explore.py").run()
    data = corpus_file("ragged_rows.csv").read_bytes()
    at.file_uploader(key="sb_upload").set_value(("ragged_rows.csv", data, "text/csv")).run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "skip bad lines" in errors[0]
    offer = at.button(key="sb_accept_skipping")
    assert "Skip the 2 bad lines" in offer.label  # "4,5" and "6,7,8,9"
    assert at.selectbox(key="sb_dataset").value == "iris"  # nothing changed yet
    offer.click().run()
    assert not at.exception
    assert at.selectbox(key="sb_dataset").value == "upload"
    assert at.checkbox(key="sb_skip_bad").value is True
    assert not at.sidebar.error
    assert "skipped" in texts(at).lower()


def test_every_column_left_out_of_an_upload_says_why():
    """Defect 4: the notes said why customer_id was left out, not name, email, ..."""
    rows = ["customer_id,name,email,signup_date,region,is_member,age,spend"]
    for i in range(30):
        rows.append(f"{1000 + 7 * i},Name {i},user{i}@example.com,2024-01-{1 + i % 28:02d},"
                    f"{'north' if i % 2 else 'south'},{'yes' if i % 3 else 'no'},"
                    f"{20 + (i * 13) % 47},{(i * 37) % 101}.5")
    data = ("\n".join(rows) + "\n").encode()
    at = page("pages/1_Explore.py").run()
    at.file_uploader(key="sb_upload").set_value(("customers.csv", data, "text/csv")).run()
    assert not at.exception
    note = next(t for t in texts(at).splitlines() if "Left out of the default features" in t)
    for column in ("customer_id", "name", "email", "signup_date", "region", "is_member"):
        assert f"‘{column}’: " in note, (column, note)
    assert "‘age’" not in note and "‘spend’" not in note


def _with_markers() -> bytes:
    rows = ["age,spend,visits"]
    for i in range(40):
        age = "n/a" if i % 8 == 0 else str(20 + (i * 13) % 47)
        rows.append(f"{age},{(i * 37) % 101}.5,{(i * 7) % 11}")
    return ("\n".join(rows) + "\n").encode()


def test_after_imputation_profiles_and_centroids_say_which_is_which():
    """Defect 5: profiles (means of the cells present) and centroids.csv (centres with the
    filled cells) disagreed without saying why."""
    at = page("pages/1_Explore.py", {"missing": "mean"}).run()
    at.file_uploader(key="sb_upload").set_value(("m.csv", _with_markers(), "text/csv")).run()
    assert not at.exception
    note = next(c.value for c in at.caption if "Size and mean" in c.value)
    assert "leave out the 5 missing cells" in note and "filled with the column mean" in note


def test_na_markers_keep_their_original_text_in_the_labelled_table():
    """Defect 5: "n/a" cells came back empty in the labelled CSV."""
    from clustering.data import labeled_csv, prepare
    from clustering.io import load_table

    table = load_table(_with_markers(), "m.csv")
    assert "age" in table.default_features  # still read as numbers
    prepared = prepare(table.frame, ["age", "spend"], None, missing="median")
    n = len(prepared.row_index)
    out = labeled_csv(table.frame, prepared.row_index, np.zeros(n, int), np.zeros(n)).decode(
        "utf-8-sig")
    assert out.splitlines()[1].startswith('"n/a",0.5,')


def test_presentation_shows_profiles_as_a_large_html_table():
    """On a projector a table is HTML (20 px type), not the canvas grid (about 14 px)."""
    at = page("pages/1_Explore.py", {"present": "1", "tab": "Cluster profiles"}).run()
    assert not at.exception
    assert not [d for d in at.dataframe if "explore_profiles" in d.proto.id]
    assert any(list(t.value.index) == ["Cluster 0", "Cluster 1", "Cluster 2"] for t in at.table)
