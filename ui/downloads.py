"""Download buttons for a finished run: labelled table, centroids and the run's settings."""

from __future__ import annotations

import streamlit as st

from clustering.export import EXPORT_FILENAMES
from clustering.kmeans import KMeansResult
from ui import cache
from ui.data import ActiveData


def download_buttons(active: ActiveData, run_key: str, result: KMeansResult, distance: str,
                     run_settings: dict, key: str) -> None:
    files = cache.exports(run_key, active.source.frame, active.prepared, result, distance,
                          run_settings)
    cols = st.columns(3)
    cols[0].download_button(
        "Labelled table (CSV)", files["labelled"], file_name=EXPORT_FILENAMES["labelled"],
        mime="text/csv", key=f"{key}_dl_labelled", on_click="ignore", width="stretch",
        help="Every original row with its cluster and distance to its centre; rows left out "
             "of the clustering are marked, never given a cluster.",
    )
    cols[1].download_button(
        "Centroids (CSV)", files["centroids"], file_name=EXPORT_FILENAMES["centroids"],
        mime="text/csv", key=f"{key}_dl_centroids", on_click="ignore", width="stretch",
        help="One row per cluster, in the original units of the features.",
    )
    cols[2].download_button(
        "Run settings (JSON)", files["settings"], file_name=EXPORT_FILENAMES["settings"],
        mime="application/json", key=f"{key}_dl_settings", on_click="ignore", width="stretch",
        help="Everything needed to reproduce this run.",
    )
