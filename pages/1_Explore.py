"""Explore: run k-means on the sidebar's data and replay it step by step."""

from dataclasses import replace

import streamlit as st

from ui import analyst, cache
from ui.data import data_and_knobs
from ui.downloads import download_buttons
from ui.errors import page_guard
from ui.layout import setup_page, show_table
from ui.manual import manual_rows
from ui.metrics_panel import headline_metrics, metrics_panel
from ui.run_file import open_run_section
from ui.run_view import (
    profile_caption,
    replay,
    run_banner,
    run_moves,
    run_with_moves,
    settings_record,
    slots,
    view_controls,
)
from ui.state import sync_url
from ui.whatif import compare_tab, pin_button

setup_page("Explore")
st.title("Explore k-means")

with page_guard():
    active, run = data_and_knobs()
    source, prepared = active.source, active.prepared
    head, controls, chart = slots()  # the timeline first on a projector
    with controls:
        view = view_controls(active)
        picked = manual_rows(active, run.n_clusters, view) if run.init == "manual" else ()
    if picked is not None:
        plain = cache.RunSpec(active, replace(run, manual_rows=picked))
        spec, result = run_with_moves(
            cache.RunSpec(active, replace(run, manual_rows=picked,
                                          moves=run_moves(active, run))), plain)
        evaluation = cache.evaluation(spec)
        has_truth = prepared.true_labels is not None
        with head:
            run_banner(active, spec.settings, result)
            headline_metrics(evaluation, result.n_iter, has_truth)
            pin_button(active, result, evaluation, run)
        with chart:
            replay(spec, result, view, "explore", rings=analyst.rings(spec))
        (metrics_tab, whatif_tab, profile_tab, outlier_tab, apart_tab, new_tab,
         download_tab) = analyst.page_tabs()
        with metrics_tab:
            metrics_panel(evaluation, has_truth, spec, "explore")
        with whatif_tab:
            compare_tab(active, result, evaluation, view)
        with profile_tab:
            st.caption(profile_caption(active))
            show_table(cache.profiles(spec), key="explore_profiles")
        # The analyst's tabs run only while open (the tab state makes a click rerun the page).
        if outlier_tab.open:
            with outlier_tab:
                analyst.outliers_tab(spec)
        if apart_tab.open:
            with apart_tab:
                analyst.separation_tab(spec)
        if new_tab.open:
            with new_tab:
                analyst.scoring_tab(spec)
        with download_tab:
            download_buttons(spec, settings_record(active, spec.settings),
                             "explore", {"labelled": analyst.labelled_builder(spec)})
            if download_tab.open:
                analyst.script_buttons(spec, "explore")
with page_guard():
    open_run_section("explore")
sync_url()
