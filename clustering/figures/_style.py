"""Shared look of every figure: cluster colours and symbols, sizes, and text escaping.

Two sizes of the same look exist: :data:`DEFAULT_STYLE` for a laptop screen and
:data:`PRESENTATION_STYLE` for a projector seen from the back of a classroom (fonts of at
least 18 px, bigger markers, thicker lines, black-on-white axes). Builders take a ``style``
argument and never hard-code a size.

Every string that may come from a user's file (column names, class labels, hover text) goes
through :func:`escape_text` before it reaches plotly: plotly renders a subset of HTML in
titles, legends, hover labels and annotations (``<a href>``, ``<span style>``), so an
unescaped column name could inject a link or restyle the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from clustering.text import (  # noqa: F401  (re-exported for the builders)
    MAX_LABEL_LENGTH,
    cluster_name,
    escape_gl_text,
    escape_lines,
    escape_text,
)

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common forms of
# colour blindness. Black goes last so the first clusters never look like the centroid
# outlines, and yellow late because it is faint on white.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

# Paul Tol's "muted" scheme (https://personal.sron.nl/~pault/), also colour-blind safe;
# used for clusters 9-17. Its pale grey is left out: grey means "no cluster" here. Indigo
# and wine come first: with them, K <= 10 keeps every pair of colours at least
# MIN_CVD_DELTA_E apart in CIELAB under simulated protanopia, deuteranopia and tritanopia
# (tests/figures/test_palette_cvd.py); Tol's own order put cyan 10th, 9.6 from sky blue
# under tritanopia.
TOL_MUTED = (
    "#332288",  # indigo
    "#882255",  # wine
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#AA4499",  # purple
)

#: Smallest CIELAB distance (CIE76) between any two of the first CVD_SAFE_K cluster colours,
#: with normal vision and after simulating full protanopia, deuteranopia and tritanopia
#: (Machado, Oliveira & Fernandes 2009, severity 1). Okabe-Ito's own floor is 16.1
#: (tritanopia); 15 leaves no pair that reads as "the same colour" on a projector.
MIN_CVD_DELTA_E = 15.0
CVD_SAFE_K = 10

CLUSTER_COLORS: tuple[str, ...] = OKABE_ITO + TOL_MUTED

# Beyond len(CLUSTER_COLORS) clusters the colours repeat, so the symbol changes with each
# round of the palette: cluster j and cluster j + 17 share a colour but not a shape. All of
# these are supported by scattergl as well as scatter.
CLUSTER_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "triangle-down",
    "star",
    "hexagram",
)

# Symbols for true classes when points are shaped by their label; the colour then still
# shows the cluster, so the two encodings never compete.
CLASS_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "triangle-down",
    "star",
    "hexagram",
    "triangle-left",
    "triangle-right",
    "circle-open",
    "square-open",
    "diamond-open",
)

NOISE_COLOR = "#A0A0A0"  # unassigned points (label -1), e.g. at the init step
OUTLINE_COLOR = "#1A1A1A"  # centroid outlines and trajectory edges

def cluster_color(j: int) -> str:
    """Colour of cluster ``j`` (0-based); grey for ``j < 0`` (unassigned or noise)."""
    if j < 0:
        return NOISE_COLOR
    return CLUSTER_COLORS[j % len(CLUSTER_COLORS)]


def cluster_symbol(j: int) -> str:
    """Marker symbol of cluster ``j``: a circle for the first round of the palette, then
    a different shape for every further round so repeated colours stay distinguishable."""
    if j < 0:
        return CLUSTER_SYMBOLS[0]
    return CLUSTER_SYMBOLS[(j // len(CLUSTER_COLORS)) % len(CLUSTER_SYMBOLS)]


def class_symbol(i: int) -> str:
    """Marker symbol for the ``i``-th true class (0-based, in sorted class order)."""
    return CLASS_SYMBOLS[i % len(CLASS_SYMBOLS)]



@dataclass(frozen=True)
class FigureStyle:
    """Sizes and theme shared by every figure builder.

    Attributes
    ----------
    font_size : int
        Body text: tick labels, legend, hover labels (px).
    title_size : int
        Figure and axis titles (px).
    marker_size : float
        Data points (px).
    centroid_size : float
        Centroid markers (px); the outline is ``line_width`` wide.
    line_width : float
        Trajectories, outlines and reference lines (px).
    template : str
        Plotly template name. ``"none"`` by default: copying a named template costs
        20-30 ms per figure (measured), so the look comes from the fields below instead.
    font_color : str
    point_opacity : float
    region_opacity : float
        Opacity of the Voronoi shading under the points.
    grid_color : str
    axis_color : str
        Axis lines and ticks.
    background : str
    height : int
        Default figure height (px); pages may override it.
    """

    font_size: int = 13
    title_size: int = 16
    marker_size: float = 7.0
    centroid_size: float = 18.0
    line_width: float = 2.0
    template: str = "none"
    font_color: str = "#262626"
    point_opacity: float = 0.85
    region_opacity: float = 0.22
    grid_color: str = "#E5E5E5"
    axis_color: str = "#595959"
    background: str = "#FFFFFF"
    height: int = 560


DEFAULT_STYLE = FigureStyle()

PRESENTATION_STYLE = FigureStyle(
    font_size=20,
    title_size=26,
    marker_size=11.0,
    centroid_size=30.0,
    line_width=4.0,
    font_color="#000000",
    point_opacity=0.95,
    region_opacity=0.3,
    grid_color="#BDBDBD",
    axis_color="#000000",
    height=720,
)


def merge(*layouts: dict) -> dict:
    """Deep-merge layout dicts, later ones winning: one ``update_layout`` instead of many
    (each plotly update call costs a few milliseconds)."""
    out: dict = {}
    for layout in layouts:
        for key, value in layout.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = value
    return out


def style_layout(style: FigureStyle, title: str | None = None, *, axes: bool = True) -> dict:
    """Layout dict for ``style``: fonts, colours, legend, margins and (``axes``) the look of
    ``xaxis``/``yaxis``. ``title`` must already be escaped."""
    font = {"size": style.font_size, "color": style.font_color}
    layout = {
        "font": font,
        "paper_bgcolor": style.background,
        "plot_bgcolor": style.background,
        "height": style.height,
        "legend": {"font": font, "itemsizing": "constant", "bgcolor": "rgba(0,0,0,0)"},
        "hoverlabel": {"font": {"size": style.font_size}},
        "margin": {"l": 10, "r": 10, "t": 70 if title else 30, "b": 10},
    }
    if title is not None:
        layout["title"] = {
            "text": title,
            "font": {"size": style.title_size, "color": style.font_color},
            "x": 0.01,
        }
    if axes:
        layout["xaxis"] = axis_style(style)
        layout["yaxis"] = axis_style(style)
    return layout


def axis_style(style: FigureStyle) -> dict:
    """Look of one 2-D axis."""
    return {
        # Colours set here, not inherited: Streamlit's chart theme greys axis text otherwise.
        "title": {"font": {"size": style.title_size, "color": style.font_color}},
        "tickfont": {"size": style.font_size, "color": style.font_color},
        "gridcolor": style.grid_color,
        "showgrid": True,
        "showline": True,
        "linecolor": style.axis_color,
        "linewidth": max(1.0, style.line_width / 2),
        "ticks": "outside",
        "tickcolor": style.axis_color,
        "ticklen": max(4.0, style.font_size / 3),
        "zeroline": False,
        "automargin": True,
    }


def new_figure(style: FigureStyle, data=None, frames=None, layout: dict | None = None) -> go.Figure:
    """A figure built in one go, with the style's template set at construction.

    Plotly copies its default template into every new figure unless one is given up
    front; with ``template="none"`` that saves 20-30 ms per figure (measured).
    """
    # Plotly's property validation is most of the build time (~20 ms for a run figure) and
    # runs again when Streamlit serialises the figure; tests/test_figures_valid.py validates
    # every builder's output instead, so figures are built unvalidated here.
    return go.Figure(
        data=data,
        layout={"template": style.template, **(layout or {})},
        frames=frames,
        _validate=False,
    )


def apply_style(fig: go.Figure, style: FigureStyle, title: str | None = None) -> go.Figure:
    """Apply :func:`style_layout` to an existing figure (every x and y axis).

    ``title`` must already be escaped (builders compose titles from escaped parts).
    """
    fig.update_layout(template=style.template, **style_layout(style, title, axes=False))
    fig.update_xaxes(axis_style(style))
    fig.update_yaxes(axis_style(style))
    return fig


def label_colorscale(n_clusters: int) -> tuple[list, float, float]:
    """A stepped colorscale that maps integer labels -1 .. n_clusters-1 to cluster colours.

    Numeric labels plus this scale let an animation frame carry one small integer array per
    step instead of a colour string per point.

    Returns
    -------
    colorscale : list of [position, colour]
    cmin, cmax : float
        Pass as ``cmin``/``cmax`` (``zmin``/``zmax`` for a heatmap): each label then falls
        in the middle of its own band.
    """
    colors = [cluster_color(j) for j in range(-1, n_clusters)]
    n = len(colors)
    scale = []
    for b, color in enumerate(colors):
        scale.append([b / n, color])
        scale.append([(b + 1) / n, color])
    return scale, -1.5, n_clusters - 0.5


def figure_from_dict(spec: dict) -> go.Figure:
    """A figure from a plain dict that a builder produced (and so already validated).

    Caches keep figures as dicts: unpickling a ``go.Figure`` re-validates it (~35 ms for a run
    figure), a dict costs next to nothing.
    """
    return go.Figure(spec, _validate=False)
