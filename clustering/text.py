"""Display text shared by pages, tables and figures: cluster names and escaping of user text.

Plotly renders a subset of HTML in titles, legends, hover labels and annotations (``<a href>``,
``<span style>``), so every string that may come from a user's file (column names, class labels,
hover text) goes through :func:`escape_text` (or :func:`escape_gl_text` for WebGL text) before
it reaches a figure. Nothing here imports plotly, so computing modules can name clusters too.
"""

from __future__ import annotations

import html

__all__ = [
    "MAX_HOVER_LINE",
    "MAX_LABEL_LENGTH",
    "cluster_name",
    "escape_gl_text",
    "escape_lines",
    "escape_text",
    "shorten",
]

MAX_LABEL_LENGTH = 60
"""Longest user-provided name shown in full in a legend, axis title, widget tag or sentence;
longer ones are cut (with an ellipsis) where shown. Exports keep every name whole."""

MAX_HOVER_LINE = 120
"""Longest hover line (``column: value``) shown; a 150,031-character cell is cut to this many
characters (with an ellipsis) in the hover box and kept whole in the exports."""


def shorten(s: object, max_length: int = MAX_LABEL_LENGTH) -> str:
    """Plain text cut to ``max_length`` characters, ending with an ellipsis when cut.

    For showing user text (a widget's option, a name in a sentence); it does not escape.
    """
    text = "" if s is None else str(s)
    if len(text) > max_length:
        return text[: max(max_length - 1, 0)] + "\u2026"
    return text


def cluster_name(j: int) -> str:
    """Display name of cluster ``j``; numbered as in the labels (and the exported CSV)."""
    return "unassigned" if j < 0 else f"Cluster {j}"


def escape_text(s: object, max_length: int | None = None) -> str:
    """Make a user-provided value safe to show as plotly text.

    ``&``, ``<``, ``>`` and quotes become HTML entities (plotly decodes entities, so the
    reader still sees ``<script>`` as typed); newlines become spaces because plotly only
    breaks lines on ``<br>``. With ``max_length``, longer text is cut to that many
    characters (before escaping, so an entity is never split) and ends with an ellipsis.

    Parameters
    ----------
    s : object
        Any value; ``None`` gives ``""``, anything else goes through ``str``.
    max_length : int or None

    Returns
    -------
    str
    """
    if s is None:
        return ""
    text = str(s).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if max_length is not None:
        text = shorten(text, max_length)
    # Quotes as numeric entities: plotly decodes &#34; but shows "&quot;" literally.
    return html.escape(text, quote=False).replace('"', "&#34;").replace("'", "&#39;")


def escape_gl_text(s: object, max_length: int | None = None) -> str:
    """Make a user-provided value safe for text that plotly draws in WebGL (3-D axis titles).

    There plotly honours tags such as ``<b>`` but shows entities literally (checked in
    Chromium), so :func:`escape_text` would print ``&lt;``. Angle brackets become the
    look-alike single guillemets instead, which can never form a tag; nothing else changes.
    """
    if s is None:
        return ""
    text = " ".join(str(s).splitlines())
    if max_length is not None and len(text) > max_length:
        text = text[: max(max_length - 1, 0)] + "\u2026"
    return text.replace("<", "\u2039").replace(">", "\u203a")


def escape_lines(s: object) -> str:
    """Escape multi-line text for hover labels: each line escaped and cut to
    :data:`MAX_HOVER_LINE` characters, lines joined by ``<br>``.

    Lines are separated by ``"\\n"`` in ``s``; any other iterable (a list of str) is taken
    as the lines.
    """
    if s is None:
        return ""
    lines = str(s).splitlines() if isinstance(s, (str, bytes)) or not _iterable(s) else list(s)
    return "<br>".join(escape_text(line, MAX_HOVER_LINE) for line in lines)


def _iterable(s: object) -> bool:
    try:
        iter(s)
    except TypeError:
        return False
    return True
