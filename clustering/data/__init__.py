"""Data ready for clustering: built-in datasets, the preparation of a table into a matrix
(features, missing values, scaling), and the downloads of a run (labelled table, centroids,
settings).
"""
from clustering.data._datasets import DATASETS, Dataset, load_dataset
from clustering.data._export import EXPORT_FILENAMES, centroids_csv, labeled_csv, settings_json
from clustering.data._prepare import Prepared, prepare

__all__ = [
    "DATASETS",
    "Dataset",
    "EXPORT_FILENAMES",
    "Prepared",
    "centroids_csv",
    "labeled_csv",
    "load_dataset",
    "prepare",
    "settings_json",
]
