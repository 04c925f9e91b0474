"""Plotly figure builders: they take computed results and return a ``go.Figure``.

Nothing here computes clustering results (see :mod:`clustering.view` for projections, regions
and which rows to draw); every user-provided string goes through :func:`escape_text`. This is
the only part of the package that imports plotly. :func:`timeline_figure` is the run as one
timeline (scatter, objective and caption on the same frames); :func:`plotly_js_path` and
:func:`figure_json` are what a page needs to draw figures itself in the browser.
"""
from clustering.figures._browser import figure_json, plotly_js_path, plotly_js_version
from clustering.figures._choose_k import (
    external_vs_k_figure,
    init_study_figure,
    score_vs_k_figure,
    silhouette_figure,
    silhouette_scatter,
)
from clustering.figures._compare import (
    agreement_figure,
    dendrogram_figure,
    grid_figure,
    k_distance_figure,
    ordinal,
)
from clustering.figures._documents import (
    document_lengths_figure,
    term_frequency_figure,
    top_terms_figure,
)
from clustering.figures._image import (
    color_space_figure,
    error_curve_figure,
    hex_color,
    palette_figure,
)
from clustering.figures._lesson import (
    assign_figure,
    assign_timeline,
    centroids_figure,
    color_name,
    lesson_ranges,
    metric_bars_figure,
    points_figure,
    residuals_figure,
    two_runs_figure,
    update_figure,
    update_timeline,
)
from clustering.figures._metrics import contingency_heatmap
from clustering.figures._pick import pick_figure
from clustering.figures._run import SCATTER_WIDTH, timeline_figure, timeline_spec
from clustering.figures._separation import MAX_BARS, separation_figure
from clustering.figures._style import (
    DEFAULT_STYLE,
    PRESENTATION_STYLE,
    FigureStyle,
    figure_from_dict,
)
from clustering.figures._whatif import whatif_figure

__all__ = [
    "SCATTER_WIDTH",
    "figure_from_dict",
    "figure_json",
    "plotly_js_path",
    "plotly_js_version",
    "timeline_figure",
    "timeline_spec",
    "assign_timeline",
    "update_timeline",
    "DEFAULT_STYLE",
    "MAX_BARS",
    "FigureStyle",
    "PRESENTATION_STYLE",
    "agreement_figure",
    "assign_figure",
    "centroids_figure",
    "color_name",
    "color_space_figure",
    "contingency_heatmap",
    "dendrogram_figure",
    "document_lengths_figure",
    "error_curve_figure",
    "external_vs_k_figure",
    "grid_figure",
    "hex_color",
    "init_study_figure",
    "k_distance_figure",
    "lesson_ranges",
    "metric_bars_figure",
    "ordinal",
    "palette_figure",
    "pick_figure",
    "points_figure",
    "residuals_figure",
    "score_vs_k_figure",
    "separation_figure",
    "silhouette_figure",
    "silhouette_scatter",
    "term_frequency_figure",
    "top_terms_figure",
    "two_runs_figure",
    "update_figure",
    "whatif_figure",
]
