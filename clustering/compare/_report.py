"""Words and tables about comparison runs: panel corners, short reasons, the results table.

Plain strings and a DataFrame; the figures escape what they draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustering.compare._scores import align_labels
from clustering.compare._types import REFERENCE_DIMS, AlgorithmResult, AlgorithmSpec, Panel
from clustering.evaluation import Evaluation

__all__ = [
    "CORNER_SCORES",
    "corner_score",
    "corner_text",
    "panel_row",
    "registry_table",
    "results_table",
    "short_reason",
]

CORNER_SCORES: dict[str, str] = {
    "auto": "ARI with true classes (silhouette without)",
    "ari": "ARI",
    "ami": "AMI",
    "v_measure": "V-measure",
    "silhouette": "Silhouette",
    "calinski_harabasz": "CH",
    "davies_bouldin": "DB",
}
"""Choices of the score shown in each panel's corner: key -> short label."""

_SHORT = {**CORNER_SCORES, "calinski_harabasz": "CH", "davies_bouldin": "DB"}


def corner_score(choice: str, has_truth: bool) -> str:
    """The metric key a panel shows for a corner choice (``"auto"`` depends on the truth)."""
    if choice not in CORNER_SCORES:
        raise ValueError(f"score={choice!r} must be one of {', '.join(CORNER_SCORES)}")
    if choice == "auto":
        return "ari" if has_truth else "silhouette"
    return choice


def corner_text(result: AlgorithmResult, evaluation: Evaluation | None, score: str,
                *, narrow: bool = False) -> str:
    """Lines for a panel's lower right corner: sample size, fit time and one score.

    ``score`` is a metric key (see :func:`corner_score`); lines are separated by ``"\\n"``.
    ``narrow`` puts the time and the score on lines of their own (narrow panels).
    """
    if not result.ran:
        return ""
    lines = []
    if result.sampled_rows is not None:
        lines.append(f"sample {len(result.sampled_rows):,}" if narrow
                     else f"sample of {len(result.sampled_rows):,}")
    part = f"{result.fit_seconds:.2f} s"
    sep = "\n" if narrow else " · "
    label = "Sil." if narrow and score == "silhouette" else _SHORT[score]
    value = None if evaluation is None else evaluation.values.get(score)
    if value is not None:
        digits = 0 if score == "calinski_harabasz" and abs(value) >= 100 else 2
        part += f"{sep}{label} {value:.{digits}f}"
    elif evaluation is not None:
        part += f"{sep}{label} n/a"  # e.g. one cluster: the table says why
    lines.append(part)
    return "\n".join(lines)


def short_reason(result: AlgorithmResult, max_rows: int) -> str | None:
    """A few words for an empty panel; the full sentence goes in the table."""
    reason = result.skipped_reason
    if reason is None:
        return None
    if "skipped above" in reason:
        return f"Skipped: more than {max_rows:,} rows (see the table)"
    if "is more than the" in reason:
        return "Skipped: " + reason.rstrip(".")
    text = reason if len(reason) <= 80 else reason[:77].rstrip() + "…"
    return text


def results_table(entries: list[tuple[str, AlgorithmResult, Evaluation | None]],
                  has_truth: bool) -> pd.DataFrame:
    """One row per algorithm on one dataset.

    Parameters
    ----------
    entries : list of (title, AlgorithmResult, Evaluation or None)
    has_truth : bool
        Whether to add the ARI, AMI and V-measure columns.

    Returns
    -------
    pandas.DataFrame
        Columns: Algorithm, Clusters, Noise (%), Fit time (s), Rows used, Silhouette,
        Calinski-Harabasz, Davies-Bouldin, [ARI, AMI, V-measure,] Notes. Numbers are
        floats (NaN when not defined or skipped) so the table sorts numerically.
    """
    rows = []
    for title, result, evaluation in entries:
        values = evaluation.values if evaluation is not None else {}
        if not result.ran:
            used = "skipped"
        elif result.sampled_rows is not None:
            used = f"sample of {len(result.sampled_rows):,} of {len(result.labels):,}"
        else:
            used = f"all {len(result.labels):,}"
        row = {
            "Algorithm": title,
            "Clusters": result.n_clusters if result.ran else np.nan,
            "Noise (%)": 100 * result.noise_share if result.ran else np.nan,
            "Fit time (s)": result.fit_seconds if result.ran else np.nan,
            "Rows used": used,
            "Silhouette": values.get("silhouette"),
            "Calinski-Harabasz": values.get("calinski_harabasz"),
            "Davies-Bouldin": values.get("davies_bouldin"),
        }
        if has_truth:
            row.update(ARI=values.get("ari"), AMI=values.get("ami"),
                       **{"V-measure": values.get("v_measure")})
        notes = ([result.skipped_reason] if result.skipped_reason else []) + list(result.notes)
        if evaluation is not None:  # why a score is missing (e.g. every point is noise)
            notes += list(dict.fromkeys(
                evaluation.reasons[key] for key in ("silhouette", "calinski_harabasz",
                                                    "davies_bouldin")
                if values.get(key) is None and key in evaluation.reasons))
        row["Notes"] = " ".join(notes)
        rows.append(row)
    frame = pd.DataFrame(rows)
    numeric = [c for c in frame.columns if c not in ("Algorithm", "Rows used", "Notes")]
    frame[numeric] = frame[numeric].astype(float)
    return frame


def registry_table(specs: list[AlgorithmSpec]) -> pd.DataFrame:
    """What each algorithm declares, one row each: the "which method when" overview.

    Columns: Algorithm, Idea, Takes K, Marks noise, Time, Memory, Runs in full up to,
    Above that.
    """
    rows = []
    for spec in specs:
        wide = f" ({REFERENCE_DIMS} features or fewer)" if spec.pairwise else ""
        rows.append({
            "Algorithm": spec.title,
            "Idea": spec.description,
            "Takes K": "yes" if spec.takes_k else "no",
            "Marks noise": "yes" if spec.marks_noise else "no",
            "Time": spec.time_cost,
            "Memory": spec.memory_cost,
            "Runs in full up to": f"{spec.max_rows:,} rows{wide}",
            "Above that": "seeded sample" if spec.oversize == "sample" else "skipped",
        })
    return pd.DataFrame(rows)


def panel_row(xy: np.ndarray, drawn: np.ndarray, true_labels: np.ndarray | None,
              entries: list[tuple[AlgorithmSpec, AlgorithmResult, Evaluation | None]],
              score_choice: str, *, n_features: int, narrow: bool = False) -> list[Panel]:
    """The grid panels of one dataset, one per algorithm.

    Parameters
    ----------
    xy : ndarray of shape (m, 2)
        Coordinates of the drawn rows.
    drawn : ndarray of shape (m,) int
        Which rows of the data those are.
    true_labels : ndarray of shape (n,) or None
        The colours follow the true classes when given, else the first algorithm that ran
        (:func:`clustering.compare.align_labels`), so one group has one colour across
        the row.
    entries : list of (AlgorithmSpec, AlgorithmResult, Evaluation or None)
    score_choice : str
        A key of :data:`CORNER_SCORES`.
    n_features : int
        Width of the data (the size limits quoted for skipped runs depend on it).
    narrow : bool
        Stack the corner text (narrow columns).

    Returns
    -------
    list of Panel
    """
    score = corner_score(score_choice, true_labels is not None)
    reference = true_labels
    panels = []
    for spec, result, evaluation in entries:
        if reference is None and result.ran:
            reference = result.labels
        labels = None
        if result.ran:
            labels = align_labels(result.labels, reference)[drawn]
        panels.append(Panel(xy[:, 0], xy[:, 1], labels,
                            corner_text(result, evaluation, score, narrow=narrow),
                            short_reason(result, spec.row_limit(n_features))))
    return panels
