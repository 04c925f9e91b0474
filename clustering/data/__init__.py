"""Data ready for clustering: built-in datasets, the preparation of a table into a matrix
(features, categorical columns as weighted one-hot blocks, missing values, scaling), new rows
through a fitted preparation, and the downloads of a run (labelled table, centroids, settings).
"""
from clustering.data._datasets import DATASETS, Dataset, load_dataset
from clustering.data._encode import (
    MAX_LEVELS,
    MISSING_LEVEL,
    OTHER_LEVELS,
    CategoricalColumn,
    CategoricalEncoding,
    as_levels,
    block_weight,
    categorical_columns,
)
from clustering.data._export import (
    EXPORT_FILENAMES,
    centroids_csv,
    labeled_csv,
    rows_with_columns,
    settings_json,
)
from clustering.data._newrows import NewRows, prepare_new_rows
from clustering.data._prepare import Prepared, prepare

__all__ = [
    "DATASETS",
    "Dataset",
    "EXPORT_FILENAMES",
    "MAX_LEVELS",
    "MISSING_LEVEL",
    "OTHER_LEVELS",
    "CategoricalColumn",
    "CategoricalEncoding",
    "NewRows",
    "Prepared",
    "as_levels",
    "block_weight",
    "categorical_columns",
    "centroids_csv",
    "labeled_csv",
    "load_dataset",
    "prepare",
    "prepare_new_rows",
    "rows_with_columns",
    "settings_json",
]
