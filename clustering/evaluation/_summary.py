"""Tables and sentences that describe a run: cluster profiles, hover lines, a one-line story."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clustering.data import as_levels
from clustering.evaluation._metrics import METRICS
from clustering.text import cluster_name

#: Columns shown in a point's hover box; wider tables show the first ones and say how many more.
HOVER_COLUMNS = 8
#: Levels named per cluster in a categorical column of the profiles; the rest are counted.
PROFILE_LEVELS = 3


def cluster_profiles(
    frame: pd.DataFrame,
    row_index: np.ndarray,
    labels: np.ndarray,
    features: Sequence[str],
    n_clusters: int,
    categorical: Sequence[str] = (),
) -> pd.DataFrame:
    """Size, share and per-feature mean of each cluster, in the table's original units.

    Categorical columns get level shares in the table's own words instead of a mean of 0/1
    columns: ``"red 62%, blue 30%, green 8%"`` (the :data:`PROFILE_LEVELS` largest, then how
    many more).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, ...)
        The original table (before scaling and imputation).
    row_index : ndarray of shape (n_used,)
        Positions in ``frame`` of the rows that were clustered.
    labels : ndarray of shape (n_used,)
        Cluster of each clustered row.
    features : sequence of str
        Numeric feature columns to average.
    n_clusters : int
        Number of clusters, so an empty cluster still gets a row.
    categorical : sequence of str, optional
        Categorical feature columns, described by their level shares.

    Returns
    -------
    DataFrame of shape (n_clusters, 2 + len(features) + len(categorical))
        Indexed by cluster name; columns ``size``, ``share``, one mean per numeric feature
        and one text column of level shares per categorical feature.
    """
    values = frame.iloc[row_index][list(features)].apply(pd.to_numeric, errors="coerce")
    values.index = pd.RangeIndex(len(values))
    grouped = values.groupby(np.asarray(labels)).mean()
    grouped = grouped.reindex(range(n_clusters))
    sizes = np.bincount(np.asarray(labels), minlength=n_clusters)
    profile = pd.DataFrame({"size": sizes, "share": sizes / max(sizes.sum(), 1)})
    profile = pd.concat([profile, grouped.reset_index(drop=True)], axis=1)
    labels = np.asarray(labels, dtype=np.int64)
    for name in categorical:
        profile[name] = _level_shares(frame[name].iloc[row_index], labels, n_clusters)
    profile.index = [cluster_name(j) for j in range(n_clusters)]
    return profile


def _level_shares(series: pd.Series, labels: np.ndarray, n_clusters: int) -> list[str]:
    codes, levels = pd.factorize(as_levels(series))
    n_levels = len(levels)
    counts = np.bincount(labels * n_levels + codes,
                         minlength=n_clusters * n_levels).reshape(n_clusters, n_levels)
    out = []
    for row in counts:
        total = row.sum()
        if total == 0:
            out.append("")
            continue
        order = np.argsort(-row, kind="stable")[: PROFILE_LEVELS]
        shown = [f"{levels[i]} {100 * row[i] / total:.0f}%" for i in order if row[i]]
        more = int(np.count_nonzero(row)) - len(shown)
        out.append(", ".join(shown) + (f", +{more} more" if more > 0 else ""))
    return out


def hover_lines(
    frame: pd.DataFrame, rows: np.ndarray, columns: Sequence[str] | None = None
) -> list[list[str]]:
    """For each drawn row, ``"column: value"`` lines for its hover box (not escaped yet).

    Parameters
    ----------
    frame : DataFrame
        The original table.
    rows : ndarray of shape (m,)
        Positions in ``frame`` of the drawn rows.
    columns : sequence of str, optional
        Columns to show; default the first :data:`HOVER_COLUMNS` columns.

    Returns
    -------
    list of m lists of str
        Lines per row, starting with the row number as the user sees it in the file (1-based).
    """
    shown = list(frame.columns if columns is None else columns)
    extra = max(len(shown) - HOVER_COLUMNS, 0)
    shown = shown[:HOVER_COLUMNS]
    subset = frame.iloc[np.asarray(rows)][shown]
    cells = [subset[col].map(_cell).to_numpy() for col in shown]
    lines = []
    for i, row in enumerate(np.asarray(rows)):
        entry = [f"row {int(row) + 1}"] + [f"{col}: {cells[j][i]}" for j, col in enumerate(shown)]
        if extra:
            entry.append(f"(+{extra} more columns)")
        lines.append(entry)
    return lines


def _cell(value: object) -> str:
    if isinstance(value, float | np.floating):
        return "missing" if np.isnan(value) else f"{value:.4g}"
    return str(value)


def describe_run(
    n_rows: int,
    n_features: int,
    n_clusters: int,
    n_iter: int,
    converged: bool,
    objective: float,
    objective_label: str,
) -> str:
    """One plain sentence about a finished run."""
    ending = f"converged after {n_iter} iteration{'s' * (n_iter != 1)}" if converged else (
        f"stopped at the iteration cap ({n_iter}) before converging"
    )
    return (
        f"K={n_clusters} on {n_rows:,} rows × {n_features} feature{'s' * (n_features != 1)}: "
        f"{ending}; {objective_label.lower()} {objective:,.4g}."
    )


def metrics_table(values: dict[str, float | None], reasons: dict[str, str],
                  include_external: bool) -> pd.DataFrame:
    """The metrics panel as a table: value (or why it is not defined) and how to read it.

    Parameters
    ----------
    values, reasons : dict
        ``Evaluation.values`` and ``Evaluation.reasons``.
    include_external : bool
        Whether to list the metrics that need true labels.

    Returns
    -------
    DataFrame with columns Metric, Value, Better, Range, Needs labels, What it measures.
    """
    rows = []
    for key, info in METRICS.items():
        if info.needs_labels and not include_external:
            continue
        value = values.get(key)
        shown = f"{value:.4g}" if value is not None else f"not defined: {reasons.get(key, '')}"
        rows.append({
            "Metric": info.label,
            "Value": shown,
            "Better": "higher" if info.higher_is_better else "lower",
            "Range": info.range,
            "Needs labels": "yes" if info.needs_labels else "no",
            "What it measures": info.explanation,
        })
    return pd.DataFrame(rows)
