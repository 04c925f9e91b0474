"""The Compare page's parts: algorithm choice, parameter controls, cached runs and sections.

Caching follows ``ui.cache``'s policy: every wrapper takes a keyed :class:`GridRow` (hashed by
its content key) plus plain values, and is bounded by its ``CACHE_POLICY`` row. A run is
cached per (data key, algorithm, parameters, seed), so changing one algorithm's parameter
reruns that algorithm only; every other panel comes from the cache.

The page's own choices (algorithms, toy sets, corner score, every algorithm's parameters)
are settings (``ui.state``), so they survive a visit to another page and are in the link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from clustering.compare import (
    ALGORITHMS,
    CORNER_SCORES,
    TOY_N_SAMPLES,
    TOY_SETS,
    AlgorithmResult,
    DendrogramData,
    KDistance,
    ToySet,
    agreement_matrix,
    dendrogram_data,
    k_distance,
    load_toy,
    panel_row,
    registry_table,
    results_table,
    run_algorithm,
    score_labels,
)
from clustering.engine import INIT_METHODS
from clustering.evaluation import Evaluation
from clustering.figures import (
    agreement_figure,
    dendrogram_figure,
    grid_figure,
    k_distance_figure,
    ordinal,
)
from clustering.view import display_rows
from ui import cache
from ui.cache import cached
from ui.charts import show_chart
from ui.data import ActiveData
from ui.knobs import CENTER_LABELS, DISTANCE_LABELS, INIT_LABELS, RunSettings
from ui.layout import STYLES, style_name
from ui.state import COMPARE_FROM_SIDEBAR, get, set_data_default, set_value, setting

PANEL_POINTS = 500
"""Most points drawn per panel."""
GRID_POINTS = 25_000
"""Most SVG points in the whole grid (measured smooth in Chromium); a wide selection draws
a seeded sample of each dataset in every panel, never fewer than 150 points."""
NARROW = 7
"""Above this many columns panels are narrow: short titles, stacked corner text."""
_SIDEBAR_PARAMS = COMPARE_FROM_SIDEBAR
_STEPS = {"preference": 1.0, "gamma": 0.1, "bandwidth": 0.05, "threshold": 0.05}


@dataclass(frozen=True, eq=False)
class GridRow:
    """One dataset of the grid: the data, K for methods that take it, and what is drawn."""

    key: str
    title: str
    X: np.ndarray
    true_labels: np.ndarray | None
    n_clusters: int
    xy: np.ndarray  # (m, 2) coordinates of the drawn rows
    drawn: np.ndarray  # (m,) rows drawn


@dataclass(frozen=True, eq=False)
class Cell:
    result: AlgorithmResult
    evaluation: Evaluation | None
    params_key: tuple


# --- cached computations -------------------------------------------------------------------


@cached
def cached_toy(key: str, n_samples: int, seed: int) -> ToySet:
    return load_toy(key, n_samples, random_state=seed)


@cached
def cached_run(row: GridRow, name: str, params: tuple, seed: int) -> AlgorithmResult:
    return run_algorithm(name, row.X, dict(params), random_state=seed)


@cached
def cached_scores(row: GridRow, name: str, params: tuple, seed: int) -> Evaluation:
    labels = cached_run(row, name, params, seed).labels
    return score_labels(row.X, labels, row.true_labels, random_state=seed)


@cached
def cached_k_distance(row: GridRow, params: tuple, seed: int) -> KDistance:
    """DBSCAN's k-distance curve on the rows its run used (a sample above its row limit)."""
    result = cached_run(row, "dbscan", params, seed)
    X = row.X if result.sampled_rows is None else row.X[result.sampled_rows]
    return k_distance(X, int(result.params["min_samples"]))


@cached
def cached_dendrogram(row: GridRow, linkage: str, n_clusters: int, metric: str,
                      seed: int) -> DendrogramData:
    return dendrogram_data(row.X, linkage, n_clusters, metric=metric, random_state=seed)


@cached
def cached_grid_figure(panels: cache.Keyed[list], style: str, row_titles: tuple,
                       column_titles: tuple) -> dict:
    return grid_figure(panels.value, list(row_titles), list(column_titles),
                       style=STYLES[style]).to_dict()


# --- controls -------------------------------------------------------------------------------


def choose_algorithms() -> list[str]:
    """The columns: a multiselect of registry entries (default: one of each family)."""
    return list(setting(
        st.multiselect, "compare_algorithms", "Algorithms (grid columns)", list(ALGORITHMS),
        format_func=lambda n: ALGORITHMS[n].title,
        help="Each runs on every dataset. Slow ones run on a seeded sample of large data, "
             "or are skipped, and the panel says so.",
    ))


def view_controls() -> tuple[bool, str]:
    """Whether to show the toy sets, and which score goes in each panel's corner."""
    left, right = st.columns(2)
    toys = setting(left.toggle, "compare_toys", "Toy sets as well as the sidebar data",
                   help="The six 2-D sets of scikit-learn's clustering gallery, "
                        f"{TOY_N_SAMPLES} points each, standardised.")
    score = setting(right.selectbox, "compare_score", "Score in each panel's corner",
                    list(CORNER_SCORES), format_func=CORNER_SCORES.get)
    return toys, score


def parameter_controls(names: list[str], run: RunSettings) -> tuple[dict[str, dict], dict]:
    """One expander per chosen algorithm with its parameters (empty = chosen from the data).

    Returns the parameters per algorithm (None = automatic) and, per algorithm, an empty
    slot inside its expander where the page later writes the values chosen on its data.
    """
    params: dict[str, dict] = {}
    slots = {}
    columns = st.columns(3)
    for i, name in enumerate(names):
        spec = ALGORITHMS[name]
        with columns[i % 3].expander(f"{spec.title} parameters"):
            st.caption(spec.description)
            values = {}
            for p in spec.params:
                if name == "kmeans" and p.name in _SIDEBAR_PARAMS:
                    continue
                values[p.name] = _param_widget(name, p)
            if name == "kmeans":
                values.update(_sidebar_kmeans(run))
                st.caption(_sidebar_words(run, values))
            cost = f"Time {spec.time_cost}, memory {spec.memory_cost} in the rows."
            limit = ("runs on a seeded sample" if spec.oversize == "sample" else "is skipped")
            wide = " (fewer on data with more than 4 features)" if spec.pairwise else ""
            st.caption(f"{cost} Above {spec.max_rows:,} rows{wide} it {limit}.")
            slots[name] = st.empty()
        params[name] = values
    return params, slots


def _param_widget(name: str, p):
    key = f"compare_{name}_{p.name}"
    auto = p.default is None or p.name == "n_clusters"
    help_text = p.help + (" Leave empty to choose it from the data." if auto else "")
    if p.kind == "choice":
        return setting(st.selectbox, key, p.label, list(p.choices), help=help_text or None)
    if p.kind == "bool":
        return setting(st.checkbox, key, p.label, help=help_text or None)
    if p.kind == "int":
        return setting(st.number_input, key, p.label, int(p.low), int(p.high), step=1,
                       placeholder="auto", help=help_text, **_none(auto))
    return setting(st.number_input, key, p.label, float(p.low), float(p.high),
                   step=_STEPS.get(p.name, 0.01), format="%.4g", placeholder="auto",
                   help=help_text, **_none(auto))


def _none(auto: bool) -> dict:
    # value=None lets the field be empty ("auto"); it is the widget's default, so passing it
    # alongside a session-state value raises no warning.
    return {"value": None} if auto else {}


def _sidebar_words(run: RunSettings, values: dict) -> str:
    manual = (" Manual starts belong to Explore; k-means++ starts are used here."
              if run.init == "manual" else "")
    return (f"From the sidebar: {INIT_LABELS[values['init']]} starts, "
            f"{DISTANCE_LABELS[values['distance']]} distance, "
            f"{CENTER_LABELS[values['center']].lower()} centres, {values['n_init']} "
            f"restart(s), at most {values['max_iter']} iterations.{manual}")


def _sidebar_kmeans(run: RunSettings) -> dict:
    return {"init": run.init if run.init in INIT_METHODS else "k-means++",
            "distance": run.distance, "center": run.center or "auto",
            "n_init": run.n_init, "max_iter": run.max_iter}


# --- rows and runs --------------------------------------------------------------------------


def grid_rows(active: ActiveData, show_toys: bool, k: int, n_cols: int) -> list[GridRow]:
    """The toy sets (if shown) and the sidebar's data, with the coordinates to draw."""
    rows = []
    n_panels = (len(TOY_SETS) * show_toys + 1) * max(n_cols, 1)
    points = int(np.clip(GRID_POINTS // n_panels, 150, PANEL_POINTS))
    if show_toys:
        for key in TOY_SETS:
            toy = cached_toy(key, TOY_N_SAMPLES, 0)
            drawn = display_rows(len(toy.X), points)
            rows.append(GridRow(cache.content_key("toy", key, TOY_N_SAMPLES, 0), toy.title,
                                toy.X, toy.true_labels, toy.n_clusters, toy.X[drawn], drawn))
    prepared = active.prepared
    X = prepared.X
    drawn = display_rows(len(X), points)
    if X.shape[1] == 1:
        xy = np.column_stack([X[drawn, 0], np.zeros(len(drawn))])
    elif X.shape[1] == 2:
        xy = X[drawn]
    else:
        proj = cache.projection(active, "pca", 2, None)
        xy = proj.transform(X[drawn])[:, :2]
    rows.append(GridRow(active.key, f"Your data: {active.title}", X, prepared.true_labels,
                        k, xy, drawn))
    return rows


def cell_params(name: str, user: dict, row: GridRow) -> tuple:
    """The parameters one cell runs with, as a hashable tuple (n_clusters per dataset)."""
    params = dict(user)
    if "n_clusters" in params and params["n_clusters"] is None:
        params["n_clusters"] = row.n_clusters
    return tuple(sorted(params.items()))


def run_grid(rows: list[GridRow], names: list[str], user: dict[str, dict],
             seed: int) -> dict[tuple[str, str], Cell]:
    """Every (dataset, algorithm) cell, from the cache where possible."""
    cells = {}
    total = len(rows) * len(names)
    bar = st.progress(0.0, text="Running the algorithms…") if total else None
    for i, (row, name) in enumerate((r, n) for r in rows for n in names):
        key = cell_params(name, user[name], row)
        result = cached_run(row, name, key, seed)
        evaluation = None
        if result.ran:
            evaluation = cached_scores(row, name, key, seed)
        cells[(row.key, name)] = Cell(result, evaluation, key)
        if bar is not None:
            bar.progress((i + 1) / total, text=f"{ALGORITHMS[name].title} on {row.title}")
    if bar is not None:
        bar.empty()
    return cells


# --- sections -------------------------------------------------------------------------------


def grid_section(rows: list[GridRow], names: list[str], cells: dict, score_choice: str,
                 seed: int) -> None:
    narrow = len(names) > NARROW
    panels = [
        panel_row(row.xy, row.drawn, row.true_labels,
                  [(ALGORITHMS[n], cells[(row.key, n)].result, cells[(row.key, n)].evaluation)
                   for n in names],
                  score_choice, n_features=row.X.shape[1], narrow=narrow)
        for row in rows
    ]
    grid_key = cache.content_key(
        [(row.key, name, cells[(row.key, name)].params_key) for row in rows for name in names],
        score_choice, seed,
    )
    fig = cached_grid_figure(cache.Keyed(grid_key, panels), style_name(),
                             tuple(r.title for r in rows),
                             tuple(ALGORITHMS[n].short_title if narrow else ALGORITHMS[n].title
                                   for n in names))
    show_chart(fig, key="compare_grid", width="stretch")


def registry_section() -> None:
    with st.expander("What each algorithm assumes, and what it costs"):
        st.dataframe(registry_table(list(ALGORITHMS.values())), hide_index=True,
                     width="stretch", key="compare_registry")
        st.caption("Time and memory: how the cost grows with the number of rows n. Quadratic "
                   "methods run on a seeded sample of big data (fewer rows on wide data), and "
                   "the panel and the table say so; the other rows then take the cluster of "
                   "their nearest sampled row.")


def chosen_values(row: GridRow, names: list[str], cells: dict, slots: dict) -> None:
    """Write, in each algorithm's expander, the automatic values it chose on the data."""
    for name in names:
        cell = cells[(row.key, name)]
        result, given = cell.result, dict(cell.params_key)
        spec = ALGORITHMS[name]
        auto = [p for p in spec.params if p.auto is not None and given.get(p.name) is None
                and p.applies(result.params)]
        if not auto or not result.params:
            continue
        shown = ", ".join(f"{p.label.lower()} {_fmt(result.params[p.name])}" for p in auto)
        slots[name].caption(f"On your data: {shown}. On each toy set they are chosen "
                            "again from that set.")


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def table_section(row: GridRow, names: list[str], cells: dict) -> None:
    entries = [(ALGORITHMS[n].title, cells[(row.key, n)].result, cells[(row.key, n)].evaluation)
               for n in names]
    frame = results_table(entries, row.true_labels is not None)
    fmt = {c: st.column_config.NumberColumn(format="%.3f") for c in
           ("Silhouette", "Davies-Bouldin", "ARI", "AMI", "V-measure") if c in frame}
    fmt["Calinski-Harabasz"] = st.column_config.NumberColumn(format="%.1f")
    fmt["Noise (%)"] = st.column_config.NumberColumn(format="%.1f")
    fmt["Fit time (s)"] = st.column_config.NumberColumn(format="%.3f")
    fmt["Clusters"] = st.column_config.NumberColumn(format="%d")
    fmt["Notes"] = st.column_config.TextColumn(width="large")
    # An undefined score reads "n/a" (the Notes say why), not the grid's "None".
    digits = {"Clusters": 0, "Noise (%)": 1, "Calinski-Harabasz": 1}
    shown = frame.style.format(
        {c: f"{{:.{digits.get(c, 3)}f}}" for c in frame.columns
         if c not in ("Algorithm", "Rows used", "Notes")}, na_rep="n/a")
    st.dataframe(shown, key="compare_table", hide_index=True, column_config=fmt,
                 width="stretch")
    st.caption("Click a column header to sort. Noise points are left out of silhouette, "
               "Calinski-Harabasz and Davies-Bouldin, and count as one extra class in ARI, "
               "AMI and V-measure (so calling points noise is not free).")
    noted = [(n, cells[(row.key, n)].result) for n in names]
    noted = [(n, r) for n, r in noted if r.notes or r.skipped_reason]
    if noted:
        with st.expander("Notes per algorithm (sampling, automatic choices, warnings)"):
            for name, result in noted:
                lines = ([result.skipped_reason] if result.skipped_reason else []) + result.notes
                st.markdown(f"**{ALGORITHMS[name].title}**: " + " ".join(lines))


def agreement_section(row: GridRow, names: list[str], cells: dict) -> None:
    labelings = {}
    if row.true_labels is not None:
        labelings["True classes"] = np.unique(row.true_labels.astype(str), return_inverse=True)[1]
    for name in names:
        result = cells[(row.key, name)].result
        if result.ran:
            labelings[ALGORITHMS[name].title] = result.labels
    if len(labelings) < 2:
        st.info("At least two labellings are needed to compare; pick more algorithms.")
        return
    fig = agreement_figure(agreement_matrix(labelings), style=STYLES[style_name()])
    show_chart(fig, key="compare_agreement", width="stretch")
    st.caption("Adjusted Rand index between each pair: 1 = the same partition, 0 = no more "
               "alike than chance. Skipped algorithms are left out.")


def dendrogram_section(row: GridRow, names: list[str], cells: dict, seed: int) -> None:
    linkages = [n for n in names if n.startswith("agglomerative_")]
    if not linkages:
        st.caption("Pick an agglomerative algorithm to see its merge tree here.")
        return
    name = linkages[0]
    if len(linkages) > 1:
        set_data_default("compare_dendrogram", linkages[0])
        if get("compare_dendrogram") not in linkages:
            set_value("compare_dendrogram", linkages[0])
        name = setting(st.radio, "compare_dendrogram", "Linkage", linkages, horizontal=True,
                       format_func=lambda n: ALGORITHMS[n].title)
    result = cells[(row.key, name)].result
    k = int(result.params.get("n_clusters", row.n_clusters))
    metric = result.params.get("metric", "euclidean")
    try:
        tree = cached_dendrogram(row, name.split("_", 1)[1], k, metric, seed)
    except ValueError as exc:  # e.g. one row, or cosine distance with an all-zero row
        st.info(f"No dendrogram for this data: {exc}.", icon=":material/info:")
        return
    fig = dendrogram_figure(tree, style=STYLES[style_name()])
    show_chart(fig, key="compare_dendrogram_chart", width="stretch")
    where = (f"a seeded sample of {tree.sampled} of {tree.n_rows:,} rows (a tree of more "
             "leaves cannot be read)" if tree.sampled else f"all {tree.n_rows} rows")
    st.caption(f"Every merge of {ALGORITHMS[name].title} on {where}; the dashed line cuts "
               f"the tree into K={k} clusters, coloured below it.")


def k_distance_section(row: GridRow, names: list[str], cells: dict, seed: int) -> None:
    if "dbscan" not in names:
        st.caption("Pick DBSCAN to see the k-distance plot that sets its radius.")
        return
    cell = cells[(row.key, "dbscan")]
    result = cell.result
    if not result.params:
        return
    user_eps = dict(cell.params_key).get("eps") is not None
    curve = cached_k_distance(row, cell.params_key, seed)
    eps = float(result.params["eps"])
    fig = k_distance_figure(curve.distances, curve.k, eps, knee_index=curve.knee_index,
                            style=STYLES[style_name()])
    show_chart(fig, key="compare_k_distance", width="stretch")
    sample = f" ({curve.sampled:,} sampled points)" if curve.sampled else ""
    st.caption(
        f"Each point's distance to its {ordinal(curve.k)} nearest neighbour, sorted{sample}. "
        "Points inside clusters sit on the flat part; the curve turns up where noise begins, and "
        f"eps is taken at that knee (marked). DBSCAN used eps = {eps:.3g}"
        + (" (your value)." if user_eps else ", the knee.")
    )
