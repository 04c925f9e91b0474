"""How good is a clustering: internal and external metrics with their meanings, tables and
sentences that describe a run, run A against run B, outliers (rows far from their own centre,
and new rows held to the same rule) and what separates each cluster from the rest.
"""
from clustering.evaluation._matching import ClusterMatch, match_clusters
from clustering.evaluation._metrics import (
    METRICS,
    SILHOUETTE_SAMPLE_SIZE,
    Evaluation,
    evaluate,
    per_sample_silhouette,
)
from clustering.evaluation._outliers import (
    OUTLIER_RULES,
    NewAssignment,
    Outliers,
    assign_new_rows,
    find_outliers,
)
from clustering.evaluation._separation import (
    MIN_EFFECT,
    Separation,
    cluster_separation,
)
from clustering.evaluation._summary import (
    cluster_profiles,
    describe_run,
    hover_lines,
    metrics_table,
)
from clustering.evaluation._whatif import RunComparison, compare_runs, metrics_difference

__all__ = [
    "ClusterMatch",
    "match_clusters",
    "Evaluation",
    "METRICS",
    "MIN_EFFECT",
    "NewAssignment",
    "OUTLIER_RULES",
    "Outliers",
    "RunComparison",
    "Separation",
    "assign_new_rows",
    "cluster_separation",
    "find_outliers",
    "SILHOUETTE_SAMPLE_SIZE",
    "cluster_profiles",
    "compare_runs",
    "describe_run",
    "evaluate",
    "hover_lines",
    "metrics_difference",
    "metrics_table",
    "per_sample_silhouette",
]
