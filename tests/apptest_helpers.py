"""Shared helpers for Streamlit AppTest page tests."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


def page(path: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """A fresh AppTest of a page (caches cleared so tests do not see each other's runs)."""
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / path), default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at


def figures(at: AppTest) -> dict[str, dict]:
    """Every plotly chart on the page, by its widget key suffix, as plotly JSON."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[element.proto.id.split("-")[-1] if not element.key else element.key] = spec
    return out


def figure_by_key(at: AppTest, key: str) -> dict:
    for element in at.get("plotly_chart"):
        if key in element.proto.id:
            return json.loads(element.proto.spec)
    keys = [element.proto.id for element in at.get("plotly_chart")]
    raise AssertionError(f"no plotly chart with key {key!r}; ids: {keys}")


def texts(at: AppTest) -> str:
    """All visible text of a run (markdown, captions, alerts), joined for searching."""
    parts = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title"):
        parts.extend(str(element.value) for element in at.get(kind))
    return "\n".join(parts)


def array(value) -> np.ndarray:
    """A plotly JSON array: a plain list, or plotly 6+'s typed array ``{dtype, bdata}``."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return data.reshape(value["shape"]) if "shape" in value else data
    return np.asarray(value)
