"""Categorical feature columns as weighted one-hot blocks.

A categorical column with ``L`` encoded levels becomes ``L`` indicator columns
(scikit-learn's ``OneHotEncoder(handle_unknown="ignore")``). Two rows then differ by 0 or by
``sqrt(2)`` in that block whatever ``L`` is, and the block's total variance is
``sum_l p_l (1 - p_l)``, at most ``1 - 1/L`` (``p_l`` the level shares).

**Weight.** Each block is multiplied by ``w = sqrt(v * L / (L - 1))``, where ``v`` is the
mean variance of the scaled, non-constant numeric features (exactly 1 after
standardising; 1 when there are none). With evenly spread levels the block then has total
variance ``v``: one categorical column adds as much to the squared distances k-means sums
as one average numeric column, and a 50/50 yes/no column is exactly that column
standardised. Uneven levels weigh less, never more, so a rare level cannot swamp the
numbers. (Dividing by ``sqrt(L)`` instead would make a 20-level column count less than a
yes/no column, because one-hot distances do not grow with ``L``.)

**Rare levels.** A column with more than :data:`MAX_LEVELS` levels keeps the
``MAX_LEVELS - 1`` most frequent ones and pools the rest in one column, :data:`OTHER_LEVELS`
(``OneHotEncoder(max_categories=MAX_LEVELS)``; among equally frequent levels, those later in
sorted order stay, scikit-learn's rule).

**Missing cells** are their own level, :data:`MISSING_LEVEL`, when missing values are
filled; with ``missing="drop"`` their rows are dropped before encoding (see
:func:`clustering.data.prepare`).

**New rows** (scoring) go through the fitted encoder, never refitted: a level the clustered
table did not have gets zeros in the whole block (the ``"ignore"`` rule), and is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

from clustering.io import is_text, quote

__all__ = [
    "MAX_LEVELS",
    "MISSING_LEVEL",
    "OTHER_LEVELS",
    "CategoricalColumn",
    "CategoricalEncoding",
    "as_levels",
    "block_weight",
    "categorical_columns",
    "describe_unseen",
    "fit_encoding",
]

#: Most one-hot columns per categorical column; beyond it the rarest levels are pooled.
MAX_LEVELS = 20
#: Level name of a missing cell (when missing values are filled rather than dropped).
MISSING_LEVEL = "(missing)"
#: Name of the pooled column of rare levels.
OTHER_LEVELS = "(other levels)"
# Separator between a column name and a level in an encoded feature name.
_SEP = " = "
# Day-month-year in any order with - / or . (times may follow): a date column, not categories.
_DATE_LIKE = r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"


def as_levels(series: pd.Series) -> np.ndarray:
    """A column's cells as level text: ``str(value)``, missing cells :data:`MISSING_LEVEL`.

    Returns
    -------
    ndarray of object (str), shape (n,)
    """
    values = series.astype(object)
    present = values.notna().to_numpy()
    out = np.full(len(values), MISSING_LEVEL, dtype=object)
    out[present] = [str(v) for v in values.to_numpy()[present]]
    return out


def block_weight(n_levels: int, target_variance: float) -> float:
    """Weight of a one-hot block of ``n_levels`` columns (see the module docstring)."""
    if n_levels < 2:
        return 1.0  # one level: every row is the same, the weight changes nothing
    return float(np.sqrt(target_variance * n_levels / (n_levels - 1)))


@dataclass(frozen=True)
class CategoricalColumn:
    """How one categorical column was encoded.

    Attributes
    ----------
    name : str
        The column, as in the table.
    levels : tuple of str
        One per encoded column, in order; the last is :data:`OTHER_LEVELS` when rare levels
        were pooled.
    pooled : tuple of str
        The levels pooled into :data:`OTHER_LEVELS` (empty when none).
    weight : float
        Factor applied to the block's 0/1 columns.
    n_distinct : int
        Distinct levels in the clustered rows (missing counted as one level).
    """

    name: str
    levels: tuple[str, ...]
    pooled: tuple[str, ...]
    weight: float
    n_distinct: int

    @property
    def feature_names(self) -> list[str]:
        """Encoded column names, ``"<column> = <level>"``."""
        return [f"{self.name}{_SEP}{level}" for level in self.levels]


# eq=False: holds a fitted encoder.
@dataclass(frozen=True, eq=False)
class CategoricalEncoding:
    """The fitted one-hot encoding of the categorical features (a record and a transform).

    Attributes
    ----------
    columns : tuple of CategoricalColumn
    target_variance : float
        ``v`` in the weight formula.
    encoder_ : OneHotEncoder
        Fitted on the clustered rows; reused, never refitted, for new rows.
    """

    columns: tuple[CategoricalColumn, ...]
    target_variance: float
    encoder_: OneHotEncoder

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def feature_names(self) -> list[str]:
        return [name for c in self.columns for name in c.feature_names]

    @property
    def weights(self) -> np.ndarray:
        """Weight of every encoded column, shape (n_encoded,)."""
        return np.concatenate([np.full(len(c.levels), c.weight) for c in self.columns])

    @property
    def n_features(self) -> int:
        return sum(len(c.levels) for c in self.columns)

    def transform(self, frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, list[str]]]:
        """Encode rows with the fitted encoder (prior validation of columns assumed).

        Parameters
        ----------
        frame : DataFrame with every column in :attr:`names`

        Returns
        -------
        block : ndarray of shape (n, n_features), float64
            Weighted indicators; rows with an unseen level are 0 in that column's block.
        unseen : dict of str to list of str
            Per column, the distinct levels the clustered table did not have.
        """
        levels = np.column_stack([as_levels(frame[name]) for name in self.names]) if len(
            frame) else np.empty((0, len(self.columns)), dtype=object)
        unseen: dict[str, list[str]] = {}
        for j, (column, known) in enumerate(zip(self.columns, self.encoder_.categories_,
                                                strict=True)):
            new = pd.unique(levels[:, j])
            missing_from_fit = [v for v in new if v not in set(known)]
            if missing_from_fit:
                unseen[column.name] = [str(v) for v in missing_from_fit]
        block = np.asarray(self.encoder_.transform(levels), dtype=np.float64)
        return block * self.weights, unseen

    def describe(self) -> list[str]:
        """Plain sentences for the page: what was encoded and how (names not escaped)."""
        out = []
        for c, known in zip(self.columns, self.encoder_.categories_, strict=True):
            shown = len(c.levels) - (1 if c.pooled else 0)
            text = (f"Encoded {quote(c.name)} as categories: {c.n_distinct:,} level"
                    f"{'s' if c.n_distinct != 1 else ''}, one 0/1 column each")
            if c.pooled:
                text += (f" for the {shown} most frequent; the other {len(c.pooled):,} share "
                         f"one column {quote(OTHER_LEVELS)} (more than {MAX_LEVELS} levels)")
            if MISSING_LEVEL in set(known):
                text += f"; missing cells are a level of their own, {quote(MISSING_LEVEL)}"
            out.append(text + f"; weight {c.weight:.3g}.")
        if self.columns:
            out.append(
                "Each categorical column is weighted so that, with evenly spread levels, it "
                "counts as much as one average numeric feature "
                f"(weight = sqrt({self.target_variance:.3g} x L / (L - 1)) for L columns)."
            )
        return out


def fit_encoding(frame: pd.DataFrame, names: list[str],
                 target_variance: float) -> tuple[np.ndarray, CategoricalEncoding]:
    """Fit the encoding on the clustered rows and return their weighted block.

    Parameters
    ----------
    frame : DataFrame of shape (n, ...)
        The clustered rows only (after rows with missing values were dropped).
    names : list of str
        Categorical columns, in order.
    target_variance : float
        Mean variance of the scaled numeric features (1 if there are none).

    Returns
    -------
    block : ndarray of shape (n, n_encoded), float64
    encoding : CategoricalEncoding
    """
    levels = np.column_stack([as_levels(frame[name]) for name in names])
    encoder = OneHotEncoder(handle_unknown="ignore", max_categories=MAX_LEVELS,
                            sparse_output=False, dtype=np.float64).fit(levels)
    infrequent = encoder.infrequent_categories_
    columns = []
    for j, name in enumerate(names):
        pooled = () if infrequent[j] is None else tuple(str(v) for v in infrequent[j])
        kept = tuple(str(v) for v in encoder.categories_[j] if str(v) not in set(pooled))
        encoded = kept + ((OTHER_LEVELS,) if pooled else ())
        columns.append(CategoricalColumn(
            name=name, levels=encoded, pooled=pooled,
            weight=block_weight(len(encoded), target_variance),
            n_distinct=len(encoder.categories_[j]),
        ))
    encoding = CategoricalEncoding(tuple(columns), float(target_variance), encoder)
    block = np.asarray(encoder.transform(levels), dtype=np.float64) * encoding.weights
    return block, encoding


def categorical_columns(frame: pd.DataFrame, exclude: list[str] | tuple[str, ...] = ()
                        ) -> list[str]:
    """Columns that can be used as categorical features.

    Text, categorical and true/false columns that are not mostly numbers (those are numeric
    features), not dates, and not an identifier (a different value in every row of a table of
    5 rows or more). ``exclude`` (e.g. the numeric columns) is left out.

    Returns
    -------
    list of str, in table order
    """
    skip = set(exclude)
    out = []
    n = len(frame)
    for name in frame.columns:
        if name in skip:
            continue
        series = frame[name]
        if not (is_text(series) or pd.api.types.is_bool_dtype(series.dtype)):
            continue
        present = series.dropna()
        if present.empty:
            continue
        if n >= 5 and present.nunique() == n:
            continue
        if is_text(series) and _looks_like_dates(present):
            continue
        out.append(name)
    return out


def _looks_like_dates(present: pd.Series) -> bool:
    sample = present.astype(str).head(200)
    return bool(sample.str.match(_DATE_LIKE).mean() >= 0.9)


def describe_unseen(unseen: dict[str, list[str]], n_rows: int) -> str | None:
    """One sentence about new levels met while encoding new rows, or None."""
    if not unseen:
        return None
    parts = [f"{quote(name)} (e.g. {quote(levels[0])})" for name, levels in unseen.items()]
    shown = ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")
    return (f"Some of the {n_rows:,} new rows have levels the clustered table did not have, "
            f"in {shown}; they count as none of the known levels of that column.")
