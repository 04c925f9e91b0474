"""Column roles for a loaded table: features, labels, IDs, dates, constants.

Private helpers shared by :mod:`clustering.io` (to suggest defaults) and
:mod:`clustering.data` (to turn a chosen column into numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clustering.text import shorten

#: Share of non-missing cells that must read as numbers for a text column to count as
#: numeric; the rest are "rare" non-numeric cells that become missing values.
NUMERIC_SHARE = 0.9
#: Most distinct values a text column may have to be offered as a label.
MAX_LABEL_LEVELS = 50
#: Most distinct values an integer column may have to be offered as a label too.
MAX_INT_LABEL_LEVELS = 20
#: Most columns selected as features by default; analysts can pick more.
MAX_DEFAULT_FEATURES = 50
#: Fewest rows before uniqueness or a constant step is taken as evidence of an ID.
MIN_ROWS_FOR_ID = 5

_ID_NAME = re.compile(
    r"(^|[\s_.\-])(id|ids|idx|index|key|uuid|guid)$|^(id|idx|row|#|no\.?|nr\.?)([\s_.\-]|$)"
    r"|^unnamed",
    re.IGNORECASE,
)
_LABEL_NAME = re.compile(
    r"^(label|labels|class|classes|target|species|cluster|group|category|truth|"
    r"ground[ _]?truth|true[ _]?label)$",
    re.IGNORECASE,
)
_BOOL_WORDS = frozenset({
    "true", "false", "yes", "no", "y", "n", "t", "f",
    "ja", "nein", "wahr", "falsch", "oui", "non", "vrai", "faux", "si", "sí", "sim", "não",
})  # fmt: skip
_DATE_LIKE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def quote(name: object) -> str:
    """Show a column name or a cell inside a sentence: plain text (the UI escapes it), cut
    to :data:`clustering.text.MAX_LABEL_LENGTH` characters with an ellipsis."""
    return f"'{shorten(name)}'"


def join_names(names: list, limit: int = 8) -> str:
    """``'a', 'b' and 3 more`` style listing for notes and errors."""
    shown = ", ".join(quote(n) for n in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit:,} more"


#: Cells that mean "no value" in exported tables (pandas already reads ``""``, ``NA``, ``n/a``,
#: ``null`` and ``NaN`` as missing); compared stripped and in lower case. They are missing
#: values, not words, so they never make a column of numbers count as text.
MISSING_MARKERS = frozenset({
    "?", "??", "-", "--", "---", ".", "..", "n/a", "n.a.", "na", "nan", "null", "none", "nil",
    "missing", "#n/a", "#na", "#value!", "#div/0!", "#ref!", "#num!", "#name?", "#null!",
})  # fmt: skip


@dataclass(frozen=True)
class Numeric:
    """A column read as numbers: values, and which cells were not numbers.

    ``n_present`` cells are not missing; of them ``n_marked`` are missing markers
    (:data:`MISSING_MARKERS`) and ``n_bad`` are other text; the rest are numbers. All but
    the numbers are nan in ``values``.
    """

    values: np.ndarray  # float64, nan where missing, ±inf kept
    n_bad: int  # non-missing cells that were not numbers or markers (now nan)
    examples: tuple[str, ...]  # up to three of those cells
    n_marked: int = 0  # cells such as "?" or "-" (now nan)
    n_present: int = 0  # cells that were not missing to begin with
    marker_examples: tuple[str, ...] = ()  # up to three distinct markers met

    @property
    def n_numbers(self) -> int:
        return self.n_present - self.n_marked - self.n_bad

    @property
    def reads_as_numbers(self) -> bool:
        """At least one number, and at most ``1 - NUMERIC_SHARE`` of the values are text."""
        return self.n_numbers > 0 and self.n_bad <= (1 - NUMERIC_SHARE) * (
            self.n_numbers + self.n_bad
        )

    @property
    def text_like(self) -> bool:
        """Too much text to be a column of numbers (a column of only markers is not text)."""
        return self.n_bad > 0 and not self.reads_as_numbers


def is_text(series: pd.Series) -> bool:
    """True for object, string and categorical columns."""
    return (
        pd.api.types.is_object_dtype(series.dtype)
        or pd.api.types.is_string_dtype(series.dtype)
        or isinstance(series.dtype, pd.CategoricalDtype)
    )


def to_numeric(series: pd.Series) -> Numeric:
    """Read a column as float64, counting cells that are not numbers.

    Text is tried as written, then with a decimal comma (``"1,5"``), keeping whichever
    reads more cells. Booleans become 0/1. Strings are never evaluated.
    """
    if pd.api.types.is_bool_dtype(series.dtype) or (
        pd.api.types.is_numeric_dtype(series.dtype) and not is_text(series)
    ):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return Numeric(values, 0, (), n_present=int(np.count_nonzero(~np.isnan(values))))
    if not is_text(series):
        bad = int(series.notna().sum())
        return Numeric(np.full(len(series), np.nan), bad, (), n_present=bad)
    text = series.astype(object)
    present = text.notna().to_numpy()
    values = pd.to_numeric(text, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan, copy=True
    )
    n_bad = int(np.count_nonzero(present & np.isnan(values)))
    if n_bad:
        as_str = text[present].astype(str).str.strip()
        if as_str.str.contains(",", regex=False).any():
            alt = pd.to_numeric(
                text.astype(str).str.strip().str.replace(",", ".", regex=False),
                errors="coerce",
            ).to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
            alt[~present] = np.nan
            alt_bad = int(np.count_nonzero(present & np.isnan(alt)))
            if alt_bad < n_bad:
                values, n_bad = alt, alt_bad
    examples: tuple[str, ...] = ()
    n_marked = 0
    if n_bad:
        mask = present & np.isnan(values)
        cells = text[mask].astype(str)
        marked = cells.str.strip().str.lower().isin(MISSING_MARKERS).to_numpy()
        n_marked = int(np.count_nonzero(marked))
        n_bad -= n_marked
        examples = tuple(str(v) for v in cells[~marked].unique()[:3])
        markers = tuple(str(v) for v in cells[marked].unique()[:3])
    else:
        markers = ()
    return Numeric(values, n_bad, examples, n_marked, int(np.count_nonzero(present)), markers)


@dataclass
class Roles:
    """Suggested use of every column, with reasons for those left out."""

    numeric_columns: list[str] = field(default_factory=list)
    default_features: list[str] = field(default_factory=list)
    label_candidates: list[str] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def classify(frame: pd.DataFrame) -> Roles:
    """Sort the columns of ``frame`` into features, label candidates and the rest.

    Prior cleaning is assumed: names are unique strings, empty columns are gone.
    """
    roles = Roles()
    n = len(frame)
    constant: list[str] = []
    rare_bad: list[tuple[str, Numeric]] = []
    for name in frame.columns:
        series = frame[name]
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype):
            roles.excluded[name] = "true/false values"
            roles.label_candidates.append(name)
            continue
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            roles.excluded[name] = "dates or times"
            continue
        if is_text(series):
            _classify_text(name, series, n, roles, constant, rare_bad)
            continue
        if not pd.api.types.is_numeric_dtype(dtype):
            roles.excluded[name] = f"values of type {dtype} cannot be used as numbers"
            continue
        roles.numeric_columns.append(name)
        _classify_number(name, series, n, roles, constant)

    if constant and not roles.default_features:
        # Every usable column is constant: keep them selected so the analyst meets the
        # real problem (only one distinct point) rather than an empty feature list.
        for name in constant:
            roles.excluded.pop(name, None)
            roles.default_features.append(name)
        roles.notes.append(
            f"Every numeric column ({join_names(constant)}) has the same value in every "
            "row, so the rows cannot be told apart."
            if len(frame) > 1
            else "The table has a single row, so there is nothing to cluster yet."
        )
    elif len(constant) == 1:
        roles.notes.append(
            f"Column {quote(constant[0])} has the same value in every row, so it carries "
            "no information and is left out of the default features."
        )
    elif constant:
        roles.notes.append(
            f"Columns {join_names(constant)} each have the same value in every row, so they "
            "carry no information and are left out of the default features."
        )
    for name, numeric in rare_bad:
        missing = len(frame) - numeric.n_numbers
        shown = ", ".join(quote(e) for e in numeric.examples + numeric.marker_examples)
        why = [f"cells such as {shown}"]
        if len(frame) > numeric.n_present:
            why.append("empty or NA cells")
        roles.notes.append(
            f"Column {quote(name)} is read as numbers: {missing:,} "
            f"value{'s' if missing != 1 else ''} set to missing ({' and '.join(why)})."
        )
    ids = [k for k, v in roles.excluded.items() if v.startswith("looks like a row number")]
    if ids:
        verb = (
            "looks like a row number or ID and is"
            if len(ids) == 1
            else ("look like row numbers or IDs and are")
        )
        roles.notes.append(f"{join_names(ids)} {verb} left out of the default features.")
    if len(roles.default_features) > MAX_DEFAULT_FEATURES:
        total = len(roles.default_features)
        for name in roles.default_features[MAX_DEFAULT_FEATURES:]:
            roles.excluded[name] = f"only the first {MAX_DEFAULT_FEATURES} features are preselected"
        roles.default_features = roles.default_features[:MAX_DEFAULT_FEATURES]
        roles.notes.append(
            f"Only the first {MAX_DEFAULT_FEATURES} of {total:,} usable numeric columns are "
            "selected by default; add others if you need them."
        )
    return roles


def _classify_number(name: str, series: pd.Series, n: int, roles: Roles, constant: list) -> None:
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.min() == finite.max():
        roles.excluded[name] = "constant: carries no information"
        constant.append(name)
        return
    is_int_dtype = pd.api.types.is_integer_dtype(series.dtype)
    if not is_int_dtype:
        roles.default_features.append(name)
        return
    n_distinct = int(series.nunique())  # hash-based; float columns never need it
    if n >= MIN_ROWS_FOR_ID and n_distinct == n:
        steps = np.diff(values)
        if np.all(steps == steps[0]) or _ID_NAME.search(str(name)):
            roles.excluded[name] = "looks like a row number or ID"
            return
    if n_distinct <= MAX_INT_LABEL_LEVELS and n_distinct < n:
        roles.label_candidates.append(name)
        if _LABEL_NAME.match(str(name)):
            roles.excluded[name] = "looks like a class label"
            return
    roles.default_features.append(name)


def _mostly_number_text(values: list[str]) -> bool:
    """Whether at least half the values that are not missing markers read as numbers
    (as written, or with a decimal comma)."""
    numbers = words = 0
    for value in values:
        text = value.strip()
        if text.lower() in MISSING_MARKERS:
            continue
        try:
            float(text.replace(",", "."))
        except ValueError:
            words += 1
        else:
            numbers += 1
    return numbers > 0 and numbers >= words


def _has_codes(values) -> bool:
    """Whether some value is a whole number written with a leading zero (``00042``).

    Such a column holds codes or identifiers, not quantities: it stays text, and is exported
    as written.
    """
    return any(len(v) > 1 and v[0] == "0" and v.isdigit() for v in values)


def _classify_text(
    name: str, series: pd.Series, n: int, roles: Roles, constant: list, rare_bad: list
) -> None:
    present = series.dropna()
    if present.empty:
        roles.excluded[name] = "empty"
        return
    distinct = present.astype(str).str.strip().unique()
    if len(distinct) <= 2 and {d.lower() for d in distinct} <= _BOOL_WORDS:
        roles.excluded[name] = "true/false values"
        roles.label_candidates.append(name)
        return
    n_present = len(present)
    # A bounded sample settles plain text columns cheaply (plain Python over 200 values:
    # per column, pandas' set-up costs milliseconds, which 500 text columns make seconds);
    # only plausible number columns pay for converting every cell.
    head = present.head(200).astype(str).tolist()
    codes = _has_codes(distinct[:2000])
    plausible = not codes and _mostly_number_text(head)
    numeric = to_numeric(series) if plausible else None
    if numeric is not None and numeric.reads_as_numbers:
        roles.numeric_columns.append(name)
        finite = numeric.values[np.isfinite(numeric.values)]
        if np.unique(finite).size <= 1:
            roles.excluded[name] = "constant: carries no information"
            constant.append(name)
        else:
            roles.default_features.append(name)
        if numeric.n_bad or numeric.n_marked:
            rare_bad.append((name, numeric))
        return
    # Plain-Python loops over at most 200 values: per column, pandas' string methods cost
    # milliseconds of set-up, which 500 text columns turn into seconds.
    sample = present.astype(str).head(200).tolist()
    if sum(_DATE_LIKE.match(v) is not None for v in sample) >= NUMERIC_SHARE * len(sample):
        roles.excluded[name] = "dates or times"
        return
    if n >= MIN_ROWS_FOR_ID and len(distinct) == n_present == n:
        # Offered as the label too: scoring against one class per row is rarely meant, and
        # prepare() says so, but it is the analyst's call.
        roles.label_candidates.append(name)
        roles.excluded[name] = "text with a different value in every row (an identifier)"
        return
    if codes:
        roles.excluded[name] = "codes with leading zeros (kept as text)"
        if len(distinct) <= MAX_LABEL_LEVELS:
            roles.label_candidates.append(name)
        return
    if len(distinct) <= MAX_LABEL_LEVELS:
        roles.label_candidates.append(name)
        roles.excluded[name] = "text (can be used as the label)"
    else:
        roles.excluded[name] = f"text with {len(distinct):,} different values"
