"""``python -m clustering fit SOURCE --k 8 --out run.json``: fit a big table, write a run file.

The fit runs first, then the run file is written atomically, so a refused input, a failed job
or Ctrl-C leaves nothing behind. Errors are one sentence on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from clustering.big._run import DEFAULT_SAMPLE_SIZE, SCALES, Progress, RunSummary
from clustering.big._runfile import write_run
from clustering.big._source import DEFAULT_BATCH_SIZE
from clustering.big._spark import DEFAULT_MASTER, spark_fit
from clustering.big._stream import METHODS, stream_fit

ENGINES = ("stream", "spark")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 1 refused, 130 interrupted)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "fit":
        parser.print_help()
        return 1
    try:
        return _fit(args)
    except KeyboardInterrupt:
        print("\nInterrupted; nothing was written.", file=sys.stderr)
        return 130
    except ValueError as exc:  # every refusal is a ValueError carrying one sentence
        print(f"error: {_sentence(exc)}", file=sys.stderr)
        return 1


def _fit(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".json":
        raise ValueError(f"--out {out} should name a .json file.")
    if not out.parent.is_dir() or not os.access(out.parent, os.W_OK):
        raise ValueError(f"The folder {out.parent} does not exist or is not writable.")
    config = dict(_key_value(item) for item in args.conf)
    bar = ProgressBar(sys.stderr, enabled=not args.quiet)
    common = {"columns": args.columns, "scale": args.scale, "max_iter": args.max_iter,
              "tol": args.tol, "sample_size": args.sample_size, "random_state": args.seed,
              "progress": bar}
    if args.engine == "stream":
        if args.master or config or args.n_init != 1:
            raise ValueError("--master, --conf and --n-init are for --engine spark.")
        summary = stream_fit(args.source, args.k, method=args.method,
                             batch_size=args.batch_size, **common)
    else:
        if args.method != "minibatch":
            raise ValueError("--method is for --engine stream (Spark runs k-means||).")
        summary = spark_fit(args.source, args.k, master=args.master or DEFAULT_MASTER,
                            config=config, n_init=args.n_init, **common)
    bar.close()
    written = write_run(summary, out)
    print(_report(summary, written))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m clustering",
        description="Cluster Explorer from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser(
        "fit", help="k-means on every row of a Parquet/CSV file or folder; writes a run file",
        description="Fit k-means on every row of a Parquet or CSV file (or a folder of them) "
                    "without loading it whole, and write a run file the dashboard opens "
                    "(Explore > Open a run).")
    fit.add_argument("source", help="a .parquet/.pq/.csv file or a folder of them")
    fit.add_argument("--k", type=int, required=True, help="number of clusters")
    fit.add_argument("--engine", choices=ENGINES, default="stream",
                     help="stream: batches on this machine (default); spark: Spark MLlib")
    fit.add_argument("--method", choices=METHODS, default="minibatch",
                     help="stream engine: MiniBatchKMeans passes (default) or exact Lloyd "
                          "passes (one iteration per pass)")
    fit.add_argument("--master", default=None,
                     help=f"spark engine: master URL (default {DEFAULT_MASTER}, this machine)")
    fit.add_argument("--n-init", type=int, default=1,
                     help="spark engine: k-means|| runs with different seeds, the best kept "
                          "(default 1; one run can settle in a local minimum)")
    fit.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                     help="spark engine: a Spark setting, e.g. spark.driver.memory=4g")
    fit.add_argument("--columns", nargs="+", default=None, metavar="NAME",
                     help="numeric columns to fit (default: every numeric column)")
    fit.add_argument("--scale", choices=SCALES, default="standard",
                     help="standardise columns (default) or use them as they are")
    fit.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    fit.add_argument("--max-iter", type=int, default=20,
                     help="most passes (stream) or iterations (spark); default 20")
    fit.add_argument("--tol", type=float, default=1e-4, help="convergence tolerance")
    fit.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                     help=f"stream engine: rows per batch (default {DEFAULT_BATCH_SIZE:,})")
    fit.add_argument("--sample-size", type=int, default=DEFAULT_SAMPLE_SIZE,
                     help=f"labelled rows kept for display (default {DEFAULT_SAMPLE_SIZE:,})")
    fit.add_argument("--out", required=True, help="the run file to write (.json)")
    fit.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


class ProgressBar:
    """A one-line progress bar on a terminal; plain lines, one per step, elsewhere."""

    WIDTH = 30

    def __init__(self, stream: TextIO, enabled: bool = True):
        self._stream, self._enabled = stream, enabled
        self._tty = enabled and stream.isatty()
        self._current: tuple[str, int] | None = None
        self._last = 0.0
        self._started = time.perf_counter()

    def __call__(self, progress: Progress) -> None:
        if not self._enabled:
            return
        step = (progress.stage, progress.step)
        changed = step != self._current
        if changed:
            if self._current is not None and self._tty:
                self._stream.write("\n")
            self._current = step
            if not self._tty:
                self._stream.write(f"{progress.stage} (step {progress.step} of at most "
                                   f"{progress.steps})\n")
                self._stream.flush()
        now = time.perf_counter()
        if self._tty and (changed or now - self._last > 0.1 or progress.done == progress.total):
            self._last = now
            self._stream.write("\r" + self.line(progress, now - self._started))
            self._stream.flush()

    def line(self, progress: Progress, elapsed: float) -> str:
        if progress.total:
            share = min(progress.done / progress.total, 1.0)
            filled = round(share * self.WIDTH)
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}"
            count = f"{progress.done:,}/{progress.total:,}"
        else:
            bar, count = f"[{'?' * 3:^{self.WIDTH}}]     ", f"{progress.done:,}"
        return (f"{progress.stage:>7} {progress.step}/{progress.steps} {bar} {count} "
                f"{elapsed:6.1f}s")

    def close(self) -> None:
        if self._tty and self._current is not None:
            self._stream.write("\n")
            self._stream.flush()


def _report(summary: RunSummary, written: list[Path]) -> str:
    files = " and ".join(str(p) for p in written)
    state = "converged" if summary.converged else "stopped at max_iter"
    skipped = f", {summary.n_skipped:,} rows skipped (missing values)" if summary.n_skipped else ""
    return (f"Wrote {files}: {summary.engine} ({summary.method}), k={summary.n_clusters}, "
            f"{summary.n_rows:,} rows{skipped}, inertia {summary.inertia:.6g}, "
            f"{summary.n_iter} iteration{'s' if summary.n_iter != 1 else ''}, {state}.")


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--conf {item!r} should be KEY=VALUE.")
    return key.strip(), value


def _sentence(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else "the input was refused."
