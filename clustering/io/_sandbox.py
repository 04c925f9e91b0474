"""Parse untrusted bytes in a child process with hard limits, so no file can hurt the server.

Private helper of :mod:`clustering.io`; :func:`run_contained` is public through the package.

Why: readers have limits of their own (rows, cells, bytes, time, checked while reading), but
the next bomb is the one nobody thought of: a format quirk deep in pandas, pyarrow or Pillow
that allocates gigabytes or loops. One server serves a whole classroom, so the parse runs in
a child process that the kernel bounds:

- ``RLIMIT_AS``: the child may add ``Limits.max_memory_mb`` of address space to what it
  starts with; past it allocations fail (``MemoryError``) and the child stops;
- ``RLIMIT_CPU``: CPU seconds, ``Limits.max_seconds`` plus :data:`CHILD_GRACE_SECONDS`
  (then ``SIGXCPU``); the parent also kills a child still running at that wall time;
- ``RLIMIT_CORE`` 0 and ``RLIMIT_FSIZE`` 0: no core dumps, no files written;
- a niceness of :data:`CHILD_NICENESS`, so other sessions' reruns keep the CPU first;
- at most :data:`MAX_CHILDREN` children at once; later uploads wait for a slot.

The user reads one sentence ("The file needs more than 1,500 MB of memory to read, ..."),
and the server, which only waits on a pipe, never notices.

How: children are forked by multiprocessing's *forkserver*, a small single-threaded
process started once (on first use) with the readers already imported. Forking the
Streamlit server itself would be unsafe (it runs threads), and a fresh *spawn* would import
pandas for every upload (about 1 s); a fork from the forkserver costs tens of milliseconds
(see ``benchmarks/bench_loader.py``). The upload goes down a pipe of its own; what comes
back is never unpickled: a JSON header and raw byte blobs (Arrow IPC for a table, pixel
buffers for an image), each received with a size cap, so even a subverted child cannot make
the server run code or allocate more than the child was allowed.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from clustering.io._limits import Limits

__all__ = ["CHILD_GRACE_SECONDS", "MAX_CHILDREN", "Parcel", "run_contained", "start_readers"]

#: Seconds a child may run past ``Limits.max_seconds`` (a reader's own clock says the
#: better sentence first) before it is killed.
CHILD_GRACE_SECONDS = 2.0
#: Niceness added in the child: a bomb competes for the CPU below interactive reruns.
CHILD_NICENESS = 5
#: Children reading uploads at the same time (each may use ``max_memory_mb``).
MAX_CHILDREN = max(2, os.cpu_count() or 2)
#: Largest JSON header a child may send back.
MAX_HEADER_BYTES = 4_000_000
#: Modules the forkserver imports once, so a forked child starts with them loaded.
#: ``_preload`` reads a tiny table and image, which loads what pandas, pyarrow and Pillow
#: import lazily (about 150 ms that every child would pay again), and keeps children off the
#: parent's ``__main__`` (:func:`skip_main_script`).
PRELOAD = ["clustering.io._preload"]

# One process-wide guard on concurrent children: a resource count, like a pool, not data.
_SLOTS = threading.BoundedSemaphore(MAX_CHILDREN)

_DAMAGED = "The file could not be read; it may be damaged or in an unusual format."


@dataclass(frozen=True)
class Parcel:
    """What a task hands back across the process boundary: no pickles.

    Attributes
    ----------
    header : dict
        JSON-serialisable values (lists, strings, numbers).
    blobs : tuple of bytes
        Raw buffers (Arrow IPC streams, pixel arrays).
    """

    header: dict
    blobs: tuple[bytes, ...] = field(default_factory=tuple)


def available() -> bool:
    """Whether this platform can contain a parse (POSIX with the forkserver start method)."""
    return "forkserver" in mp.get_all_start_methods()


def run_contained(
    task: Callable[..., Parcel],
    data: bytes,
    options: dict,
    *,
    limits: Limits,
    refusal: type[ValueError],
) -> Parcel:
    """Run ``task(data, **options)`` in a child process bounded by ``limits``.

    Parameters
    ----------
    task : callable
        A module-level function (it is imported by name in the child) returning a
        :class:`Parcel`. It should raise ``refusal`` with one sentence for a bad file.
    data : bytes
        The untrusted upload.
    options : dict
        Plain keyword arguments for ``task`` (pickled to the child; never pickled back).
    limits : Limits
        ``max_memory_mb`` and ``max_seconds`` bound the child.
    refusal : type of ValueError
        Raised in this process with the child's sentence, or with the limit the child hit.

    Returns
    -------
    Parcel

    Raises
    ------
    refusal
        The task refused the file, or the child ran out of memory or time (the sentence
        names the limit), or it stopped for another reason.

    Notes
    -----
    Where the forkserver start method does not exist (Windows), the task runs in this
    process, bounded only by the readers' own limits.
    """
    if not available():
        return task(data, **options)
    if not _SLOTS.acquire(timeout=limits.max_seconds):
        raise refusal(
            "The server is busy reading other uploads; try again in a minute."
        )
    try:
        return _run(task, data, options, limits, refusal)
    finally:
        _SLOTS.release()


def start_readers() -> None:
    """Start the forkserver now, in the background, so the first upload does not wait for it.

    It imports pandas, pyarrow, Pillow and the readers once (a few seconds); this call only
    launches it and returns. Cheap to repeat: a running forkserver is left alone.
    """
    if available():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def skip_main_script(spawn_module=None) -> bool:
    """In the forkserver: its children start without re-running the parent's ``__main__``.

    While a page runs, Streamlit installs the page as ``sys.modules["__main__"]`` (a module
    with a ``__file__`` and no ``__spec__``). ``Process.start`` records that path, and each
    child of the forkserver re-runs it as ``__mp_main__`` before its task: the whole page,
    before the child's limits apply, for every upload. The tasks are module-level functions of
    this package and need nothing from ``__main__``.

    This is the one place that reaches into multiprocessing's private ``spawn`` helpers
    (``_fixup_main_from_path``, ``_fixup_main_from_name``, unchanged from Python 3.8 to 3.14).
    Where they are missing the children re-run the main script as before: slower, but the task
    still runs. Returns whether the children skip it.
    """
    if spawn_module is None:
        from multiprocessing import spawn as spawn_module
    names = ("_fixup_main_from_path", "_fixup_main_from_name")
    if not all(callable(getattr(spawn_module, name, None)) for name in names):
        return False
    for name in names:
        setattr(spawn_module, name, _keep_main)
    return True


def _keep_main(_main: str) -> None:
    """Stands in for multiprocessing's re-run of the parent's main script: nothing to do."""


def _context() -> mp.context.BaseContext:
    ctx = mp.get_context("forkserver")
    # Only takes effect when the forkserver starts (first use); later calls are no-ops.
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _run(task, data: bytes, options: dict, limits: Limits, refusal) -> Parcel:
    ctx = _context()
    reader, writer = ctx.Pipe(duplex=False)  # the child's answer
    upload_in, upload_out = ctx.Pipe(duplex=False)  # the upload's bytes, to the child
    for conn in (reader, upload_out):
        _widen(conn)
    # The bytes go down a pipe of our own rather than as a pickled argument: the forkserver's
    # pipe would carry them after a pickling copy, 64 KB a system call (0.3 s for 49 MB).
    proc = ctx.Process(
        target=_child, args=(writer, upload_in, task, options, limits, refusal),
        daemon=True, name="upload-reader",
    )
    started = False
    try:
        try:
            proc.start()  # returns once the child is forked
        except OSError as exc:
            raise refusal(_DAMAGED) from exc
        started = True
        writer.close()
        upload_in.close()
        try:
            upload_out.send_bytes(data)  # the child reads it first thing
        except OSError:
            pass  # the child is gone: _receive below says how
        finally:
            upload_out.close()
        deadline = time.monotonic() + limits.max_seconds + CHILD_GRACE_SECONDS
        raw = _receive(reader, proc, deadline, MAX_HEADER_BYTES, limits, refusal)
        try:
            message = json.loads(raw)
        except ValueError as exc:
            raise refusal(_DAMAGED) from exc
        if not isinstance(message, dict):
            raise refusal(_DAMAGED)
        if "refused" in message:
            raise refusal(str(message["refused"]))
        if message.get("memory"):
            raise refusal(_memory_sentence(limits))
        if "ok" not in message:
            raise refusal(_DAMAGED)
        sizes = message.get("sizes", [])
        budget = limits.max_memory_mb * 1_000_000
        if not isinstance(sizes, list) or sum(int(s) for s in sizes) > budget:
            raise refusal(_memory_sentence(limits))
        blobs = tuple(
            _receive(reader, proc, deadline, int(size), limits, refusal) for size in sizes
        )
        return Parcel(header=message["ok"], blobs=blobs)
    finally:
        for conn in (reader, writer, upload_in, upload_out):
            conn.close()
        if started:
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=5)
            if proc.exitcode is not None:
                proc.close()


def _receive(reader: Connection, proc, deadline: float, maxlength: int, limits: Limits,
             refusal) -> bytes:
    """One message from the child, or the sentence for why none came."""
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not wait([reader], timeout=remaining):
        proc.kill()
        raise refusal(_time_sentence(limits))
    try:
        return reader.recv_bytes(maxlength=max(maxlength, 1))
    except EOFError:
        pass  # the child ended without a message: find out how
    except OSError as exc:  # longer than announced
        raise refusal(_DAMAGED) from exc
    proc.join(timeout=5)
    code = proc.exitcode
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise refusal(_time_sentence(limits))
    raise refusal(
        f"The file could not be read: the reader stopped, because the file is damaged or needs "
        f"more than {limits.max_memory_mb:,} MB of memory."
    )


#: Bytes a pipe holds (Linux's default is 64 KB; 1 MB is the most an unprivileged process may
#: ask for by default): a 40 MB answer then takes 40 reads instead of 600.
PIPE_BYTES = 1 << 20


def _widen(conn: Connection) -> None:
    """Ask for a larger pipe buffer where Linux allows it; the default works, only slower."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _memory_sentence(limits: Limits) -> str:
    return (
        f"The file needs more than {limits.max_memory_mb:,} MB of memory to read, the limit "
        "for one upload."
    )


def _time_sentence(limits: Limits) -> str:
    return f"The file needs more than {limits.max_seconds:g} s to read, the limit for one upload."


# --- in the child ----------------------------------------------------------------------------


def _child(conn: Connection, upload: Connection, task, options: dict, limits: Limits,
           refusal: type[ValueError]) -> None:
    """Entry point of the child: take the upload, bound itself, run the task, send plain
    bytes back."""
    try:
        # Read before the limits: the upload is part of what the child starts with.
        data = upload.recv_bytes()
        upload.close()
        _bound(limits)
        try:
            parcel = task(data, **options)
            blobs = [memoryview(b) for b in parcel.blobs]
            header = json.dumps({"ok": parcel.header, "sizes": [b.nbytes for b in blobs]})
        except MemoryError:
            conn.send_bytes(b'{"memory": true}')
            return
        except refusal as exc:
            conn.send_bytes(json.dumps({"refused": str(exc)}).encode())
            return
        conn.send_bytes(header.encode())
        for blob in blobs:
            conn.send_bytes(blob)
    except MemoryError:
        try:
            conn.send_bytes(b'{"memory": true}')
        except Exception:  # noqa: BLE001 - nothing left to say; the parent sees EOF
            pass
    except Exception:  # noqa: BLE001 - a bug or damage nobody mapped: one sentence, no trace
        try:
            conn.send_bytes(b'{"failed": true}')
        except Exception:  # noqa: BLE001
            pass
    finally:
        conn.close()


def _bound(limits: Limits) -> None:
    """Apply the hard limits to this (child) process."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    cpu = math.ceil(limits.max_seconds + CHILD_GRACE_SECONDS)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    ceiling = _address_space() + limits.max_memory_mb * 1_000_000
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    os.nice(CHILD_NICENESS)
    try:
        import pyarrow as pa

        # The system allocator fails with MemoryError under RLIMIT_AS; jemalloc/mimalloc
        # reserve large regions up front and would fail sooner and less clearly.
        pa.set_memory_pool(pa.system_memory_pool())
    except ImportError:
        pass


def _address_space() -> int:
    """Current virtual size of this process in bytes (Linux /proc; else the peak RSS)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
