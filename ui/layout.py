"""Page scaffolding every page shares: page config, settings from the URL, notices."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from clustering.figures.style import DEFAULT_STYLE, PRESENTATION_STYLE, FigureStyle
from ui.state import settings, show_notices

REPO = Path(__file__).resolve().parents[1]


def setup_page(title: str, icon: str = "🔵") -> None:
    """First call of every page: config, settings parsed from the URL, queued notices."""
    st.set_page_config(page_title=f"{title} · Cluster Explorer", page_icon=icon, layout="wide")
    settings()


STYLES = {"default": DEFAULT_STYLE, "presentation": PRESENTATION_STYLE}


def style_name() -> str:
    """Name of this session's figure style (presentation mode comes with the classroom issue)."""
    return "default"


def figure_style() -> FigureStyle:
    return STYLES[style_name()]


def notices() -> None:
    show_notices()
