"""Tables on disk for the big-table tests, written in pieces so writing never holds them whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

NAMES = [f"f{j}" for j in range(8)]


def blob_rows(n: int, d: int, k: int, seed: int, spread: float = 10.0) -> tuple[np.ndarray, ...]:
    """``n`` rows around ``k`` seeded centers (unit noise), with each row's blob."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-spread, spread, size=(k, d))
    blob = rng.randint(k, size=n)
    return centers[blob] + rng.normal(size=(n, d)), blob


def write_parquet(folder: Path, X: np.ndarray, files: int, row_group: int,
                  names: list[str] | None = None) -> Path:
    """``X`` split into ``files`` Parquet files (with page checksums) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    names = names or NAMES[: X.shape[1]]
    for i, part in enumerate(np.array_split(X, files)):
        table = pa.table({name: part[:, j] for j, name in enumerate(names)})
        pq.write_table(table, folder / f"part-{i:03d}.parquet", row_group_size=row_group,
                       write_page_checksum=True)
    return folder


def write_big_parquet(path: Path, n: int, d: int, seed: int, chunk: int = 100_000) -> Path:
    """One Parquet file of ``n`` blob rows, generated and written ``chunk`` rows at a time."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-10, 10, size=(6, d))
    schema = pa.schema([(name, pa.float64()) for name in NAMES[:d]])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, n, chunk):
            rows = min(chunk, n - start)
            X = centers[rng.randint(6, size=rows)] + rng.normal(size=(rows, d))
            writer.write_table(pa.table({name: X[:, j] for j, name in enumerate(NAMES[:d])},
                                        schema=schema), row_group_size=50_000)
    return path
