"""Shared helpers for Streamlit AppTest page tests."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
APPTEST_TIMEOUT = 240
"""Seconds one AppTest run may take before it is called hung (pyproject's pytest timeout is
300 s a test)."""


def app_test(path: str, query: dict[str, str | list[str]] | None = None, *,
             timeout: float = APPTEST_TIMEOUT) -> AppTest:
    """An AppTest of ``path`` (relative to the repository) served as `streamlit run app.py`
    serves it: app.py is the entry point and the page is switched to, so the sidebar's page
    links (ui.layout.PAGES, relative to app.py) resolve as they do in the browser."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    if path != "app.py":
        at.switch_page(path)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at


def page(path: str, query: dict[str, str | list[str]] | None = None, *,
         clear_cache: bool = True) -> AppTest:
    """A fresh AppTest of a page (caches cleared so tests do not see each other's runs).

    ``clear_cache=False`` keeps ``st.cache_data``: cached results are pure functions of their
    arguments, so a module whose tests all start from the same costly page may share them.
    """
    if clear_cache:
        st.cache_data.clear()
    # A hang guard, not a speed check: a loaded machine may take minutes (pyproject's
    # pytest timeout stops a real hang); speed is measured in benchmarks/.
    return app_test(path, query)


def figures(at: AppTest) -> dict[str, dict]:
    """Every plotly chart on the page, by its widget key suffix, as plotly JSON."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[element.proto.id.split("-")[-1] if not element.key else element.key] = spec
    return out


def figure_by_key(at: AppTest, key: str) -> dict:
    """A plotly chart's figure, or a timeline's (``ui.timeline``, a custom component)."""
    for element in at.get("plotly_chart"):
        if key in element.proto.id:
            return json.loads(element.proto.spec)
    for element in timelines(at):
        if element.key == key:
            return json.loads(json.loads(element.proto.json_args)["figure"])
    keys = [element.proto.id for element in at.get("plotly_chart")]
    keys += [element.key for element in timelines(at)]
    raise AssertionError(f"no plotly chart with key {key!r}; ids: {keys}")


def timelines(at: AppTest) -> list:
    """The timeline components (``ui.timeline``) on the page."""
    return [element for element in at.get("component_instance")
            if element.proto.component_name.endswith("timeline")]


def texts(at: AppTest) -> str:
    """All text of a run (markdown, captions, alerts), joined for searching.

    Escapes that ``ui.text.md_escape`` adds around quoted user text are removed (backslashes
    and invisible word joiners), so a sentence reads as it does on the page.
    """
    parts = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title"):
        parts.extend(str(element.value) for element in at.get(kind))
    return _ESCAPED.sub(r"\1", "\n".join(parts)).replace("\u2060", "")


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def array(value) -> np.ndarray:
    """A plotly JSON array: a plain list, or plotly 6+'s typed array ``{dtype, bdata}``."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return data.reshape(value["shape"]) if "shape" in value else data
    return np.asarray(value)
