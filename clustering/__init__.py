"""Cluster Explorer's engine: k-means with per-step history, data loading, metrics and figures.

Nothing under this package imports streamlit; the pages in ``pages/`` and the glue in ``ui/``
call into it.
"""
