"""Cluster Explorer's engine: k-means with per-step history, data loading, metrics and figures.

Nothing under this package imports streamlit; the pages in ``pages/`` and the glue in ``ui/``
call into it. The estimator and the functional core are importable from the top:

>>> from clustering import KMeans, kmeans
"""

from clustering.kmeans import KMeans, KMeansResult, kmeans

__all__ = ["KMeans", "KMeansResult", "kmeans"]
