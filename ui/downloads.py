"""Download buttons for a finished run: labelled table, centroids and the run's settings.

Files are built only when their button is clicked (a callable ``data``), then cached per run,
so a big table costs nothing until someone asks for it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from clustering.data import EXPORT_FILENAMES
from ui import cache

_BUTTONS = (
    ("labelled", "Labelled table (CSV)", "text/csv",
     "Every original row with its cluster, distance to its centre and outlier score and flag "
     "(the Outliers tab's rule); rows left out of the clustering are marked, never given a "
     "cluster."),
    ("centroids", "Centroids (CSV)", "text/csv",
     "One row per cluster: the centres k-means used, in the original units of the features "
     "(with missing cells filled as the sidebar says, unlike the profile means)."),
    ("settings", "Run settings (JSON)", "application/json",
     "Everything needed to reproduce this run."),
)


def download_buttons(spec: cache.RunSpec, run_settings: dict, key: str,
                     builders: dict[str, Callable[[], bytes]] | None = None) -> None:
    """``builders`` replaces the file of a button (e.g. a labelled table with outlier flags)."""
    cols = st.columns(len(_BUTTONS))
    for col, (which, label, mime, help_text) in zip(cols, _BUTTONS, strict=True):

        def build(which: str = which) -> bytes:
            if builders and which in builders:
                return builders[which]()
            return cache.export_file(spec, which, run_settings)

        col.download_button(label, build, file_name=EXPORT_FILENAMES[which], mime=mime,
                            key=f"{key}_dl_{which}", on_click="ignore", width="stretch",
                            help=help_text)
