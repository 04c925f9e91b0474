"""What a page needs to draw figures itself in the browser: plotly.js and a figure as JSON.

The timeline component (``ui/timeline``) runs plotly.js in the page so stepping needs no
server round trip. plotly.js comes from the installed plotly package (never a CDN: the app
works offline and tells no third party who opens it), so the browser draws with the same
plotly.js version the figures were written for.
"""

from __future__ import annotations

from pathlib import Path

import plotly
import plotly.io as pio

__all__ = ["figure_json", "plotly_js_path", "plotly_js_version"]


def plotly_js_path() -> Path:
    """The minified plotly.js bundled with the installed plotly package."""
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.js is missing from the plotly package ({path})")
    return path


def plotly_js_version() -> str:
    """Version of the bundled plotly.js (part of a cache key for the copied file)."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def figure_json(figure) -> str:
    """A figure (``go.Figure`` or the plain dict a builder made) as plotly JSON.

    Arrays go out as plotly's typed arrays (base64), which plotly.js reads natively.
    """
    return pio.to_json(figure, validate=False, remove_uids=True)
