"""The run as a Python script (and a notebook) using pandas and scikit-learn only.

The generated code is a fixed template plus one block of settings. The settings are written by
:func:`literal` from plain values (``None``, bools, ints, finite floats, strings, lists and
dicts of them) with ``repr``, which always yields a valid, inert Python literal: a column
named ``"); import os; os.system("x`` becomes the string ``'"); import os; os.system("x'``
and nothing else. Every written literal is read back with :func:`ast.literal_eval` and
compared before the script is returned, so a value that would not round-trip is refused.
Nothing from the user's file is ever written outside that block, nor into the notebook's text.

The template prepares the table exactly as :func:`clustering.data.prepare` does, starts
k-means from the run's own initial centres (``sklearn.cluster.KMeans`` for Euclidean distance
with the mean rule; a short numpy Lloyd loop, the same as the app's, for the other distances
and centre rules), and prints the metrics the page shows next to the page's numbers.
"""

from __future__ import annotations

import ast
import json
import math

from clustering.codegen._recipe import RunRecipe

__all__ = ["SCRIPT_FILENAME", "NOTEBOOK_FILENAME", "literal", "run_notebook", "run_script"]

SCRIPT_FILENAME = "cluster_explorer_run.py"
NOTEBOOK_FILENAME = "cluster_explorer_run.ipynb"

# Order and one-line meaning of every constant in the settings block.
_SETTINGS = (
    ("SOURCE", "'sklearn' (a built-in set), 'file' (your upload) or 'export' (the app's "
               "labelled download)"),
    ("DATA_FILE", "the file read (give another path as the first argument)"),
    ("SKLEARN_LOADER", "scikit-learn loader of the built-in set"),
    ("CLASS_NAMES", "class name of each scikit-learn target number"),
    ("FILE_FORMAT", "'csv', 'xlsx' or 'parquet'"),
    ("READ_OPTIONS", "how the app read the file"),
    ("COLUMNS", "the table's columns, named as in the app"),
    ("N_ROWS", "rows the app read"),
    ("NUMERIC", "features read as numbers"),
    ("CATEGORICAL", "features one-hot encoded as categories"),
    ("LABEL", "true-label column, used only to score the clusters"),
    ("MISSING", "'drop' rows with a missing feature, or fill with the 'mean' / 'median'"),
    ("SCALING", "scaling of the numeric features"),
    ("MAX_LEVELS", "most one-hot columns per categorical feature (rarer levels pooled)"),
    ("N_CLUSTERS", "K"),
    ("DISTANCE", "'euclidean', 'manhattan' or 'cosine'"),
    ("CENTER", "centre rule: 'mean', 'median', 'normalized-mean' or 'medoid'"),
    ("MAX_ITER", "iteration cap"),
    ("TOL", "stop when the centres move less than this (relative to the data's variance)"),
    ("INIT", "how the app drew the initial centres below"),
    ("N_INIT", "restarts the app ran (the centres below started the best one)"),
    ("SEED", "the app's random seed (here it only draws medoid samples of big clusters)"),
    ("INITIAL_CENTERS", "initial centres, in the prepared (scaled, encoded) space"),
    ("SILHOUETTE_SAMPLE", "above this many rows the silhouette uses a seeded sample"),
    ("APP_RESULTS", "the numbers the app showed, to compare with"),
)

_DOC = '''"""Reproduce a Cluster Explorer k-means run with pandas and scikit-learn.

Written by Cluster Explorer. It reads the data, prepares the features as the app did, runs
k-means from the same initial centres and prints the app's quality metrics next to the ones
computed here.

    python {filename} [path to the data file]
"""
'''

_IMPORTS = '''import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.spatial.distance import cdist
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler
'''

_FUNCTIONS = '''SCALERS = {"none": None, "standard": StandardScaler, "minmax": MinMaxScaler,
           "robust": RobustScaler}
MISSING_LEVEL = "(missing)"
NUMERIC_SHARE = 0.9  # a text column counts as numbers when this share of cells reads as one


def load_table(path):
    """The table as the app read it: the same columns under the same names."""
    if SOURCE == "sklearn":
        from sklearn import datasets

        bunch = getattr(datasets, SKLEARN_LOADER)()
        table = pd.DataFrame(bunch.data)
        if CLASS_NAMES is not None:
            table["label"] = np.asarray(CLASS_NAMES, dtype=object)[bunch.target]
    elif FILE_FORMAT == "xlsx":
        table = pd.read_excel(path, **READ_OPTIONS)
    elif FILE_FORMAT == "parquet":
        table = pd.read_parquet(path)
    else:
        table = pd.read_csv(path, **READ_OPTIONS)
    if SOURCE == "export":
        table = table.iloc[:, : len(COLUMNS)]  # the download adds cluster, distance, status
    table = table.loc[:, table.notna().any()]  # the app drops empty columns
    if table.shape[1] != len(COLUMNS):
        sys.exit(f"{path} has {table.shape[1]} non-empty columns; the app read {len(COLUMNS)}.")
    table.columns = COLUMNS
    if len(table) != N_ROWS:
        print(f"Note: {len(table)} rows read here, {N_ROWS} in the app; numbers may differ.")
    return table.reset_index(drop=True)


def to_numbers(column):
    """A column as float64, NaN where missing or not a number (decimal commas understood)."""
    if pd.api.types.is_bool_dtype(column.dtype) or (
            pd.api.types.is_numeric_dtype(column.dtype)
            and not pd.api.types.is_string_dtype(column.dtype)):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        text = column.astype(object)
        present = text.notna().to_numpy()
        values = pd.to_numeric(text, errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan, copy=True)
        bad = np.count_nonzero(present & np.isnan(values))
        if bad:
            alt = pd.to_numeric(text.astype(str).str.strip().str.replace(",", ".", regex=False),
                                errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan,
                                                          copy=True)
            alt[~present] = np.nan
            if np.count_nonzero(present & np.isnan(alt)) < bad:
                values = alt
    return np.where(np.isinf(values), np.nan, values)


def as_levels(column):
    """A column's cells as level text; missing cells are a level of their own."""
    values = column.astype(object)
    present = values.notna().to_numpy()
    out = np.full(len(values), MISSING_LEVEL, dtype=object)
    out[present] = [str(v) for v in values.to_numpy()[present]]
    return out


def prepare(table):
    """Feature matrix, positions of the used rows, and their true labels (or None)."""
    rows = np.arange(len(table))
    if CATEGORICAL and MISSING == "drop":
        rows = rows[table[CATEGORICAL].notna().to_numpy().all(axis=1)]
    if NUMERIC:
        numbers = np.column_stack([to_numbers(table[c]) for c in NUMERIC])[rows]
    else:
        numbers = np.empty((len(rows), 0))
    if MISSING == "drop":
        keep = ~np.isnan(numbers).any(axis=1)
        rows, numbers = rows[keep], numbers[keep]
    elif np.isnan(numbers).any():
        numbers = SimpleImputer(strategy=MISSING).fit_transform(numbers)
    if SCALERS[SCALING] is not None and NUMERIC:
        numbers = SCALERS[SCALING]().fit(numbers).transform(numbers)
    X = numbers
    if CATEGORICAL:
        levels = np.column_stack([as_levels(table[c].iloc[rows]) for c in CATEGORICAL])
        encoder = OneHotEncoder(handle_unknown="ignore", max_categories=MAX_LEVELS,
                                sparse_output=False, dtype=np.float64).fit(levels)
        # Each block weighs as much as an average numeric feature when its levels are even.
        variance = np.var(numbers, axis=0) if NUMERIC else np.empty(0)
        variance = variance[np.isfinite(variance) & (variance > 0)]
        target = float(variance.mean()) if variance.size else 1.0
        weights = []
        for known, rare in zip(encoder.categories_, encoder.infrequent_categories_):
            width = len(known) if rare is None else len(known) - len(rare) + 1
            weight = float(np.sqrt(target * width / (width - 1))) if width >= 2 else 1.0
            weights += [weight] * width
        X = np.hstack([numbers, encoder.transform(levels) * np.asarray(weights)])
    X = np.ascontiguousarray(X + 0.0, dtype=np.float64)
    truth = None
    if LABEL is not None:
        labels = table[LABEL].iloc[rows]
        if labels.isna().any():
            labels = labels.astype(object).where(labels.notna(), "(missing)").astype(str)
        truth = labels.to_numpy()
    return X, rows, truth


def unit_rows(A):
    norms = np.sqrt(np.einsum("ij,ij->i", A, A))
    norms[norms == 0] = 1.0
    return A / norms[:, None]


def assign(X, C, X_unit):
    """Nearest centre of every row and its objective term."""
    if DISTANCE == "euclidean":
        D = np.einsum("ij,ij->i", C, C) - 2.0 * (X @ C.T)
        labels = np.argmin(D, axis=1)
        terms = np.maximum(D[np.arange(len(X)), labels] + np.einsum("ij,ij->i", X, X), 0.0)
    elif DISTANCE == "manhattan":
        D = cdist(X, C, metric="cityblock")
        labels = np.argmin(D, axis=1)
        terms = D[np.arange(len(X)), labels]
    else:
        S = X_unit @ unit_rows(C).T
        labels = np.argmax(S, axis=1)
        terms = np.maximum(1.0 - S[np.arange(len(X)), labels], 0.0)
    return labels.astype(np.int32), terms


def cluster_sums(X, labels, k):
    onehot = sp.csr_matrix((np.ones(len(X)), (labels, np.arange(len(X)))), shape=(k, len(X)))
    return np.asarray(onehot @ X), np.bincount(labels, minlength=k)


def new_centers(X, labels, previous, rng):
    """The centre rule: each cluster's mean, median, mean direction or medoid."""
    k = len(previous)
    out = previous.copy()
    if CENTER in ("mean", "normalized-mean"):
        if CENTER == "normalized-mean":
            X = X / np.sqrt(np.einsum("ij,ij->i", X, X))[:, None]
        sums, counts = cluster_sums(X, labels, k)
        lengths = np.sqrt(np.einsum("ij,ij->i", sums, sums))
        full = counts > 0
        if CENTER == "mean":
            out[full] = sums[full] / counts[full, None]
        else:
            full &= lengths > 0
            out[full] = sums[full] / lengths[full, None]
        return out
    for j in range(k):
        members = np.flatnonzero(labels == j)
        if members.size == 0:
            continue
        if CENTER == "median":
            out[j] = np.median(X[members], axis=0)
            continue
        candidates = reference = members  # medoid: exact up to 2000 members
        if members.size > 2000:
            candidates = rng.choice(members, size=256, replace=False)
            reference = rng.choice(members, size=4096, replace=False)
        cost = np.zeros(len(candidates))
        block = max(1, 2_000_000 // len(candidates))
        for start in range(0, len(reference), block):
            part = X[reference[start:start + block]]
            if DISTANCE == "cosine":
                D = np.maximum(1.0 - unit_rows(part) @ unit_rows(X[candidates]).T, 0.0)
            else:
                D = cdist(part, X[candidates],
                          metric="cityblock" if DISTANCE == "manhattan" else "euclidean")
            cost += D.sum(axis=0)
        out[j] = X[candidates[np.argmin(cost)]]
    return out


def objective(X, C, labels, X_unit):
    if DISTANCE == "cosine":
        return float(np.maximum(1.0 - np.einsum("ij,ij->i", X_unit, unit_rows(C)[labels]),
                                0.0).sum())
    diff = X - C[labels]
    if DISTANCE == "euclidean":
        return float(np.einsum("ij,ij->i", diff, diff).sum())
    return float(np.abs(diff).sum(axis=1).sum())


def lloyd(X, centers):
    """Lloyd's k-means for any distance and centre rule, as the app runs it."""
    offset = X.mean(axis=0) if DISTANCE == "euclidean" else None
    Xw = X - offset if offset is not None else X
    centers = centers - offset if offset is not None else centers.copy()
    X_unit = unit_rows(X) if DISTANCE == "cosine" else None
    space = X_unit if X_unit is not None else Xw
    tol = float(np.mean(np.var(space, axis=0)) * TOL) if TOL > 0 else 0.0
    X_rule = X_unit if X_unit is not None and CENTER == "normalized-mean" else Xw
    rng = np.random.RandomState(SEED)  # medoids of clusters above 2000 rows only
    k, old, strict = len(centers), np.full(len(X), -1), False
    for i in range(MAX_ITER):
        labels, terms = assign(Xw, centers, X_unit)
        changed = np.count_nonzero(labels != old)
        new = new_centers(X_rule, labels, centers, rng)
        empty = np.flatnonzero(np.bincount(labels, minlength=k) == 0)
        if empty.size and terms.max() > 0:
            # An empty cluster takes one of the points farthest from their centres.
            moved = labels.copy()
            moved[np.argpartition(terms, -empty.size)[: -empty.size - 1: -1]] = empty
            new = new_centers(X_rule, moved, centers, rng)
        shift = float(((new - centers) ** 2).sum())
        centers, old = new, labels
        if changed == 0:
            strict = True
            break
        if shift <= tol:
            break
    if strict:
        inertia = objective(Xw, centers, labels, X_unit)
    else:
        labels, terms = assign(Xw, centers, X_unit)
        inertia = float(terms.sum())
    return labels, (centers + offset if offset is not None else centers), inertia, i + 1


def fit(X):
    """k-means from the app's initial centres: labels, centres, objective, iterations."""
    start = np.asarray(INITIAL_CENTERS, dtype=np.float64)
    if DISTANCE == "euclidean" and CENTER == "mean":
        km = KMeans(n_clusters=N_CLUSTERS, init=start, n_init=1, max_iter=MAX_ITER, tol=TOL,
                    algorithm="lloyd").fit(X)
        return km.labels_, km.cluster_centers_, float(km.inertia_), int(km.n_iter_)
    return lloyd(X, start)


def scores(X, labels, inertia, n_iter, truth):
    """The metrics the app shows, by the same names."""
    out = {"objective": inertia}
    n, found = len(labels), len(np.unique(labels))
    if 1 < found < n:
        rows = np.arange(n)
        if n > SILHOUETTE_SAMPLE:  # the app's seeded sample
            rows = np.sort(np.random.RandomState(0).permutation(n)[:SILHOUETTE_SAMPLE])
        if 1 < len(np.unique(labels[rows])) < len(rows):
            out["silhouette"] = metrics.silhouette_score(X[rows], labels[rows], metric=DISTANCE)
        out["calinski_harabasz"] = metrics.calinski_harabasz_score(X, labels)
        out["davies_bouldin"] = metrics.davies_bouldin_score(X, labels)
    if truth is not None and n >= 2:
        values = np.asarray(pd.Series(truth).tolist())
        if values.dtype == object:
            values = values.astype(str)
        codes = np.unique(values, return_inverse=True)[1]
        h, c, v = metrics.homogeneity_completeness_v_measure(codes, labels)
        out.update(homogeneity=h, completeness=c, v_measure=v,
                   ari=metrics.adjusted_rand_score(codes, labels),
                   ami=metrics.adjusted_mutual_info_score(codes, labels))
    out["iterations"] = n_iter
    return {key: float(value) for key, value in out.items()}


def report(values):
    """Print each metric computed here beside the app's number."""
    print(f"{'metric':<20}{'this script':>20}{'the app':>20}")
    differ = []
    for key, here in values.items():
        app = APP_RESULTS.get(key)
        shown = "" if app is None else f"{app:.10g}"
        print(f"{key:<20}{here:>20.10g}{shown:>20}")
        if app is not None and abs(here - app) > 1e-6 * max(1.0, abs(app)):
            differ.append(key)
    print("Some numbers differ from the app: " + ", ".join(differ) if differ
          else "Every number matches the app.")
'''

_MAIN_SCRIPT = '''def main():
    table = load_table(sys.argv[1] if len(sys.argv) > 1 else DATA_FILE)
    X, rows, truth = prepare(table)
    labels, centers, inertia, n_iter = fit(X)
    print(f"{len(rows)} rows x {X.shape[1]} features; cluster sizes "
          f"{np.bincount(labels, minlength=N_CLUSTERS).tolist()}")
    report(scores(X, labels, inertia, n_iter, truth))


if __name__ == "__main__":
    main()
'''

_MAIN_NOTEBOOK = (
    ("Read the table", "table = load_table(DATA_FILE)\ntable.head()"),
    ("Prepare the features as the app did",
     "X, rows, truth = prepare(table)\nX.shape"),
    ("Run k-means from the app's initial centres",
     "labels, centers, inertia, n_iter = fit(X)\n"
     "np.bincount(labels, minlength=N_CLUSTERS)"),
    ("The app's metrics, computed here", "report(scores(X, labels, inertia, n_iter, truth))"),
    ("The labelled table",
     "labelled = table.iloc[rows].assign(cluster=labels)\nlabelled.head()"),
)


def literal(value: object) -> str:
    """``value`` as a Python literal; only plain data (see the module docstring).

    Raises
    ------
    TypeError
        For anything but None, bool, int, float, str, list, tuple and str-keyed dict.
    ValueError
        For NaN or infinity.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written as a literal")
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("dict keys must be str")
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} as a literal")


def _plain(value):
    """As :func:`literal` reads back: tuples become lists."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _settings_block(recipe: RunRecipe) -> str:
    lines = []
    for name, meaning in _SETTINGS:
        value = recipe[name]
        text = _wrap(literal(value), offset=len(name) + 3)
        back = ast.literal_eval(text)
        if back != _plain(value) or type(back) is not type(_plain(value)):
            raise ValueError(f"the setting {name} does not survive as a literal")
        lines.append(f"# {meaning}")
        lines.append(f"{name} = {text}")
    return "\n".join(lines) + "\n"


def _wrap(text: str, offset: int = 0, width: int = 96) -> str:
    """Break a long list or dict literal after commas (inside brackets a newline is harmless).

    ``offset`` is what precedes the literal on its first line (``"NAME = "``).
    """
    if offset + len(text) <= width or not text.startswith(("[", "{")):
        return text
    pieces, piece, depth, in_string, quote, escaped = [], "", 0, False, "", False
    for ch in text:
        piece += ch
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                in_string = False
        elif ch in "'\"":
            in_string, quote = True, ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth >= 1:
            pieces.append(piece)
            piece = ""
    pieces.append(piece)
    lines, line = [], " " * offset
    for piece in pieces:
        if len(line) + len(piece.rstrip()) > width and line.strip():
            lines.append(line.rstrip())
            line = "    " + piece.lstrip()
        else:
            line += piece
    lines.append(line)
    return "\n".join(lines)[offset:]


def run_script(recipe: RunRecipe) -> str:
    """The run as a standalone Python script (pandas, scikit-learn and their numpy/scipy).

    Parameters
    ----------
    recipe : RunRecipe
        From :func:`clustering.codegen.run_recipe`.

    Returns
    -------
    str
        Source code; running it prints the metrics next to the app's.
    """
    return "\n".join([
        _DOC.format(filename=SCRIPT_FILENAME),
        _IMPORTS,
        "# --- The run's settings, written by the app (plain values only) ---",
        _settings_block(recipe),
        _FUNCTIONS,
        _MAIN_SCRIPT,
    ])


def run_notebook(recipe: RunRecipe) -> bytes:
    """The same steps as :func:`run_script`, as a Jupyter notebook (nbformat 4), UTF-8 JSON."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [
        new_markdown_cell(
            "# A Cluster Explorer run, reproduced with pandas and scikit-learn\n\n"
            "Written by Cluster Explorer. Put the data file next to this notebook (or change "
            "`DATA_FILE`) and run every cell."),
        new_code_cell(_IMPORTS.strip()),
        new_markdown_cell("## The run's settings, written by the app"),
        new_code_cell(_settings_block(recipe).strip()),
        new_markdown_cell("## How the app prepares, clusters and scores"),
        new_code_cell(_FUNCTIONS.strip()),
    ]
    for title, code in _MAIN_NOTEBOOK:
        cells += [new_markdown_cell(f"## {title}"), new_code_cell(code)]
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(notebook)
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
