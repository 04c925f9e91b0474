"""Tables bigger than memory: k-means streamed over Parquet/CSV batches, the same fit on
Apache Spark, and the run file both write and the dashboard opens.

:func:`stream_fit` and :func:`spark_fit` return the same :class:`RunSummary`;
:func:`write_run` saves it and :func:`read_run` reads one back, refusing anything that is not
a well-formed run in one sentence (:class:`RunFileError`). :func:`main` is the command line
(``python -m clustering fit SOURCE --k 8 --out run.json``).
"""
from clustering.big._cli import main
from clustering.big._run import (
    CLUSTER_COLUMN,
    DEFAULT_SAMPLE_SIZE,
    SCALES,
    Progress,
    ProgressCallback,
    RunSummary,
)
from clustering.big._runfile import (
    EMBED_ROWS,
    MAX_JSON_BYTES,
    MAX_SAMPLE_BYTES,
    MAX_SAMPLE_ROWS,
    RunFileError,
    inside,
    pick_uploads,
    read_run,
    read_run_path,
    run_file_bytes,
    run_files,
    sample_file_name,
    to_document,
    write_run,
)
from clustering.big._source import Source, SourceError, open_source
from clustering.big._spark import DEFAULT_MASTER, SparkError, spark_available, spark_fit
from clustering.big._stream import MAX_CLUSTERS, METHODS, stream_fit

__all__ = [
    "CLUSTER_COLUMN",
    "DEFAULT_MASTER",
    "DEFAULT_SAMPLE_SIZE",
    "EMBED_ROWS",
    "MAX_CLUSTERS",
    "MAX_JSON_BYTES",
    "MAX_SAMPLE_BYTES",
    "MAX_SAMPLE_ROWS",
    "METHODS",
    "Progress",
    "ProgressCallback",
    "RunFileError",
    "RunSummary",
    "SCALES",
    "Source",
    "SourceError",
    "SparkError",
    "inside",
    "main",
    "open_source",
    "pick_uploads",
    "read_run",
    "read_run_path",
    "run_file_bytes",
    "run_files",
    "sample_file_name",
    "spark_available",
    "spark_fit",
    "stream_fit",
    "to_document",
    "write_run",
]
