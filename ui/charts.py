"""Showing a plotly figure: the one place that holds the chart toolbar's configuration."""

from __future__ import annotations

from typing import Any

import streamlit as st

from clustering.figures import figure_from_dict

# No plotly logo; "download as PNG" at twice the screen resolution, sharp on slides.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def show_chart(figure: Any, key: str, **kwargs: Any) -> Any:
    """``st.plotly_chart`` with the shared configuration.

    ``figure`` is a ``go.Figure`` or a plain dict cached by ``ui.cache`` (already validated
    when it was built, so it is not validated again). Returns what ``st.plotly_chart``
    returns (the selection state when ``on_select`` is given).
    """
    if isinstance(figure, dict):
        figure = figure_from_dict(figure)
    return st.plotly_chart(figure, key=key, config=CHART_CONFIG, **kwargs)
