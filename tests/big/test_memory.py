"""Memory of the streaming fit does not grow with the number of rows.

Each fit runs in a fresh subprocess that reports how much its peak memory grew during the fit
(resident set, Arrow's memory pool, and the Python/numpy allocations tracemalloc traces); a file
10x larger must not need more than a bounded multiple of what the small one needed. Ratios, no
wall clock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.big.datasets import write_big_parquet

REPO = Path(__file__).resolve().parents[2]
# Two fits of 0.2M and 2M rows in subprocesses.
pytestmark = pytest.mark.timeout(900)
SCRIPT = r"""
import json, sys, tracemalloc
import pyarrow as pa
from clustering.big import open_source, stream_fit

def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))

source = open_source(sys.argv[1])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets the peak resident set (VmHWM) to the current one
before = status("VmRSS:")
tracemalloc.start()
run = stream_fit(source, 6, max_iter=2, batch_size=32_768, random_state=0)
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"rows": run.n_rows, "rss_kb": status("VmHWM:") - before, "traced": traced,
                  "arrow": pa.default_memory_pool().max_memory()}))
"""


def peak(path) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], capture_output=True,
                          text=True, check=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_memory_stays_flat_when_the_file_is_ten_times_larger(tmp_path):
    small = peak(write_big_parquet(tmp_path / "small.parquet", 200_000, 8, seed=0))
    large = peak(write_big_parquet(tmp_path / "large.parquet", 2_000_000, 8, seed=0))
    assert (small["rows"], large["rows"]) == (200_000, 2_000_000)
    # 1.8 million more rows x 8 float64 would be 115 MB more if anything held the table.
    assert large["traced"] <= 1.3 * small["traced"] + 2_000_000, (small, large)
    assert large["arrow"] <= 1.3 * small["arrow"] + 2_000_000, (small, large)
    assert large["rss_kb"] <= 1.5 * small["rss_kb"] + 30_000, (small, large)
