"""AppTest: the analyst's controls on Explore (categorical features, outliers, what sets
clusters apart, scoring new rows, the run as code)."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from clustering.data import load_dataset, prepare
from clustering.engine import kmeans
from clustering.evaluation import find_outliers
from tests.apptest_helpers import array, figure_by_key, page, texts

pytestmark = pytest.mark.timeout(240)

HOSTILE = "<img src=x onerror=alert(1)> [a](javascript:x) :red[plan]"
# Markup that would act in Markdown: a tag, a link or a colour directive not escaped.
RAW = re.compile(r"(?<!\\)<img|(?<!\\)\]\(|(?<!\\):red\[")


def customers_csv(n: int = 120, seed: int = 0, drop: str | None = None) -> bytes:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "spend": np.r_[rng.normal(20, 3, n // 2), rng.normal(80, 5, n - n // 2)].round(2),
        "visits": rng.poisson(4, n),
        HOSTILE: np.r_[np.repeat("basic", n // 2), np.repeat("premium", n - n // 2)],
    })  # fmt: skip
    if drop:
        frame = frame.drop(columns=drop)
    return frame.to_csv(index=False).encode()


def upload(at, data: bytes, name: str = "customers.csv"):
    at.file_uploader(key="sb_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def open_tab(at, label: str):
    """Open one of Explore's tabs, as a click does (the analyst's tabs run only when open)."""
    at.session_state["explore_tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def markdown_sources(at) -> str:
    """Every Markdown string sent to the page, as sent (escapes kept)."""
    kinds = ("markdown", "caption", "success", "info", "warning", "error")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def table_with(at, column: str) -> pd.DataFrame:
    """The dataframe on the page that has ``column`` (AppTest does not keep their keys)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with a column {column!r}")


def captions(at) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def run_chart(at) -> dict:
    return figure_by_key(at, "explore_run_chart")


@pytest.fixture()
def explore():
    at = page("pages/1_Explore.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def uploaded():
    at = upload(page("pages/1_Explore.py").run(), customers_csv())
    return at


def test_a_categorical_column_is_offered_and_encoded(uploaded):
    at = uploaded
    features = at.multiselect(key="sb_features")
    assert f"{HOSTILE} (categories)" in features.options  # shown as the options read
    assert features.value == ["spend", "visits"]  # categories are never preselected
    features.set_value(["spend", "visits", HOSTILE]).run()
    assert not at.exception, at.exception
    notes = texts(at)
    assert f"Encoded '{HOSTILE}' as categories: 2 levels" in notes
    assert not RAW.search(markdown_sources(at))  # the name is escaped wherever it is shown
    assert "2 features" not in at.success[0].value and "× 4 features" in at.success[0].value
    profile = table_with(at, "share")
    assert set(profile[HOSTILE]) == {"basic 100%", "premium 100%"}  # pure clusters at K=3
    assert dict(at.query_params)["features"] == ["spend", "visits", HOSTILE]


def test_outliers_flagged_by_share_then_threshold_and_ringed(explore):
    at = explore
    assert "rows flagged" not in captions(at)  # closed tabs compute nothing
    open_tab(at, "Outliers")
    data = load_dataset("iris")
    prepared = prepare(data.frame, data.feature_names, "label", scaling="standard")
    result = kmeans(prepared.X, 3, random_state=0, max_iter=100)
    expected = find_outliers(prepared.X, result.centers, result.labels, rule="share", value=0.01)
    assert "2 of 150 rows flagged (the top 1% of rows by score" in captions(at)
    table = table_with(at, "outlier score")
    assert table["row"].tolist() == (prepared.row_index[expected.rows] + 1).tolist()
    assert list(table.columns[:4]) == ["row", "cluster", "distance to centre", "outlier score"]
    assert "sepal length (cm)" in table.columns  # the original values
    at.radio(key="explore_outlier_rule").set_value("threshold").run()
    at.number_input(key="explore_outlier_cut").set_value(2.0).run()
    assert not at.exception, at.exception
    n_flagged = int((expected.score >= 2.0).sum())
    assert f"{n_flagged} of 150 rows flagged (score at least 2" in captions(at)
    names = [t.get("name") for t in run_chart(at)["data"]]
    assert not any(str(n).startswith("flagged outliers") for n in names)
    at.toggle(key="explore_rings").set_value(True).run()
    ring = run_chart(at)["data"][-1]
    assert ring["name"] == f"flagged outliers ({n_flagged})"
    assert len(array(ring["x"])) == n_flagged
    query = dict(at.query_params)
    assert query["outliers"] == "threshold" and query["outlier_cut"] == "2.0"
    assert query["rings"] == "1" and query["tab"] == "Outliers"


def test_a_link_reopens_the_outlier_rule():
    at = page("pages/1_Explore.py", {"outliers": "threshold", "outlier_cut": "2.5",
                                     "rings": "1", "tab": "Outliers"}).run()
    assert not at.exception, at.exception
    assert at.radio(key="explore_outlier_rule").value == "threshold"
    assert at.number_input(key="explore_outlier_cut").value == 2.5
    assert run_chart(at)["data"][-1]["name"].startswith("flagged outliers")
    bad = page("pages/1_Explore.py", {"outlier_share": "90"}).run()
    assert "outlier_share" in texts(bad) and not bad.exception


def test_what_sets_clusters_apart(explore):
    at = open_tab(explore, "What sets clusters apart")
    sentences = [m.value for m in at.markdown if "Cluster 0" in m.value]
    assert len(sentences) == 1 and sentences[0].count("\n- ") == 2  # one line per cluster
    assert "sd" in sentences[0]
    chart = figure_by_key(at, "explore_separation_chart")
    assert "What sets Cluster 0 apart" in chart["layout"]["title"]["text"]
    at.selectbox(key="explore_sep_cluster").set_value(2).run()
    assert not at.exception, at.exception
    chart = figure_by_key(at, "explore_separation_chart")
    assert "What sets Cluster 2 apart" in chart["layout"]["title"]["text"]
    assert dict(at.query_params)["explain"] == "2"
    at.slider(key="sb_k").set_value(2).run()  # the chosen cluster no longer exists
    assert not at.exception, at.exception
    assert at.selectbox(key="explore_sep_cluster").value == 0


def test_categorical_levels_explain_clusters_escaped(uploaded):
    at = uploaded
    at.multiselect(key="sb_features").set_value(["spend", HOSTILE]).run()
    at.slider(key="sb_k").set_value(2).run()
    open_tab(at, "What sets clusters apart")
    (sentences,) = [m.value for m in at.markdown if "Cluster 0" in m.value]
    assert "premium" in sentences or "basic" in sentences
    assert not RAW.search(sentences)
    chart = figure_by_key(at, "explore_separation_chart")
    assert "<img" not in str(chart)


def test_new_rows_are_scored_with_the_fitted_preparation(uploaded):
    at = uploaded
    at.multiselect(key="sb_features").set_value(["spend", "visits", HOSTILE]).run()
    at.slider(key="sb_k").set_value(2).run()
    open_tab(at, "Score new rows")
    new = customers_csv(n=30, seed=5)
    at.file_uploader(key="explore_score_upload").set_value(("new.csv", new, "text/csv")).run()
    assert not at.exception, at.exception
    message = [s.value for s in at.success if "new rows" in s.value]
    assert message and message[0].startswith("Assigned 30 of 30 new rows")
    preview = table_with(at, "outlier")
    assert list(preview.columns[:4]) == ["cluster", "distance to centre", "outlier score",
                                         "outlier"]
    # The two halves of the new table (basic / premium) go to different clusters.
    assert preview["cluster"].iloc[0] != preview["cluster"].iloc[-1]
    assert at.get("download_button")  # scored rows can be downloaded


def test_new_rows_missing_a_column_get_one_sentence(uploaded):
    at = uploaded
    at.multiselect(key="sb_features").set_value(["spend", "visits", HOSTILE]).run()
    open_tab(at, "Score new rows")
    new = customers_csv(n=10, drop="visits")
    at.file_uploader(key="explore_score_upload").set_value(("new.csv", new, "text/csv")).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "no column" in errors[0] and "visits" in errors[0]


def test_the_run_as_code_and_the_labelled_table_have_buttons(explore):
    open_tab(explore, "Download")
    labels = [b.proto.label for b in explore.get("download_button")]
    assert {"Python script (.py)", "Notebook (.ipynb)", "Labelled table (CSV)"} <= set(labels)
    assert "loads the data set from scikit-learn" in captions(explore)


def test_scored_download_keeps_the_new_tables_columns(uploaded):
    at = open_tab(uploaded, "Score new rows")
    new = customers_csv(n=12, seed=9)
    at.file_uploader(key="explore_score_upload").set_value(("new.csv", new, "text/csv")).run()
    memo = at.session_state["explore_scored"]
    scored = pd.read_csv(io.BytesIO(memo["csv"]), encoding="utf-8-sig")
    assert list(scored.columns) == ["spend", "visits", f"'{HOSTILE}" if HOSTILE[0] in "=+-@"
                                    else HOSTILE, "cluster", "distance_to_center",
                                    "outlier_score", "outlier", "status"]
    assert (scored["status"] == "assigned").all()
