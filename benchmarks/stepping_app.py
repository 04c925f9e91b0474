"""A two-mode page for benchmarks/bench_stepping.py (run by it with ``streamlit run``).

``?mode=browser`` shows a k-means replay in the timeline component (stepping in the browser);
``?mode=server`` shows the same run the way Explore stepped before the timeline: a fragment
whose "Step" button reruns it on the server, which sends a new ``st.plotly_chart`` figure.
``?points=N`` runs on N seeded blob points instead of Iris.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clustering.data import load_dataset, prepare  # noqa: E402
from clustering.engine import kmeans  # noqa: E402
from clustering.figures import figure_json, timeline_figure, timeline_spec  # noqa: E402
from clustering.view import (  # noqa: E402
    drawable_run,
    fit_projection,
    replay_inputs,
)
from ui.charts import show_chart  # noqa: E402
from ui.timeline import timeline  # noqa: E402

st.set_page_config(page_title="Stepping benchmark", layout="wide")
mode = st.query_params.get("mode", "browser")
points = int(st.query_params.get("points", "0"))


@st.cache_data
def inputs(points: int):
    if points:
        data = load_dataset("blobs", n_samples=points, noise=1.5, random_state=0)
    else:
        data = load_dataset("iris")
    prepared = prepare(data.frame, list(data.feature_names), data.label_column,
                       scaling="standard")
    result = kmeans(prepared.X, 3, init="random", random_state=1, tol=0)
    run = drawable_run(result)
    view = fit_projection(prepared.X, method="pca")
    replay = replay_inputs(prepared.X, run, view, hover_text=[["point"]] * len(run.rows),
                           true_labels=prepared.true_labels)
    return run, replay, view.axis_titles


run, replay, titles = inputs(points)
kwargs = replay.timeline_kwargs(run)

if mode == "browser":
    fig = timeline_spec(**kwargs, axis_titles=titles, start_step=0)
    timeline(figure_json(fig), key="bench_timeline", height=640)
else:
    st.session_state.setdefault("bench_step", 0)

    @st.fragment
    def stepper():
        step = st.session_state["bench_step"]
        # The same figure the browser mode steps, drawn at one step and sent whole per step.
        fig = timeline_figure(**kwargs, axis_titles=titles, start_step=step)
        if st.button("Step ▶", key="bench_forward"):
            st.session_state["bench_step"] = (step + 1) % run.n_steps
            st.rerun(scope="fragment")
        st.markdown(f"**Step {step} of {run.n_steps - 1}**")
        show_chart(fig, key="bench_chart")

    stepper()
