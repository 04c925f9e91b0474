"""Everything a generated script needs to redo a run, as plain values (no objects, no code).

:func:`run_recipe` collects the data source, the preparation, the initial centres and the numbers
the page showed into a :class:`RunRecipe`; :mod:`clustering.codegen` writes it out as Python
literals. Nothing here is ever turned into code by pasting text: a recipe holds only ``None``,
bools, ints, finite floats, strings and lists/dicts of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn import datasets as sklearn_datasets

from clustering.data import DATASETS, MAX_LEVELS, Prepared

__all__ = ["EXPORT_SOURCE_FILE", "SKLEARN_LOADERS", "DataSource", "RunRecipe", "run_recipe"]

#: scikit-learn loader of each built-in real dataset (the synthetic sets are read back from
#: the labelled download instead, since only this app can draw them).
SKLEARN_LOADERS = {
    "iris": "load_iris",
    "wine": "load_wine",
    "breast_cancer": "load_breast_cancer",
    "digits": "load_digits",
}
#: The labelled-table download, which the script reads for synthetic sets.
EXPORT_SOURCE_FILE = "clustered_data.csv"
# The loader's encoding labels (clustering.io) mapped to codecs pandas understands.
_CODECS = {
    "UTF-8": "utf-8-sig",
    "UTF-8 with a byte-order mark": "utf-8-sig",
    "Latin-1 (ISO-8859-1)": "latin-1",
    "Windows-1252": "cp1252",
    "UTF-16 (LE)": "utf-16",
    "UTF-16 (BE)": "utf-16",
}


@dataclass(frozen=True)
class DataSource:
    """Where the run's table came from.

    Attributes
    ----------
    kind : {"builtin", "upload"}
    name : str
        Dataset key (built-in) or the uploaded file's base name.
    file_format : {"csv", "xlsx", "parquet"}
        Uploads only.
    dialect : dict
        Uploads only: ``clustering.io.Table.dialect`` (delimiter, decimal, thousands,
        encoding; or sheet).
    header : bool
        Uploads only: whether the first row held the column names.
    """

    kind: str
    name: str
    file_format: str = "csv"
    dialect: Mapping = field(default_factory=dict)
    header: bool = True

    @classmethod
    def builtin(cls, name: str) -> DataSource:
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
        return cls("builtin", name)

    @classmethod
    def upload(cls, file_name: str, file_format: str = "csv", dialect: Mapping | None = None,
               header: bool = True) -> DataSource:
        if file_format not in ("csv", "xlsx", "parquet"):
            raise ValueError(f"file_format={file_format!r} must be 'csv', 'xlsx' or 'parquet'")
        return cls("upload", str(file_name), file_format, dict(dialect or {}), bool(header))


@dataclass(frozen=True)
class RunRecipe:
    """The settings block of a generated script: names are the script's constants."""

    values: dict

    def __getitem__(self, name: str):
        return self.values[name]


def run_recipe(
    source: DataSource,
    frame: pd.DataFrame,
    prepared: Prepared,
    initial_centers: np.ndarray,
    *,
    n_clusters: int,
    init: str,
    distance: str,
    center: str,
    seed: int,
    max_iter: int,
    n_init: int,
    tol: float = 1e-4,
    silhouette_sample: int = 2000,
    app_results: Mapping[str, float | None] | None = None,
) -> RunRecipe:
    """Collect a finished run into plain values.

    Parameters
    ----------
    source : DataSource
    frame : DataFrame
        The table as the app read it (its column names, in order, go in the script).
    prepared : Prepared
        The preparation the run clustered.
    initial_centers : ndarray of shape (n_clusters, n_features)
        The centres the run started from (its history's first step; with restarts, those of
        the best run), in the prepared space.
    n_clusters, init, distance, center, seed, max_iter, n_init, tol
        The run's settings (``center`` resolved, e.g. ``"mean"``; ``init`` may be
        ``"manual"``; ``seed`` the sidebar's).
    silhouette_sample : int
        Rows above which the silhouette is computed on a seeded sample (as the page).
    app_results : mapping of str to float or None, optional
        The numbers the page showed (metric key -> value), printed beside the script's own.

    Returns
    -------
    RunRecipe
    """
    start = np.asarray(initial_centers, dtype=np.float64)
    if start.shape != (n_clusters, prepared.X.shape[1]):
        raise ValueError(f"initial centres {start.shape} must be ({n_clusters}, "
                         f"{prepared.X.shape[1]})")
    values: dict = {}
    values.update(_source_values(source, frame))
    values.update(
        COLUMNS=[str(c) for c in frame.columns],
        N_ROWS=int(prepared.n_rows_original),
        NUMERIC=[str(c) for c in prepared.numeric_features],
        CATEGORICAL=[str(c) for c in prepared.categorical_features],
        LABEL=None if prepared.label_name is None else str(prepared.label_name),
        MISSING=str(prepared.missing),
        SCALING=str(prepared.scaling),
        MAX_LEVELS=int(MAX_LEVELS),
        N_CLUSTERS=int(n_clusters),
        DISTANCE=str(distance),
        CENTER=str(center),
        MAX_ITER=int(max_iter),
        TOL=float(tol),
        INIT=str(init),
        N_INIT=int(1 if init == "manual" else n_init),
        SEED=int(seed),
        INITIAL_CENTERS=[[_finite(v) for v in row] for row in start.tolist()],
        SILHOUETTE_SAMPLE=int(silhouette_sample),
        APP_RESULTS={str(k): (float(v) if v is not None and math.isfinite(v) else None)
                     for k, v in (app_results or {}).items()},
    )
    return RunRecipe(values)


def _source_values(source: DataSource, frame: pd.DataFrame) -> dict:
    if source.kind == "builtin" and source.name in SKLEARN_LOADERS:
        return {"SOURCE": "sklearn", "DATA_FILE": None,
                "SKLEARN_LOADER": SKLEARN_LOADERS[source.name],
                "CLASS_NAMES": _class_names(source.name, frame),
                "FILE_FORMAT": None, "READ_OPTIONS": {}}
    if source.kind == "builtin":
        return {"SOURCE": "export", "DATA_FILE": EXPORT_SOURCE_FILE, "SKLEARN_LOADER": None,
                "CLASS_NAMES": None, "FILE_FORMAT": "csv",
                "READ_OPTIONS": {"encoding": "utf-8-sig"}}
    options: dict = {}
    if source.file_format == "csv":
        d = source.dialect
        options = {"sep": str(d.get("delimiter") or ","), "decimal": str(d.get("decimal") or "."),
                   "thousands": None if not d.get("thousands") else str(d["thousands"]),
                   "encoding": _CODECS.get(str(d.get("encoding")), "utf-8-sig"),
                   "encoding_errors": "replace", "header": 0 if source.header else None}
    elif source.file_format == "xlsx":
        sheet = source.dialect.get("sheet", 0)
        options = {"sheet_name": sheet if isinstance(sheet, int) else str(sheet),
                   "header": 0 if source.header else None}
    return {"SOURCE": "file", "DATA_FILE": source.name, "SKLEARN_LOADER": None,
            "CLASS_NAMES": None, "FILE_FORMAT": source.file_format, "READ_OPTIONS": options}


def _class_names(name: str, frame: pd.DataFrame) -> list[str] | None:
    """The app's class name of each scikit-learn target number, read off the loaded table."""
    if "label" not in frame.columns:
        return None
    target = getattr(sklearn_datasets, SKLEARN_LOADERS[name])().target
    labels = frame["label"].to_numpy()
    if len(labels) != len(target):
        return None
    names = []
    for t in range(int(target.max()) + 1):
        rows = np.flatnonzero(target == t)
        names.append(str(labels[rows[0]]) if rows.size else str(t))
    return names


def _finite(value) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return value
