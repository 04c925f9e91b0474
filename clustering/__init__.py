"""Cluster Explorer's engine: k-means with per-step history, data loading, metrics and figures.

Nothing under this package imports streamlit; the pages in ``pages/`` and the glue in ``ui/``
call into it. The estimator is importable from the top (``from clustering import KMeans``);
the functional core is ``clustering.engine.kmeans`` (not re-exported here, where its name
would hide the ``clustering.engine._kmeans`` module). Tables bigger than memory are fitted by
``clustering.big`` (streamed Parquet/CSV batches, or Spark), from the command line as
``python -m clustering fit SOURCE --k 8 --out run.json``.
"""

from clustering.engine import KMeans, KMeansResult

__all__ = ["KMeans", "KMeansResult"]
