"""Every figure builder's output passes plotly's full validation.

Builders construct figures unvalidated for speed (clustering.figures._style.new_figure); this
is where a misspelt property or a bad value would be caught instead.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from clustering.data._datasets import load_dataset
from clustering.data._prepare import prepare
from clustering.engine._kmeans import kmeans
from clustering.evaluation._metrics import evaluate
from clustering.evaluation._summary import hover_lines
from clustering.evaluation._whatif import compare_runs
from clustering.figures._metrics import contingency_heatmap
from clustering.figures._pick import pick_figure
from clustering.figures._run import timeline_figure
from clustering.figures._style import PRESENTATION_STYLE
from clustering.figures._whatif import whatif_figure
from clustering.view._drawable import drawable_run
from clustering.view._projection import fit_projection
from clustering.view._regions import region_grids
from clustering.view._replay import replay_inputs


@pytest.fixture(scope="module")
def run():
    data = load_dataset("blobs", n_samples=300, random_state=0)
    prepared = prepare(data.frame, data.feature_names, "label", scaling="standard")
    result = kmeans(prepared.X, 3, init="random", random_state=1)
    projection = fit_projection(prepared.X, method="features",
                                feature_names=prepared.feature_names)
    hover = hover_lines(data.frame, prepared.row_index)
    inputs = replay_inputs(prepared.X, drawable_run(result), projection, hover_text=hover,
                           true_labels=prepared.true_labels, regions=True)
    return data, prepared, result, projection, inputs


def validated(fig: go.Figure) -> go.Figure:
    return go.Figure(fig.to_dict())  # raises on any invalid property or value


def test_the_run_timeline_with_its_objective_panel_validates(run):
    _, _, result, projection, inputs = run
    assert inputs.regions is not None
    for style in (None, PRESENTATION_STYLE):
        extra = {} if style is None else {"style": style}
        validated(timeline_figure(**inputs.timeline_kwargs(drawable_run(result)),
                                  axis_titles=projection.axis_titles, start_step=1, **extra))


def test_metric_figures_validate(run):
    _, prepared, result, _, _ = run
    evaluation = evaluate(prepared.X, result.labels, prepared.true_labels)
    validated(contingency_heatmap(evaluation.contingency))
    validated(contingency_heatmap(pd.DataFrame()))


def test_pick_and_whatif_figures_validate(run):
    _, prepared, result, projection, inputs = run
    validated(pick_figure(inputs.points, inputs.rows, [0, 5], axis_titles=["x", "y"],
                          ranges=inputs.ranges, hover_text=inputs.hover_text))
    other = kmeans(prepared.X, 4, random_state=3)
    comparison = compare_runs(result.labels, other.labels)
    validated(whatif_figure(inputs.points, comparison.labels_a[inputs.rows],
                            comparison.aligned_b[inputs.rows], comparison.changed[inputs.rows],
                            axis_titles=["x", "y"], ranges=inputs.ranges,
                            centers_a=projection.transform(result.centers)))


def test_region_grids_match_steps(run):
    _, _, result, _, inputs = run
    grids = region_grids(result.history.centers, "euclidean", inputs.ranges[0], inputs.ranges[1])
    assert len(grids) == result.history.n_steps
