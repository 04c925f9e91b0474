"""``python -m clustering fit``: a run file on success, one sentence and no file on refusal."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from clustering.big import Progress, main, read_run_path
from clustering.big._cli import ProgressBar
from tests.big.datasets import blob_rows, write_parquet

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    X, _ = blob_rows(20_000, 3, 4, seed=4)
    return write_parquet(tmp_path_factory.mktemp("cli") / "t", X, files=2, row_group=4_000)


def test_fit_writes_a_run_file_the_reader_accepts(folder, tmp_path, capsys):
    status = main(["fit", str(folder), "--k", "4", "--seed", "1", "--method", "lloyd",
                   "--columns", "f0", "f2", "--batch-size", "5000", "--out",
                   str(tmp_path / "run.json")])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.startswith(f"Wrote {tmp_path / 'run.json'} and {tmp_path / 'run.sample.parquet'}")
    assert "scan (step 1" in err and "final (step" in err  # one line per pass off a terminal
    run = read_run_path("run.json", tmp_path)
    assert run.columns == ("f0", "f2") and run.method == "lloyd" and run.n_rows == 20_000
    assert run.settings["seed"] == 1 and len(run.cost_history) == run.n_iter


@pytest.mark.parametrize(("args", "message"), [
    (["--columns", "f0", "nope"], "has no column 'nope'"),
    (["--k", "0"], "n_clusters=0 should be an integer from 1"),
    (["--scale", "none", "--master", "local[1]"],
     "--master, --conf and --n-init are for --engine spark"),
    (["--engine", "spark", "--method", "lloyd"], "--method is for --engine stream"),
    (["--engine", "spark", "--conf", "novalue"], "should be KEY=VALUE"),
])
def test_refusals_are_one_sentence_and_write_nothing(folder, tmp_path, capsys, args, message):
    argv = ["fit", str(folder), "--k", "3", "--out", str(tmp_path / "run.json"), *args]
    if "--k" in args:
        argv[2:4] = []
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and message in err[-1]
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_does_not_exist_is_refused_before_the_fit(folder, tmp_path,
                                                                         capsys):
    assert main(["fit", str(folder), "--k", "3", "--out", str(tmp_path / "no" / "r.json")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_the_progress_bar_draws_a_share_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar(screen)
    for done in (2_500, 5_000, 10_000):
        bar(Progress("scan", 1, 4, done, 10_000))
    bar(Progress("fit", 2, 4, 500, None))
    bar.close()
    text = screen.getvalue()
    assert "[" + "#" * 30 + "] 100% 10,000/10,000" in text and "\r" in text
    assert "fit 2/4" in text and text.endswith("\n")


def test_python_dash_m_clustering_runs(folder, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "clustering", "fit", str(folder), "--k", "4", "--quiet",
         "--sample-size", "200", "--out", str(tmp_path / "small.json")],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and sorted(p.name for p in tmp_path.iterdir()) == ["small.json"]
    assert len(read_run_path("small.json", tmp_path).sample) == 200
