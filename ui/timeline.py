"""The run's timeline in the browser: a Streamlit component around plotly.js.

``st.plotly_chart`` cannot take keyboard handlers and steps a replay through the server, so
the timeline is a small custom component (``ui/timeline_frontend``): plotly.js draws
:func:`clustering.figures.timeline_spec` and steps its frames in the browser, with buttons,
a scrubber, a speed choice and keys (Left/Right, Space, Home/End, +/-, M to move a centre).
A step never reaches the server; only a moved centre does (the component's value).

plotly.js is the copy inside the installed plotly package, served by the app with the
component's files (never a CDN). Streamlit serves a component's folder and refuses files
whose real path is outside it, so the folder is assembled once per version in the user's
cache directory (hard links where possible, else copies).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import streamlit.components.v1 as components

from clustering.figures import plotly_js_path, plotly_js_version
from ui.charts import CHART_CONFIG

FRONTEND = Path(__file__).resolve().parent / "timeline_frontend"
_FILES = ("index.html", "timeline.js", "timeline.css")


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cluster-explorer"


def _assemble() -> Path:
    """The component's folder: our files and plotly.js side by side, built once per version."""
    digest = hashlib.sha256(plotly_js_version().encode())
    for name in _FILES:
        digest.update((FRONTEND / name).read_bytes())
    folder_name = f"timeline-{digest.hexdigest()[:16]}"
    for base in (_cache_root(), None):
        try:
            folder = (base / folder_name) if base is not None else Path(
                tempfile.mkdtemp(prefix="cluster-explorer-timeline-"))
            if (folder / "complete").exists():
                return folder
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            for name in _FILES:
                _place(FRONTEND / name, folder / name)
            _place(plotly_js_path(), folder / "plotly.min.js")
            (folder / "complete").write_text("ok\n")
            return folder
        except OSError:
            continue
    raise OSError("could not assemble the timeline component's folder")


def _place(source: Path, target: Path) -> None:
    """Hard-link (else copy) ``source`` to ``target`` atomically."""
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:
        shutil.copyfile(source, partial)
    os.replace(partial, target)


_component = components.declare_component("timeline", path=str(_assemble()))


def timeline(figure_json: str, *, key: str, height: int = 620, fit: bool = False,
             present: bool = False) -> dict | None:
    """Show a timeline figure; return the last event the user sent (a moved centre) or None.

    Parameters
    ----------
    figure_json : str
        :func:`clustering.figures.timeline_spec` (or any figure) as plotly JSON
        (:func:`clustering.figures.figure_json`); a figure without frames is shown still.
    key : str
        The widget key.
    height : int
        Height in pixels (chart, caption and controls); with ``fit``, the most it takes.
    fit : bool
        Shrink to what is left of the window below the timeline's top edge (presentation:
        everything on one screen).
    present : bool
        Projector sizes for the caption and the controls.

    Returns
    -------
    dict or None
        ``{"type": "move", "step": s, "center": j, "x": x, "y": y, "nonce": n}`` after the
        user dropped centre ``j`` at plot coordinates (x, y) while step ``s`` was on screen;
        the same dict on later reruns until the next move (compare ``nonce``).
    """
    revision = hashlib.sha256(figure_json.encode()).hexdigest()[:20]
    return _component(figure=figure_json, revision=revision, height=int(height), fit=fit,
                      present=present, config=CHART_CONFIG, key=key, default=None)
