"""Large scratch buffers reused from one fit to the next.

A fit allocates two big arrays: the mean-centred copy of X (euclidean) and the per-step label
buffer of the history. Fresh memory is expensive on first touch (a page fault per page, and on
virtual machines often a host allocation too): on the 1M x 8 benchmark the first write into
those ~100 MB measured between 10 ms and 0.5 s, as much as the whole Lloyd loop. So the latest
buffer of each kind is kept, and the next fit reuses it once nothing else refers to it.

Safety: a buffer is handed out again only when no array still refers to it, checked with its
reference count (every numpy view keeps a reference to the array owning the memory). A history
whose ``labels`` are alive therefore keeps its buffer to itself. At most one spare per kind is
kept, and none above :data:`MAX_SPARE_BYTES`; :func:`release` drops them.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

__all__ = ["MAX_SPARE_BYTES", "release", "take"]

MAX_SPARE_BYTES = 256 << 20
# Below this size malloc's own reuse is already good; not worth keeping.
_MIN_SPARE_BYTES = 4 << 20

_lock = threading.Lock()
_spare: dict[str, np.ndarray] = {}


def _unreferenced_count() -> int:
    # Reference count of a spare that only the pool refers to, measured the way take() does,
    # so the check does not depend on interpreter details.
    probe = {"x": np.empty(1)}
    buf = probe["x"]
    return sys.getrefcount(buf)


_FREE = _unreferenced_count()


def take(kind: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape``, on reused memory when possible.

    Parameters
    ----------
    kind : str
        Buffers of one kind replace each other ("work", "labels").
    shape : tuple of int
    dtype : numpy dtype

    Returns
    -------
    ndarray
        A view of the (possibly reused) buffer; its contents are arbitrary.
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    with _lock:
        buf = _spare.get(kind)
        if (buf is not None and buf.dtype == dtype and buf.size >= size
                and sys.getrefcount(buf) <= _FREE):
            return buf[:size].reshape(shape)
        buf = np.empty(size, dtype=dtype)
        if _MIN_SPARE_BYTES <= buf.nbytes <= MAX_SPARE_BYTES:
            _spare[kind] = buf
        return buf.reshape(shape)


def release() -> None:
    """Drop the kept buffers (their memory is freed once no array uses it)."""
    with _lock:
        _spare.clear()
