"""Cluster Explorer's engine: k-means with per-step history, data loading, metrics and figures.

Nothing under this package imports streamlit; the pages in ``pages/`` and the glue in ``ui/``
call into it. The estimator is importable from the top (``from clustering import KMeans``);
the functional core is ``clustering.kmeans.kmeans`` (not re-exported here, where its name
would hide the ``clustering.kmeans`` module).
"""

from clustering.kmeans import KMeans, KMeansResult

__all__ = ["KMeans", "KMeansResult"]
