"""The run file: a JSON document (plus, for a large display sample, a Parquet file beside it).

Writing is atomic (temporary files, then renames), so a failed or interrupted write leaves no
half-written run. Reading treats the file as untrusted input: sizes are bounded before parsing,
the schema is exact (no unknown or repeated keys), every number is finite and in range, the
centers agree with the scaler, the counts add up, and the sample's columns, types and labels
are checked before a :class:`RunSummary` is built. Anything else is refused with one sentence
(:class:`RunFileError`).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clustering.big._run import CLUSTER_COLUMN, SCALES, RunSummary
from clustering.big._stream import MAX_CLUSTERS

FORMAT = "cluster-explorer-run"
VERSION = 1
#: Samples up to this many rows are embedded in the JSON; larger ones go to Parquet beside it.
EMBED_ROWS = 1_000
#: Bounds on what a run file may hold (checked before and after parsing).
MAX_JSON_BYTES = 20_000_000
MAX_SAMPLE_BYTES = 200_000_000
MAX_SAMPLE_ROWS = 200_000
MAX_COLUMNS = 500
MAX_ITERATIONS = 10_000
MAX_NAME = 200
MAX_TEXT = 2_000
MAX_ENTRIES = 50
ENGINES = {"stream": ("minibatch", "lloyd"), "spark": ("k-means||",)}
_SAMPLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.parquet$")
_TOP = ("format", "version", "engine", "settings", "data", "scaling", "result", "sample")


class RunFileError(ValueError):
    """A run file is refused; the message is one plain sentence saying why."""


def sample_file_name(json_path: str | os.PathLike) -> str:
    """The Parquet file a run's large sample is written to, beside its JSON."""
    return f"{Path(json_path).stem}.sample.parquet"


def write_run(summary: RunSummary, path: str | os.PathLike,
              embed_rows: int = EMBED_ROWS) -> list[Path]:
    """Write a run file (and its sample beside it when larger than ``embed_rows`` rows).

    Parameters
    ----------
    summary : RunSummary
    path : str or path-like
        The JSON file to write; its folder must exist.
    embed_rows : int
        Largest sample embedded in the JSON.

    Returns
    -------
    list of Path
        The files written (JSON first).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise RunFileError(f"The folder {path.parent} does not exist.")
    document = to_document(summary)
    sample_path = None
    if len(summary.sample) > embed_rows:
        sample_path = path.with_name(sample_file_name(path))
        document["sample"] = {"rows": len(summary.sample), "file": sample_path.name}
    else:
        document["sample"] = _embedded(summary.sample, summary.columns)
    text = json.dumps(document, indent=1, allow_nan=False).encode()
    written: list[Path] = []
    temporary: list[str] = []
    try:
        if sample_path is not None:
            temporary.append(_temporary(path.parent, lambda f: pq.write_table(
                _sample_table(summary.sample, summary.columns), f,
                write_page_checksum=True)))
        temporary.append(_temporary(path.parent, lambda f: f.write(text)))
        if sample_path is not None:
            os.replace(temporary[0], sample_path)
            written.append(sample_path)
        os.replace(temporary[-1], path)
        written.insert(0, path)
    finally:
        for name in temporary:
            if os.path.exists(name):
                os.unlink(name)
    return written


def to_document(summary: RunSummary) -> dict:
    """The JSON document of a run, without its sample (plain Python values only)."""
    scaling: dict = {"kind": "none"}
    if summary.scale_mean is not None:
        scaling = {"kind": "standard", "mean": _floats(summary.scale_mean),
                   "std": _floats(summary.scale_std)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "engine": {"name": summary.engine, "method": summary.method,
                   "versions": {str(k): str(v) for k, v in summary.versions.items()}},
        "settings": {str(k): _plain(v) for k, v in summary.settings.items()},
        "data": {"columns": list(summary.columns), "n_rows": int(summary.n_rows),
                 "n_skipped": int(summary.n_skipped)},
        "scaling": scaling,
        "result": {
            "n_clusters": summary.n_clusters,
            "centers_scaled": [_floats(c) for c in summary.centers_scaled],
            "centers": [_floats(c) for c in summary.centers],
            "means": [None if n == 0 else _floats(m)
                      for m, n in zip(summary.means, summary.counts, strict=True)],
            "counts": [int(n) for n in summary.counts],
            "inertia": float(summary.inertia),
            "n_iter": int(summary.n_iter),
            "converged": bool(summary.converged),
            "cost_history": [None if c is None else float(c) for c in summary.cost_history],
            "shift_history": [None if c is None else float(c) for c in summary.shift_history],
            "timings": [[str(name), float(s)] for name, s in summary.timings],
        },
    }


def read_run(document: bytes, sample: bytes | None = None) -> RunSummary:
    """Read and check a run file from its bytes (and its sample's bytes when separate).

    Parameters
    ----------
    document : bytes
        The run's JSON.
    sample : bytes, optional
        The Parquet sample the JSON names, when it is not embedded.

    Returns
    -------
    RunSummary

    Raises
    ------
    RunFileError
        Anything that is not a well-formed, consistent run within the size limits.
    """
    if not isinstance(document, (bytes, bytearray)):
        raise RunFileError("A run file is read from bytes.")
    if len(document) > MAX_JSON_BYTES:
        raise RunFileError(f"The run file has {len(document):,} bytes, more than the "
                           f"{MAX_JSON_BYTES:,} a run file may have.")
    try:
        raw = json.loads(bytes(document).decode("utf-8"), object_pairs_hook=_no_repeats,
                         parse_constant=_no_constant)
    except RunFileError:
        raise
    except (ValueError, RecursionError) as exc:  # bad UTF-8, bad JSON, 5,000-digit ints
        raise RunFileError("The run file is not valid JSON text.") from exc
    return _Checker(raw).summary(sample)


def read_run_path(path: str | os.PathLike, root: str | os.PathLike) -> RunSummary:
    """Read a run file from the server's disk, only from inside the folder ``root``.

    The JSON path and the sample it names are both resolved (links followed) and must lie
    inside ``root``; anything else is refused.
    """
    return read_run(*run_file_bytes(path, root))


def run_file_bytes(path: str | os.PathLike, root: str | os.PathLike
                   ) -> tuple[bytes, bytes | None]:
    """The bytes of a run file inside ``root`` and of the sample file it names, if any.

    Checks paths and sizes only; :func:`read_run` checks the content.
    """
    json_path = inside(root, path)
    if json_path.stat().st_size > MAX_JSON_BYTES:
        raise RunFileError(f"{json_path.name} is larger than the {MAX_JSON_BYTES:,} bytes a "
                           "run file may have.")
    document = json_path.read_bytes()
    try:
        named = json.loads(document.decode("utf-8"), object_pairs_hook=_no_repeats,
                           parse_constant=_no_constant).get("sample", {}).get("file")
    except Exception:  # noqa: BLE001 (read_run says what is wrong with it)
        named = None
    sample = None
    if isinstance(named, str) and _SAMPLE_NAME.match(named):
        sample_path = inside(root, json_path.parent / named)
        if sample_path.stat().st_size > MAX_SAMPLE_BYTES:
            raise RunFileError(f"{named} is larger than the {MAX_SAMPLE_BYTES:,} bytes a "
                               "run's sample may have.")
        sample = sample_path.read_bytes()
    return document, sample


def pick_uploads(files: list[tuple[str, bytes]]) -> tuple[bytes, bytes | None]:
    """The run's JSON and its Parquet sample among uploaded ``(name, bytes)`` files.

    One ``.json`` file is required and at most one ``.parquet`` file is taken (its name may
    differ from the one the run gives: browsers rename downloads).
    """
    documents = [data for name, data in files if name.lower().endswith(".json")]
    samples = [data for name, data in files if name.lower().endswith(".parquet")]
    if len(documents) != 1 or len(samples) > 1 or len(files) != len(documents) + len(samples):
        raise RunFileError("Add one run file (.json) and, if the run has one, its sample "
                           "(.parquet), nothing else.")
    return documents[0], samples[0] if samples else None


def inside(root: str | os.PathLike, path: str | os.PathLike) -> Path:
    """``path`` (relative to ``root`` or absolute) as a file inside ``root``, or refused.

    Both are resolved first, following links, so ``..`` and links that leave the folder are
    refused like any other path outside it.
    """
    try:
        base = Path(root).resolve(strict=True)
        target = (base / Path(path)).resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise RunFileError("That path cannot be opened.") from exc
    if not base.is_dir():
        raise RunFileError("The data folder is not a folder.")
    if not target.is_relative_to(base):
        raise RunFileError("Only files inside the allowed data folder can be opened.")
    if not target.is_file():
        raise RunFileError(f"There is no file {target.name} in the data folder.")
    return target


def run_files(root: str | os.PathLike, limit: int = 200) -> list[str]:
    """Run files (``*.json``) under ``root``, relative to it, sorted; at most ``limit``."""
    base = Path(root).resolve()
    found = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith(".json") and not name.startswith("."):
                found.append(Path(folder, name).relative_to(base).as_posix())
                if len(found) >= limit:
                    return found
    return found


class _Checker:
    """Walks the parsed JSON, checking each part; each failure is one sentence."""

    def __init__(self, raw: object):
        self.raw = raw

    def summary(self, sample_bytes: bytes | None) -> RunSummary:
        doc = self._object(self.raw, "the top level", _TOP)
        if doc["format"] != FORMAT:
            raise RunFileError("This is not a Cluster Explorer run file.")
        if doc["version"] != VERSION or isinstance(doc["version"], bool):
            raise RunFileError(f"Run file version {_show(doc['version'])} is not supported "
                               f"(this app reads version {VERSION}).")
        engine = self._object(doc["engine"], "'engine'", ("name", "method", "versions"))
        name, method = engine["name"], engine["method"]
        if name not in ENGINES or method not in ENGINES[name]:
            raise RunFileError(f"Unknown engine {_show(name)} / method {_show(method)}.")
        versions = self._text_map(engine["versions"], "'engine.versions'")
        settings = self._settings(doc["settings"])
        data = self._object(doc["data"], "'data'", ("columns", "n_rows", "n_skipped"))
        columns = self._names(data["columns"])
        d = len(columns)
        n_rows = self._int(data["n_rows"], "'data.n_rows'", 1, 10**15)
        n_skipped = self._int(data["n_skipped"], "'data.n_skipped'", 0, 10**15)
        mean, std = self._scaling(doc["scaling"], d)
        result = self._object(doc["result"], "'result'", (
            "n_clusters", "centers_scaled", "centers", "means", "counts", "inertia", "n_iter",
            "converged", "cost_history", "shift_history", "timings"))
        k = self._int(result["n_clusters"], "'result.n_clusters'", 1, MAX_CLUSTERS)
        if k > n_rows:
            raise RunFileError(f"The run has n_clusters={k} but only {n_rows:,} rows.")
        centers_scaled = self._matrix(result["centers_scaled"], "'result.centers_scaled'", k, d)
        centers = self._matrix(result["centers"], "'result.centers'", k, d)
        expected = centers_scaled if mean is None else centers_scaled * std + mean
        if (np.abs(centers - expected) > 1e-6 * (1 + np.abs(expected))).any():
            raise RunFileError("The run's centers in the table's units do not match its "
                               "scaled centers and scaler.")
        counts = np.array([self._int(c, "a cluster count", 0, n_rows) for c in
                           self._list(result["counts"], "'result.counts'", k, k)], dtype=np.int64)
        if int(counts.sum()) != n_rows:
            raise RunFileError(f"The run's cluster counts add up to {int(counts.sum()):,}, "
                               f"not its {n_rows:,} rows.")
        means = self._means(result["means"], counts, d)
        inertia = self._number(result["inertia"], "'result.inertia'", low=0.0)
        n_iter = self._int(result["n_iter"], "'result.n_iter'", 0, MAX_ITERATIONS)
        if not isinstance(result["converged"], bool):
            raise RunFileError("The run's 'converged' is not true or false.")
        costs = self._history(result["cost_history"], "'result.cost_history'")
        shifts = self._history(result["shift_history"], "'result.shift_history'")
        timings = self._timings(result["timings"])
        sample = self._sample(doc["sample"], columns, k, sample_bytes)
        return RunSummary(
            engine=name, method=method, settings=settings, versions=versions,
            columns=tuple(columns), n_rows=n_rows, n_skipped=n_skipped, scale_mean=mean,
            scale_std=std, centers_scaled=centers_scaled, centers=centers, means=means,
            counts=counts, inertia=inertia, n_iter=n_iter, converged=result["converged"],
            cost_history=costs, shift_history=shifts, sample=sample, timings=timings)

    # -- parts -------------------------------------------------------------------------
    def _settings(self, value: object) -> dict:
        if not isinstance(value, dict) or len(value) > MAX_ENTRIES:
            raise RunFileError("In the run file, 'settings' is not a table of at most "
                               f"{MAX_ENTRIES} entries.")
        out = {}
        for key, item in value.items():
            self._text(key, "a setting name", MAX_NAME)
            if isinstance(item, list):
                if len(item) > MAX_COLUMNS:
                    raise RunFileError(f"In the run file, the setting {_show(key)} has too "
                                       "many entries.")
                out[key] = [self._scalar(v, key) for v in item]
            else:
                out[key] = self._scalar(item, key)
        return out

    def _scalar(self, value: object, key: str) -> object:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self._text(value, f"the setting {_show(key)}", MAX_TEXT)
        if isinstance(value, (int, float)):
            return self._number(value, f"the setting {_show(key)}") if isinstance(
                value, float) else self._int(value, f"the setting {_show(key)}", -2**63, 2**63)
        raise RunFileError(f"In the run file, the setting {_show(key)} is not a plain value.")

    def _scaling(self, value: object, d: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        if not isinstance(value, dict) or value.get("kind") not in SCALES:
            raise RunFileError(f"The run's scaling is not one of {', '.join(SCALES)}.")
        if value["kind"] == "none":
            self._object(value, "'scaling'", ("kind",))
            return None, None
        self._object(value, "'scaling'", ("kind", "mean", "std"))
        mean = self._matrix([value["mean"]], "'scaling.mean'", 1, d)[0]
        std = self._matrix([value["std"]], "'scaling.std'", 1, d)[0]
        if (std <= 0).any():
            raise RunFileError("The run's scaling has a standard deviation that is not "
                               "positive.")
        return mean, std

    def _means(self, value: object, counts: np.ndarray, d: int) -> np.ndarray:
        rows = self._list(value, "'result.means'", counts.size, counts.size)
        out = np.full((counts.size, d), np.nan)
        for j, (row, n) in enumerate(zip(rows, counts, strict=True)):
            if row is None and n == 0:
                continue
            out[j] = self._matrix([row], "'result.means'", 1, d)[0]
        return out

    def _history(self, value: object, what: str) -> tuple[float | None, ...]:
        items = self._list(value, what, 0, MAX_ITERATIONS)
        return tuple(None if v is None else self._number(v, what, low=0.0) for v in items)

    def _timings(self, value: object) -> tuple[tuple[str, float], ...]:
        out = []
        for item in self._list(value, "'result.timings'", 0, MAX_ITERATIONS + 10):
            if not (isinstance(item, list) and len(item) == 2):
                raise RunFileError("The run's timings are not (step, seconds) pairs.")
            out.append((self._text(item[0], "a timing name", MAX_NAME),
                        self._number(item[1], "a timing", low=0.0)))
        return tuple(out)

    def _sample(self, value: object, columns: list[str], k: int,
                sample_bytes: bytes | None) -> pd.DataFrame:
        if isinstance(value, dict) and "file" in value:
            part = self._object(value, "'sample'", ("rows", "file"))
            rows = self._int(part["rows"], "'sample.rows'", 0, MAX_SAMPLE_ROWS)
            name = part["file"]
            if not (isinstance(name, str) and _SAMPLE_NAME.match(name)):
                raise RunFileError("The run names its sample file with an unsafe name.")
            if sample_bytes is None:
                raise RunFileError(f"This run keeps its sample in {name}; add that file too.")
            values, labels = _parquet_sample(sample_bytes, columns, rows)
        else:
            part = self._object(value, "'sample'", ("rows", "values", "clusters"))
            rows = self._int(part["rows"], "'sample.rows'", 0, MAX_SAMPLE_ROWS)
            values = self._matrix(part["values"], "'sample.values'", rows, len(columns))
            labels = np.array([self._int(c, "a sample label", 0, k - 1) for c in
                               self._list(part["clusters"], "'sample.clusters'", rows, rows)],
                              dtype=np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= k):
            raise RunFileError(f"The run's sample has cluster labels outside 0..{k - 1}.")
        frame = pd.DataFrame(values, columns=columns)
        frame[CLUSTER_COLUMN] = labels
        return frame

    # -- primitives --------------------------------------------------------------------
    def _object(self, value: object, what: str, keys: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise RunFileError(f"In the run file, {what} is not a JSON object.")
        extra = [key for key in value if key not in keys]
        missing = [key for key in keys if key not in value]
        if extra:
            raise RunFileError(f"In the run file, {what} has an unknown entry {_show(extra[0])}.")
        if missing:
            raise RunFileError(f"In the run file, {what} lacks the entry {_show(missing[0])}.")
        return value

    def _list(self, value: object, what: str, low: int, high: int) -> list:
        if not isinstance(value, list) or not (low <= len(value) <= high):
            size = f"{low}" if low == high else f"{low} to {high:,}"
            raise RunFileError(f"In the run file, {what} is not a list of {size} entries.")
        return value

    def _matrix(self, value: object, what: str, rows: int, cols: int) -> np.ndarray:
        items = self._list(value, what, rows, rows)
        out = np.empty((rows, cols))
        for i, row in enumerate(items):
            row = self._list(row, f"a row of {what}", cols, cols)
            for j, v in enumerate(row):
                out[i, j] = self._number(v, what)
        return out

    def _number(self, value: object, what: str, low: float = -math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RunFileError(f"In the run file, {what} holds something that is not a number.")
        number = float(value) if abs(value) < 1e308 else math.inf
        if not math.isfinite(number) or number < low:
            raise RunFileError(f"In the run file, {what} holds a number out of range "
                               f"({_show(value)}).")
        return number

    def _int(self, value: object, what: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise RunFileError(f"In the run file, {what} is not a whole number from {low:,} to "
                               f"{high:,} ({_show(value)}).")
        return value

    def _text(self, value: object, what: str, limit: int) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise RunFileError(f"In the run file, {what} is not text of at most {limit:,} "
                               "characters.")
        return value

    def _text_map(self, value: object, what: str) -> dict[str, str]:
        if not isinstance(value, dict) or len(value) > MAX_ENTRIES:
            raise RunFileError(f"In the run file, {what} is not a table of at most {MAX_ENTRIES} "
                               "entries.")
        return {self._text(k, what, MAX_NAME): self._text(v, what, MAX_NAME)
                for k, v in value.items()}

    def _names(self, value: object) -> list[str]:
        names = [self._text(v, "a column name", MAX_NAME)
                 for v in self._list(value, "'data.columns'", 1, MAX_COLUMNS)]
        if len(set(names)) != len(names) or CLUSTER_COLUMN in names or "" in names:
            raise RunFileError("The run's column names are empty, repeated or 'cluster'.")
        return names


def _parquet_sample(data: bytes, columns: list[str], rows: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Check the Parquet sample's metadata before reading it, then its values."""
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_SAMPLE_BYTES:
        raise RunFileError(f"The run's sample file is over {MAX_SAMPLE_BYTES:,} bytes.")
    try:
        handle = pq.ParquetFile(io.BytesIO(data))
        meta = handle.metadata
        schema = handle.schema_arrow
        names = schema.names
        if names != [*columns, CLUSTER_COLUMN]:
            raise RunFileError("The sample file's columns are not the run's columns and "
                               "'cluster'.")
        if meta.num_rows != rows:
            raise RunFileError(f"The sample file has {meta.num_rows:,} rows, not the "
                               f"{rows:,} the run says.")
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > 4 * MAX_SAMPLE_BYTES:
            raise RunFileError("The sample file unpacks to more than a run's sample may be.")
        for name in columns:
            if not pa.types.is_floating(schema.field(name).type):
                raise RunFileError(f"The sample file's column {_show(name)} is not floats.")
        if not pa.types.is_integer(schema.field(CLUSTER_COLUMN).type):
            raise RunFileError("The sample file's 'cluster' column is not whole numbers.")
        table = handle.read()
    except RunFileError:
        raise
    except (pa.ArrowException, OSError, ValueError, IndexError, KeyError) as exc:
        raise RunFileError("The run's sample file is not a readable Parquet file.") from exc
    if table.num_rows != rows or any(table.column(i).null_count for i in range(len(names))):
        raise RunFileError("The sample file has missing values or the wrong number of rows.")
    values = np.column_stack([table.column(c).to_numpy().astype(np.float64) for c in columns]
                             ) if rows else np.empty((0, len(columns)))
    if not np.isfinite(values).all():
        raise RunFileError("The sample file holds values that are not finite numbers.")
    labels = table.column(CLUSTER_COLUMN).to_numpy().astype(np.int64)
    return values, labels


def _sample_table(sample: pd.DataFrame, columns: tuple[str, ...]) -> pa.Table:
    arrays = [pa.array(sample[c].to_numpy(np.float64)) for c in columns]
    arrays.append(pa.array(sample[CLUSTER_COLUMN].to_numpy(np.int64)))
    return pa.Table.from_arrays(arrays, names=[*columns, CLUSTER_COLUMN])


def _embedded(sample: pd.DataFrame, columns: tuple[str, ...]) -> dict:
    values = sample[list(columns)].to_numpy(np.float64)
    return {"rows": len(sample), "values": [_floats(r) for r in values],
            "clusters": [int(c) for c in sample[CLUSTER_COLUMN]]}


def _temporary(folder: Path, write) -> str:
    # open(..., "xb") rather than mkstemp: the file gets the usual permissions (umask), not 0600.
    name = str(folder / f".run-{secrets.token_hex(8)}.part")
    try:
        with open(name, "xb") as f:
            write(f)
    except BaseException:
        if os.path.exists(name):
            os.unlink(name)
        raise
    return name


def _floats(values) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def _plain(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _no_repeats(pairs: list[tuple[str, object]]) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:
            raise RunFileError(f"The run file repeats the entry {_show(key)}.")
        out[key] = value
    return out


def _no_constant(name: str) -> None:
    raise RunFileError(f"The run file holds {name}, which is not a number JSON allows.")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
