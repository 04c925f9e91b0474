"""Compare: k-means against other clustering algorithms, on the gallery's toy sets and on
the sidebar's data."""

import streamlit as st

from ui.compare import (
    agreement_section,
    choose_algorithms,
    chosen_values,
    dendrogram_section,
    grid_rows,
    grid_section,
    k_distance_section,
    parameter_controls,
    registry_section,
    run_grid,
    table_section,
    view_controls,
)
from ui.data import data_and_knobs
from ui.errors import page_guard
from ui.layout import setup_page
from ui.state import sync_url
from ui.text import md_escape

setup_page("Compare")
st.title("Compare clustering algorithms")
st.caption("k-means beside ten other methods, on scikit-learn's six toy sets and on your "
           "data. Each panel is one algorithm on one dataset; grey points are noise (in no "
           "cluster). K comes from the sidebar for your data and from the true number of "
           "groups for the toy sets.")

with page_guard():
    active, run = data_and_knobs()
    prepared = active.prepared

    names = choose_algorithms()
    show_toys, score = view_controls()
    params, slots = parameter_controls(names, run)
    if not names:
        st.info("Pick at least one algorithm above.", icon=":material/info:")
    else:
        rows = grid_rows(active, show_toys, run.n_clusters, len(names))
        cells = run_grid(rows, names, params, run.seed)
        current = rows[-1]
        chosen_values(current, names, cells, slots)
        grid_section(rows, names, cells, score, run.seed)
        registry_section()

        st.header(f"On your data: {md_escape(active.title)}")
        table_section(current, names, cells)

        st.subheader("Do the algorithms agree?")
        agreement_section(current, names, cells)

        left, right = st.columns(2, gap="large")
        with left:
            st.subheader("Dendrogram")
            dendrogram_section(current, names, cells, run.seed)
        with right:
            st.subheader("Choosing DBSCAN's radius")
            k_distance_section(current, names, cells, run.seed)
sync_url()
