"""Turn chosen table columns into the matrix k-means runs on.

:func:`prepare` validates the choice once, reads the columns as numbers (rare
non-numeric cells and ±inf become missing, and are counted), drops or imputes missing
values, scales with scikit-learn, and keeps the map from prepared rows back to the
original rows so that exports line up and dropped rows are never labelled.

Scaling is safe on huge and tiny magnitudes: each column is first divided by a power of
two near its largest absolute value (exact in floating point), so 1e300 cannot overflow
a variance and 1e-300 cannot underflow to "constant".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from clustering.data._encode import CategoricalEncoding, fit_encoding
from clustering.io import TableError, is_text, join_names, quote, to_numeric

__all__ = ["MISSING_STRATEGIES", "SCALERS", "Prepared", "TableError", "prepare"]

#: Scaling choices and the scikit-learn transformer behind each (None = no scaling).
SCALERS = {
    "none": None,
    "standard": StandardScaler,
    "minmax": MinMaxScaler,
    "robust": RobustScaler,
}
#: Missing-value choices: drop rows, or impute with SimpleImputer's strategy.
MISSING_STRATEGIES = ("drop", "mean", "median")
# Squared Euclidean distances overflow float64 above about 1e154.
_OVERFLOW_RISK = 1e150


@dataclass(frozen=True)
class Prepared:
    """Features ready for clustering, and how they were obtained.

    Attributes
    ----------
    X : ndarray of shape (n_used, n_features), float64
        Finite values, scaled as requested.
    feature_names : list of str
    true_labels : ndarray of shape (n_used,) or None
        The label column for the used rows (missing labels read ``"(missing)"``).
    row_index : ndarray of shape (n_used,), int64
        Position in the original frame of each prepared row.
    notes : list of str
        Plain sentences: cells turned missing, rows dropped or filled, scaling.
    n_distinct : int
        Number of distinct rows of ``X``.
    label_name : str or None
    missing : str
    scaling : str
    n_rows_original : int
        Rows in the frame given to :func:`prepare`.
    numeric_features, categorical_features : list of str
        The chosen table columns read as numbers, and those one-hot encoded. ``X`` holds the
        numeric ones first, then one weighted block per categorical column, so
        ``feature_names`` names the encoded columns (``"color = red"``).
    encoding : CategoricalEncoding or None
        The fitted encoding of the categorical features (see :mod:`clustering.data`).
    warnings : list of str
        The notes that change which rows are clustered or how the run is scored (rows
        dropped, a label with one class per row); pages show them where they are seen,
        not only among the notes.
    """

    X: np.ndarray
    feature_names: list[str]
    true_labels: np.ndarray | None
    row_index: np.ndarray
    notes: list[str]
    n_distinct: int
    label_name: str | None = None
    missing: str = "drop"
    scaling: str = "none"
    n_rows_original: int = 0
    _factor: np.ndarray = field(default=None, repr=False)
    _scaler: object = field(default=None, repr=False)
    numeric_features: list[str] = field(default_factory=list)
    categorical_features: list[str] = field(default_factory=list)
    encoding: CategoricalEncoding | None = field(default=None, repr=False)
    # Column means or medians that filled missing numeric cells (None with "drop").
    _fill: np.ndarray | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list)

    @property
    def n_dropped(self) -> int:
        """Rows of the original frame left out because of missing values."""
        return self.n_rows_original - len(self.row_index)

    def to_original_units(self, C: np.ndarray) -> np.ndarray:
        """Map points (e.g. centroids) from the prepared space back to feature units.

        Parameters
        ----------
        C : array-like of shape (..., n_features)
            Points in the space of :attr:`X`; any leading shape, so a centre history of
            shape (n_steps, k, d) works too.

        Returns
        -------
        ndarray of the same shape, float64
        """
        C = np.asarray(C, dtype=np.float64)
        d = self.X.shape[1]
        if C.shape[-1:] != (d,):
            raise ValueError(f"points must have {d} features in the last axis, got shape {C.shape}")
        flat = C.reshape(-1, d)
        m = len(self._factor)  # numeric columns come first
        numbers = flat[:, :m]
        if self._scaler is not None and numbers.size:
            numbers = self._scaler.inverse_transform(numbers)
        with np.errstate(over="ignore"):
            numbers = numbers * self._factor
        if self.encoding is None:
            return numbers.reshape(C.shape)
        # A centre's coordinate in a one-hot block, unweighted, is a level share (mean rule).
        shares = flat[:, m:] / self.encoding.weights
        return np.hstack([numbers, shares]).reshape(C.shape)


def prepare(
    frame: pd.DataFrame,
    features: list[str],
    label: str | None = None,
    *,
    missing: str = "drop",
    scaling: str = "none",
    categorical: list[str] | tuple[str, ...] = (),
) -> Prepared:
    """Build the feature matrix from chosen columns.

    Parameters
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_columns)
        Usually :attr:`clustering.io.Table.frame`. Row positions (not index labels)
        are what :attr:`Prepared.row_index` refers to.
    features : list of str
        Feature columns, in order. A chosen ``label`` is never a feature.
    label : str, optional
        Column with known groups, used only for evaluation.
    missing : {"drop", "mean", "median"}, default "drop"
        Drop rows with a missing feature, or fill with the column mean or median.
    scaling : {"none", "standard", "minmax", "robust"}, default "none"
        Applies to the numeric features.
    categorical : sequence of str, default ()
        Which of ``features`` to one-hot encode as categories (names not among the features
        are ignored). Missing cells drop the row with ``missing="drop"`` and are their own
        level otherwise; see :mod:`clustering.data` for the weights and rare levels.

    Returns
    -------
    Prepared

    Raises
    ------
    TableError
        No features, unknown or text columns, or no rows left.
    """
    if missing not in MISSING_STRATEGIES:
        raise ValueError(f"missing={missing!r} must be one of {MISSING_STRATEGIES}")
    if scaling not in SCALERS:
        raise ValueError(f"scaling={scaling!r} must be one of {tuple(SCALERS)}")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if not frame.columns.is_unique:
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise ValueError(f"frame column names must be unique; repeated: {dupes}")
    if isinstance(features, str):
        features = [features]
    notes: list[str] = []
    features = list(dict.fromkeys(features or []))
    unknown = [
        f for f in features + ([label] if label is not None else []) if f not in frame.columns
    ]
    if unknown:
        raise TableError(f"The table has no column named {join_names(unknown)}.")
    if label is not None and label in features:
        features.remove(label)
        notes.append(f"The label column {quote(label)} is not used as a feature.")
    if not features:
        _refuse_no_numeric(frame)
        raise TableError("Choose at least one feature column.")
    if len(frame) == 0:
        raise TableError("The table has no rows.")
    chosen = set(categorical or ())
    categories = [f for f in features if f in chosen]
    features = [f for f in features if f not in chosen]
    base = _rows_with_categories(frame, categories, missing, notes)
    if features:
        X = _numeric_matrix(frame, features, notes)
        X = X if base is None else X[base]
    else:
        X = np.empty((len(frame) if base is None else len(base), 0))
    fill = _fill_values(X, missing)
    X, row_index = _handle_missing(X, features, missing, notes)
    if base is not None:
        row_index = base[row_index]
    flat = [f for f, lo, hi in zip(features, X.min(axis=0), X.max(axis=0), strict=True) if lo == hi]
    if flat and len(X) > 1:
        notes.append(
            f"{join_names(flat)} {'has' if len(flat) == 1 else 'have'} the same value in every "
            "used row, so it adds nothing to the distances."
        )
    factor = _power_of_two_factor(X)
    X = X / factor
    scaler = None
    if SCALERS[scaling] is not None and features:
        scaler = SCALERS[scaling]().fit(X)
        X = scaler.transform(X)
        notes.append(f"Scaled the features with the {scaling} scaler.")
    elif np.nanmax(np.abs(X * factor), initial=0.0) > _OVERFLOW_RISK:
        notes.append(
            "Some values are larger than 1e150, so distances between unscaled points "
            "overflow; choose a scaling."
        )
    if scaler is None:
        X = X * factor
        factor = np.ones_like(factor)
    encoding = None
    if categories:
        block, encoding = fit_encoding(frame.iloc[row_index], categories, _mean_variance(X))
        X = np.hstack([X, block])
        notes.extend(encoding.describe())
    X = np.ascontiguousarray(X + 0.0, dtype=np.float64)  # + 0.0 turns -0.0 into 0.0
    return Prepared(
        X=X,
        feature_names=features + (encoding.feature_names if encoding else []),
        true_labels=_labels(frame, label, row_index, notes),
        row_index=row_index,
        notes=notes,
        n_distinct=_n_distinct(X),
        label_name=label,
        missing=missing,
        scaling=scaling,
        n_rows_original=len(frame),
        _factor=factor,
        _scaler=scaler,
        numeric_features=list(features),
        categorical_features=categories,
        encoding=encoding,
        _fill=fill,
        warnings=[n for n in notes if n.startswith(_WARNING_STARTS)],
    )


#: How the notes that :attr:`Prepared.warnings` repeats begin.
_WARNING_STARTS = ("Dropped ", "Every row has its own value in the label column")


def _rows_with_categories(frame: pd.DataFrame, categories: list[str], missing: str,
                          notes: list[str]) -> np.ndarray | None:
    """With ``missing="drop"``, the rows whose categorical cells are all present (else None)."""
    if not categories or missing != "drop":
        return None
    present = frame[categories].notna().to_numpy()
    keep = present.all(axis=1)
    if keep.all():
        return None
    if not keep.any():
        raise TableError(
            "Every row has a missing value in the chosen categorical columns, so no rows are "
            "left; fill missing values instead (they then become their own level)."
        )
    counts = (~present).sum(axis=0)
    where = ", ".join(f"{quote(c)} ({n:,})" for c, n in zip(categories, counts, strict=True) if n)
    n_dropped = int((~keep).sum())
    notes.append(f"Dropped {n_dropped:,} of {len(frame):,} rows with a missing category "
                 f"({where}).")
    return np.flatnonzero(keep).astype(np.int64)


def _fill_values(X: np.ndarray, missing: str) -> np.ndarray | None:
    """The statistic that fills a missing numeric cell of a new row (None with "drop")."""
    if missing == "drop" or X.shape[1] == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column is refused later
        return np.nanmedian(X, axis=0) if missing == "median" else np.nanmean(X, axis=0)


def _mean_variance(X: np.ndarray) -> float:
    """Mean variance of the non-constant scaled numeric columns; 1 when there are none."""
    if X.shape[1] == 0:
        return 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        var = np.var(X, axis=0)
    var = var[np.isfinite(var) & (var > 0)]
    return float(var.mean()) if var.size else 1.0


def _refuse_no_numeric(frame: pd.DataFrame) -> None:
    numeric = [
        c
        for c in frame.columns
        if not is_text(frame[c]) and pd.api.types.is_numeric_dtype(frame[c].dtype)
    ]
    if numeric:
        return
    texts = [c for c in frame.columns if is_text(frame[c])]
    usable = [c for c in texts if _mostly_numeric(frame[c])]
    if not usable:
        raise TableError(
            f"The table has no numeric columns; these columns are text: {join_names(texts)}."
        )


def _mostly_numeric(series: pd.Series) -> bool:
    return to_numeric(series).reads_as_numbers


@dataclass(frozen=True, eq=False)
class Numbers:
    """Feature columns read as numbers by the one rule (:func:`read_numbers`).

    Attributes
    ----------
    X : ndarray of shape (n_rows, n_read), float64
        The columns that read as numbers, in order; nan where a cell was missing, a missing
        marker, rare text or ±inf.
    text : list of str
        Columns with too much text to be numbers (missing markers such as ``"?"`` or
        ``"n/a"`` never count as text).
    dates : list of str
        Date columns.
    notes : list of str
        True/false columns used as 1/0, cells treated as missing, infinities.
    """

    X: np.ndarray
    text: list[str]
    dates: list[str]
    notes: list[str]


def read_numbers(frame: pd.DataFrame, features: list[str]) -> Numbers:
    """Read feature columns as numbers: the rule for the clustered table and for new rows.

    A column is text when :attr:`clustering.io.to_numeric`'s ``text_like`` says so; its
    markers and rare text cells become missing and are counted in a note.
    """
    columns, text, dates, notes, bad_cells, inf_cells = [], [], [], [], {}, {}
    for name in features:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            dates.append(name)
            continue
        num = to_numeric(series)
        if num.text_like:  # missing markers ("?", "-", "n/a") do not count as text
            text.append(name)
            continue
        values = num.values
        if pd.api.types.is_bool_dtype(series.dtype):
            notes.append(f"Column {quote(name)} holds true/false values, used as 1/0.")
        inf = np.isinf(values)
        if inf.any():
            inf_cells[name] = int(inf.sum())
            values = np.where(inf, np.nan, values)
        if num.n_bad or num.n_marked:
            bad_cells[name] = num
        columns.append(values)
    for name, num in bad_cells.items():
        count, shown = num.n_bad + num.n_marked, (num.examples + num.marker_examples)[:1]
        notes.append(
            f"{count:,} non-numeric value{'s' if count != 1 else ''} in {quote(name)} "
            f"(e.g. {quote(shown[0]) if shown else 'text'}) "
            f"{'was' if count == 1 else 'were'} treated as missing."
        )
    if inf_cells:
        total = sum(inf_cells.values())
        where = ", ".join(f"{quote(k)} ({v:,})" for k, v in inf_cells.items())
        notes.append(
            f"{total:,} infinite value{'s were' if total != 1 else ' was'} treated as "
            f"missing: {where}."
        )
    X = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    return Numbers(X, text, dates, notes)


def _numeric_matrix(frame: pd.DataFrame, features: list[str], notes: list[str]) -> np.ndarray:
    numbers = read_numbers(frame, features)
    if numbers.dates:
        raise TableError(f"Column {quote(numbers.dates[0])} holds dates, not numbers; remove it.")
    if numbers.text:
        if len(numbers.text) == len(features):
            _refuse_no_numeric(frame)
        raise TableError(
            f"{join_names(numbers.text)} {'is' if len(numbers.text) == 1 else 'are'} text, not "
            "numbers; choose numeric feature columns."
        )
    notes.extend(numbers.notes)
    return numbers.X


def _handle_missing(
    X: np.ndarray, features: list[str], missing: str, notes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    nan = np.isnan(X)
    per_column = nan.sum(axis=0)
    all_missing = [f for f, c in zip(features, per_column, strict=True) if c == len(X)]
    if all_missing:
        raise TableError(
            f"{join_names(all_missing)} {'has' if len(all_missing) == 1 else 'have'} no "
            "values at all; remove it from the features."
        )
    where = ", ".join(f"{quote(f)} ({c:,})" for f, c in zip(features, per_column, strict=True) if c)
    if missing == "drop":
        keep = ~nan.any(axis=1)
        row_index = np.flatnonzero(keep).astype(np.int64)
        n_dropped = len(X) - len(row_index)
        if n_dropped == len(X):
            raise TableError(
                "Every row has a missing value in the chosen features, so no rows are left; "
                "choose other features or fill missing values with the mean or median."
            )
        if n_dropped:
            notes.append(f"Dropped {n_dropped:,} of {len(X):,} rows with missing values ({where}).")
            X = X[keep]
        return X, row_index
    row_index = np.arange(len(X), dtype=np.int64)
    if nan.any():
        # SimpleImputer sums in float64; pre-divide by the power-of-two factor so the
        # mean of huge columns cannot overflow, then scale back exactly.
        factor = _power_of_two_factor(np.where(nan, 0.0, X))
        filled = SimpleImputer(strategy=missing).fit_transform(X / factor) * factor
        n_nan = int(nan.sum())
        notes.append(
            f"Filled {n_nan:,} missing value{'s' if n_nan != 1 else ''} with the column "
            f"{missing} ({where})."
        )
        X = filled
    return X, row_index


def _power_of_two_factor(X: np.ndarray) -> np.ndarray:
    """Per-column power of two near max |x|; dividing by it is exact and bounds |x| < 2."""
    with np.errstate(invalid="ignore"):
        peak = np.nanmax(np.abs(X), axis=0, initial=0.0) if X.size else np.zeros(X.shape[1])
    _, exponent = np.frexp(np.where(np.isfinite(peak) & (peak > 0), peak, 1.0))
    # peak < 2**exponent; one power lower keeps the factor finite even for 1.7e308.
    return np.ldexp(1.0, exponent - 1).astype(np.float64)


def _labels(
    frame: pd.DataFrame, label: str | None, row_index: np.ndarray, notes: list[str]
) -> np.ndarray | None:
    if label is None:
        return None
    series = frame[label].iloc[row_index]
    if len(series) > 1 and series.nunique(dropna=False) == len(series):
        notes.append(
            f"Every row has its own value in the label column {quote(label)}, so the scores "
            f"that compare with it see {len(series):,} classes of one row each."
        )
    n_missing = int(series.isna().sum())
    if n_missing:
        notes.append(
            f"{n_missing:,} used row{'s have' if n_missing != 1 else ' has'} no value in the "
            f"label column {quote(label)}; they are labelled '(missing)'."
        )
        series = series.astype(object).where(series.notna(), "(missing)")
        return series.astype(str).to_numpy(dtype=object)
    return series.to_numpy()


def _row_hash(X: np.ndarray) -> np.ndarray:
    """FNV-style 64-bit hash of each row's bit pattern, shape (n,)."""
    bits = X.view(np.uint64).reshape(X.shape)
    h = np.full(len(X), 0xCBF29CE484222325, dtype=np.uint64)
    for j in range(bits.shape[1]):
        h ^= bits[:, j]
        h *= np.uint64(0x100000001B3)
        h ^= h >> np.uint64(29)
    return h


def _n_distinct(X: np.ndarray) -> int:
    """Number of distinct rows of a finite float64 matrix (with -0.0 already +0.0).

    Rows are grouped by a vectorised 64-bit hash (equal rows always share a hash), and
    each group is checked against its first row; only groups where a true hash
    collision shows up are counted exactly with ``np.unique``.
    """
    n = len(X)
    if n == 0:
        return 0
    X = np.ascontiguousarray(X)
    h = _row_hash(X)
    order = np.argsort(h, kind="stable")
    hs = h[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = hs[1:] != hs[:-1]
    n_groups = int(np.count_nonzero(starts))
    if n_groups == n:
        return n
    group_sorted = np.cumsum(starts) - 1
    group = np.empty(n, dtype=np.int64)
    group[order] = group_sorted
    first = order[np.flatnonzero(starts)]  # a representative row of each group
    differs = (X != X[first[group]]).any(axis=1)
    collided = np.unique(group[differs])
    if collided.size == 0:
        return n_groups
    members = np.flatnonzero(np.isin(group, collided))
    return n_groups - int(collided.size) + len(np.unique(X[members], axis=0))
