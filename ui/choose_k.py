"""The Choose K page's parts: cached sweep and init study, the recommendation, charts, buttons.

The cached wrappers follow ``ui.cache``'s policy: arguments are the keyed data and plain
values, bounds come from ``ui.cache.CACHE_POLICY``. Each draws its own progress bar while it
computes (:func:`ui.cache.progress_bar`).

Buttons that open a K (or a run) on Explore change the settings in their ``on_click``
callback, which runs before the sidebar widgets are drawn (a widget's key cannot change once
it is drawn), and raise a flag that :func:`arrive` acts on at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from clustering.choose_k import (
    DEFAULT_K_MAX,
    INIT_STUDY_METHODS,
    STABILITY_RUNS,
    SWEEP_MAX_K,
    InitStudy,
    SweepResult,
    init_study,
    k_limit,
    recommend,
    sweep_k,
)
from clustering.evaluation import (
    METRICS,
    SILHOUETTE_SAMPLE_SIZE,
    hover_lines,
    per_sample_silhouette,
)
from clustering.figures import (
    external_vs_k_figure,
    init_study_figure,
    score_vs_k_figure,
    silhouette_figure,
    silhouette_scatter,
)
from clustering.text import escape_lines
from ui import cache
from ui.cache import cached
from ui.charts import show_chart
from ui.data import ActiveData
from ui.knobs import INIT_LABELS, RunSettings
from ui.layout import figure_style
from ui.state import peek, set_data_default, set_value, setting, sync_url

EXPLORE = "pages/1_Explore.py"
_GO = "choose_k_go_explore"
#: Rows x runs above which the init study waits for a click instead of running at once.
INIT_STUDY_AUTO_BUDGET = 2_000_000
_SHORT_INIT = {"random": "random points", "random-partition": "random partition",
               "k-means++": "k-means++", "farthest": "farthest point"}
_EXTERNAL_SHOWN = {"v_measure": "V-measure", "ari": "ARI", "ami": "AMI"}  # short: a legend
_BEST_WORD = {"elbow": "elbow", True: "peak", False: "lowest"}


# --- cached computations -----------------------------------------------------------------


@cached
def cached_sweep(data: ActiveData, k_max: int, init: str, distance: str, center: str | None,
                 seed: int, max_iter: int, n_init: int) -> SweepResult:
    prepared = data.prepared
    with cache.progress_bar(f"Running k-means for K = 2 … {k_max}") as report:
        return sweep_k(prepared.X, k_max, true_labels=prepared.true_labels, init=init,
                       distance=distance, center=center, n_init=n_init, max_iter=max_iter,
                       random_state=seed, progress=report)


@cached
def cached_init_study(data: ActiveData, n_clusters: int, distance: str, center: str | None,
                      seed: int, max_iter: int, n_seeds: int) -> InitStudy:
    with cache.progress_bar(f"Initialisation study at K={n_clusters}") as report:
        return init_study(data.prepared.X, n_clusters, n_seeds=n_seeds, distance=distance,
                          center=center, max_iter=max_iter, random_state=seed, progress=report)


@cached
def cached_silhouette(data: ActiveData, sweep: cache.Keyed[SweepResult], k: int,
                      distance: str) -> tuple[np.ndarray, np.ndarray]:
    return per_sample_silhouette(data.prepared.X, sweep.value.labels_for(k), metric=distance,
                                 sample_size=SILHOUETTE_SAMPLE_SIZE)


# --- opening Explore ---------------------------------------------------------------------


def _open_on_explore(**values: Any) -> None:
    """on_click: carry ``values`` (widget key -> value) into the settings, then go."""
    for key, value in values.items():
        set_value(key, value)
    st.session_state[_GO] = True


def open_k_on_explore(k: int) -> None:
    """on_pick of the Choose K page's score charts: open K on Explore."""
    _open_on_explore(sb_k=k)


def _picked_k(chart_key: str, on_pick: Callable[[int], None]) -> None:
    """on_select of a score chart: hand the clicked K to ``on_pick``."""
    points = ((st.session_state.get(chart_key) or {}).get("selection") or {}).get("points") or []
    for point in points:
        k = point.get("customdata", point.get("x"))
        if isinstance(k, list):
            k = k[0]
        if isinstance(k, int | float) and int(k) >= 1:
            on_pick(int(k))
            return


def arrive() -> None:
    """First thing on the page: go to Explore if a button asked."""
    if st.session_state.pop(_GO, False):
        st.switch_page(EXPLORE)


# --- the sweep ---------------------------------------------------------------------------


def sweep_controls(n_distinct: int, key: str = "choose_k_kmax") -> int:
    """The largest K to try (slider ``key``); returns it (capped by the data)."""
    top = k_limit(n_distinct, SWEEP_MAX_K)
    if top <= 3:
        st.caption(f"This data has {n_distinct} distinct points, so K goes up to {top}.")
        return top
    if not 3 <= peek(key) <= top:
        set_value(key, min(DEFAULT_K_MAX, top))
    return int(setting(
        st.columns([1, 2])[0].slider, key, "Largest K to try", 3, top,
        help=f"K runs from 2 to this. At most {top}: never more than the distinct points, "
             f"and {SWEEP_MAX_K} at most."))


def run_sweep(active: ActiveData, run: RunSettings,
              k_max: int) -> tuple[SweepResult, cache.Keyed[SweepResult]]:
    """The cached sweep (with a progress bar while it computes), and the same keyed."""
    init = "k-means++" if run.init == "manual" else run.init
    if run.init == "manual":
        st.caption("Manual initialisation needs K clicked points for every K, so the sweep "
                   "uses k-means++ instead.")
    args = (k_max, init, run.distance, run.center, run.seed, run.max_iter, run.n_init)
    result = cached_sweep(active, *args)
    return result, cache.Keyed(cache.content_key(active.key, *args), result)


def recommendation(result: SweepResult) -> None:
    """The recommended K with its reasons and the sweep's notes (engine text, no user text)."""
    rec = recommend(result)
    st.markdown(f"**{rec.summary}**")
    st.markdown("\n".join(f"- {reason}" for reason in rec.reasons))
    for note in result.notes:
        st.caption(note)


def sweep_notes(result: SweepResult) -> None:
    """How the Choose K page's sweep was run: silhouette sampling, seeds, the runs' settings."""
    if result.silhouette_sampled is None:
        st.caption(f"Silhouettes use every row (above {SILHOUETTE_SAMPLE_SIZE:,} rows they use "
                   "a seeded sample, because they cost time proportional to n squared).")
    st.caption(f"Each K is one k-means run with your sidebar settings (seed {result.seed}, "
               f"{result.n_init} restart{'s' * (result.n_init != 1)}): the run Explore shows "
               f"for that K. Stability compares {STABILITY_RUNS} single-start runs from seeds "
               f"{result.seed} … {result.seed + STABILITY_RUNS - 1}.")


def open_buttons(result: SweepResult) -> None:
    """A button per K that opens it on Explore; the Ks some signal picks are highlighted."""
    picked = set(recommend(result).votes)
    st.markdown("**Open a K on the Explore page** (or click a point on any chart):")
    columns = st.columns(len(result.ks))
    for column, k in zip(columns, result.ks, strict=True):
        column.button(f"K={k}", key=f"choose_k_open_{k}", width="stretch",
                      type="primary" if k in picked else "secondary",
                      on_click=_open_on_explore, kwargs={"sb_k": int(k)},
                      help=f"Open K={k} on Explore with the other settings unchanged.")


def _chart(figure, key: str, on_pick: Callable[[int], None] | None) -> None:
    if on_pick is None:
        show_chart(figure, key=key)
    else:
        show_chart(figure, key=key, on_select=lambda: _picked_k(key, on_pick),
                   selection_mode="points")


def score_charts(result: SweepResult, current_k: int, *, prefix: str = "choose_k",
                 on_pick: Callable[[int], None] | None = open_k_on_explore) -> None:
    """Every score against K, two charts a row, keyed ``{prefix}_objective`` and so on.

    ``on_pick(k)`` runs when a point is clicked (by default: open K on Explore); None draws
    charts that ignore clicks.
    """
    style = figure_style()
    best = result.best()
    ks = result.ks
    charts = [(f"{prefix}_objective", score_vs_k_figure(
        np.r_[1, ks], np.r_[result.objective_k1, result.objective],
        label=METRICS["objective"].label, best_k=best.get("elbow"), best_text="elbow",
        current_k=current_k, style=style, title="Objective: look for the elbow"))]
    for key in ("silhouette", "calinski_harabasz", "davies_bouldin"):
        info = METRICS[key]
        charts.append((f"{prefix}_{key}", score_vs_k_figure(
            ks, result.scores[key], label=info.label, best_k=best.get(key),
            best_text=_BEST_WORD[info.higher_is_better], current_k=current_k, style=style,
            title=f"{info.label} ({'higher' if info.higher_is_better else 'lower'} is better)")))
    low = float(np.nanmin(result.stability_min, initial=0.0))
    charts.append((f"{prefix}_stability", score_vs_k_figure(
        ks, result.stability, label="Mean ARI between seeds", lower=result.stability_min,
        current_k=current_k, y_range=(min(low, 0.0) - 0.05, 1.05), style=style,
        title="Stability: do different seeds agree?")))
    shown = [key for key in _EXTERNAL_SHOWN if key in best]
    if shown:
        charts.append((f"{prefix}_external", external_vs_k_figure(
            ks, {_EXTERNAL_SHOWN[key]: result.scores[key] for key in shown},
            best={_EXTERNAL_SHOWN[key]: best[key] for key in shown}, current_k=current_k,
            style=style, title="Against the true labels (a check, not a method)")))
    for i in range(0, len(charts), 2):
        for column, (key, figure) in zip(st.columns(2), charts[i:i + 2], strict=False):
            with column:
                _chart(figure, key, on_pick)
                if key == f"{prefix}_stability":
                    st.caption("Line: mean ARI over all pairs of seeds; band down to the least "
                               "similar pair. 1 means every seed finds the same clusters.")


def sweep_table(result: SweepResult) -> None:
    """Every score per K as a table (sortable, downloadable as CSV from its toolbar)."""
    columns = {"K": result.ks, METRICS["objective"].label: result.objective}
    for key, values in result.scores.items():
        if np.isfinite(values).any():
            columns[METRICS[key].label] = values
    columns["Stability (mean ARI)"] = result.stability
    columns["Iterations"] = result.n_iter
    with st.expander("Every score per K, as a table"):
        st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch",
                     key="choose_k_sweep_table")


# --- silhouette --------------------------------------------------------------------------


@st.fragment
def silhouette_section(active: ActiveData, result: SweepResult,
                       sweep: cache.Keyed[SweepResult], distance: str, current_k: int) -> None:
    """K picker, silhouette plot and scatter (a fragment: moving K redraws only this part)."""
    ks = [int(k) for k in result.ks]
    key = "choose_k_sil_k"
    default = current_k if current_k in ks else result.best().get("silhouette", ks[0])
    set_data_default(key, default)
    if peek(key) not in ks:
        set_value(key, default)
    k = setting(st.columns([1, 2])[0].select_slider, key, "K for the silhouette plot", ks)
    sync_url()  # a fragment rerun does not reach the page's own sync_url
    X = active.prepared.X
    try:
        rows, values = cached_silhouette(active, sweep, k, distance)
    except ValueError as exc:
        st.info(str(exc), icon=":material/info:")
        return
    labels = result.labels_for(k)[rows]
    style = figure_style()
    negatives = int((values < 0).sum())
    left, right = st.columns(2)
    with left:
        show_chart(silhouette_figure(values, labels, style=style,
                                          title=f"Silhouette of every point, K={k}"),
                        key="choose_k_silhouette_plot")
    with right:
        names = tuple(active.prepared.feature_names)
        d = len(names)
        projection = cache.projection(active, "pca" if d > 2 else "features", 2,
                                      None if d > 2 else tuple(range(d)))
        hover = [escape_lines(lines) for lines in hover_lines(
            active.source.frame, active.prepared.row_index[rows])]
        show_chart(silhouette_scatter(
            projection.transform(X[rows]), labels, values, axis_titles=projection.axis_titles,
            hover_text=hover, style=style, title="Same colours; ringed: negative silhouette"),
            key="choose_k_silhouette_scatter")
    sampled = f" (a seeded sample of {len(rows):,} of {X.shape[0]:,} rows)" if len(
        rows) < X.shape[0] else ""
    st.caption(f"{negatives:,} of {len(rows):,} points{sampled} have a negative silhouette: "
               "they are closer, on average, to another cluster than to their own.")


# --- initialisation study ----------------------------------------------------------------


def init_study_section(active: ActiveData, run: RunSettings) -> None:
    k = run.n_clusters
    st.caption(f"Every initialisation method, run once from each of R seeds at the sidebar's "
               f"K={k} (one start each, so restarts do not hide a bad start).")
    n_seeds = int(setting(
        st.columns([1, 3])[0].number_input, "choose_k_seeds", "Seeds per method (R)", 2, 200,
        help="Run r of every method uses seed (sidebar seed + r), so any run can be replayed."))
    if k < 2:
        st.info("Set K to at least 2 in the sidebar: with one cluster every start ends the same.",
                icon=":material/info:")
        return
    X = active.prepared.X
    args = (k, run.distance, run.center, run.seed, run.max_iter, n_seeds)
    go_key = cache.content_key(active.key, *args)
    runs = X.shape[0] * n_seeds * len(INIT_STUDY_METHODS)
    if runs > INIT_STUDY_AUTO_BUDGET and st.session_state.get("choose_k_study_go") != go_key:
        st.button(f"Run the study ({n_seeds * len(INIT_STUDY_METHODS)} runs on "
                  f"{X.shape[0]:,} rows)", key="choose_k_study_run",
                  on_click=lambda: st.session_state.update(choose_k_study_go=go_key))
        return
    study = cached_init_study(active, *args)
    labels = [_SHORT_INIT[m] for m in study.methods]
    style = figure_style()
    st.markdown(study_summary(study))
    st.dataframe(study_table(study), hide_index=True, width="stretch", key="choose_k_study_table")
    left, right = st.columns(2)
    with left:
        show_chart(init_study_figure(
            labels, study.objective, value_label="Final objective", seeds=study.seeds,
            reference=study.best_objective, style=style, title="Final objective of every run"),
            key="choose_k_study_objective")
    with right:
        show_chart(init_study_figure(
            labels, study.n_iter, value_label="Iterations", seeds=study.seeds,
            style=style, title="Iterations of every run"),
            key="choose_k_study_iterations")
    st.markdown("**Show a bad start on Explore**: the worst run of a method, replayed.")
    for column, method in zip(st.columns(len(study.methods)), study.methods, strict=True):
        seed, objective, _ = study.worst(method)
        column.button(f"Worst {_SHORT_INIT[method]} run", key=f"choose_k_worst_{method}",
                      width="stretch", on_click=_open_on_explore,
                      kwargs={"sb_k": k, "sb_init": method, "sb_seed": seed, "sb_n_init": 1},
                      help=f"Seed {seed}, objective {objective:.5g}; opens with one start.")


def study_summary(study: InitStudy) -> str:
    """Two sentences with the numbers that show whether the start matters here."""
    method, run = study.best
    worst = float(study.objective.max())
    shares = ", ".join(f"{_SHORT_INIT[m]} {share:.0%}"
                       for m, share in zip(study.methods, study.share_best, strict=True))
    gap = worst / study.best_objective - 1 if study.best_objective > 0 else 0.0
    tail = (f"The worst run ended {gap:.0%} higher ({worst:.5g}): the start matters."
            if gap > 0.01 else "Every run ended within 1% of it: here the start hardly matters.")
    found_by = f"{_SHORT_INIT[study.methods[method]]}, seed {study.seeds[run]}"
    return (f"Best objective found: **{study.best_objective:.5g}** ({found_by}). "
            f"Runs that reached it: {shares}. {tail}")


def study_table(study: InitStudy) -> pd.DataFrame:
    """One row per method: how often the best was found and the spread of the rest."""
    return pd.DataFrame({
        "Initialisation": [INIT_LABELS[m] for m in study.methods],
        "Reached the best": [f"{share:.0%}" for share in study.share_best],
        "Mean ARI to the best run": study.ari_to_best.mean(axis=1).round(3),
        "Median objective": np.median(study.objective, axis=1),
        "Worst objective": study.objective.max(axis=1),
        "Median iterations": np.median(study.n_iter, axis=1),
        "Hit max iterations": (study.n_iter >= study.max_iter).sum(axis=1),
    })
