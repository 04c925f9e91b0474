"""Choose K: scores across K with a recommendation, the silhouette plot, and an init study."""

import streamlit as st

from ui.choose_k import (
    arrive,
    init_study_section,
    open_buttons,
    recommendation,
    run_sweep,
    score_charts,
    silhouette_section,
    sweep_controls,
    sweep_notes,
    sweep_table,
)
from ui.data import data_and_knobs
from ui.errors import page_guard
from ui.layout import setup_page
from ui.state import sync_url

setup_page("Choose K")
arrive()
st.title("Choose K")
st.caption("Which number of clusters fits this data, and how much do the starting centres "
           "matter? Every K from 2 up is run with the sidebar's settings and scored.")

with page_guard():
    active, run = data_and_knobs()
    prepared = active.prepared

    st.header("Which K?")
    k_max = sweep_controls(prepared.n_distinct)
    result, sweep = run_sweep(active, run, k_max)
    recommendation(result)
    sweep_notes(result)
    open_buttons(result)
    score_charts(result, run.n_clusters)
    sweep_table(result)

    st.header("Silhouette plot")
    st.caption("Each bar is one point: how much closer it is to its own cluster than to the "
               "next one (1 = right at home, 0 = on the border, below 0 = probably misplaced).")
    silhouette_section(active, result, sweep, run.distance, run.n_clusters)

    st.header("Do initial values matter?")
    init_study_section(active, run)
sync_url()
