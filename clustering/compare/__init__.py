"""k-means against other clustering algorithms: the registry of algorithms with declared
parameters, data-tied defaults and size guards, one runner, the gallery's toy sets,
noise-aware scores, agreement between runs, and the words and tables about them.
"""
from clustering.compare._auto import KDistance, k_distance
from clustering.compare._report import (
    CORNER_SCORES,
    corner_score,
    corner_text,
    panel_row,
    registry_table,
    results_table,
)
from clustering.compare._run import (
    ALGORITHMS,
    DEFAULT_ALGORITHMS,
    TOY_SETS,
    AlgorithmResult,
    DendrogramData,
    ToySet,
    agreement_matrix,
    align_labels,
    dendrogram_data,
    load_toy,
    run_algorithm,
    score_labels,
)
from clustering.compare._scores import TOY_N_SAMPLES
from clustering.compare._types import Panel

__all__ = [
    "Panel",
    "ALGORITHMS",
    "AlgorithmResult",
    "CORNER_SCORES",
    "DEFAULT_ALGORITHMS",
    "DendrogramData",
    "KDistance",
    "TOY_N_SAMPLES",
    "TOY_SETS",
    "ToySet",
    "agreement_matrix",
    "align_labels",
    "corner_score",
    "corner_text",
    "dendrogram_data",
    "k_distance",
    "load_toy",
    "panel_row",
    "registry_table",
    "results_table",
    "run_algorithm",
    "score_labels",
]
