"""The run as a script: plain literals only, and running it prints the page's numbers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from clustering.codegen import (
    EXPORT_SOURCE_FILE,
    DataSource,
    literal,
    run_notebook,
    run_recipe,
    run_script,
)
from clustering.data import labeled_csv, load_dataset, prepare
from clustering.engine import kmeans
from clustering.evaluation import evaluate
from clustering.io import load_table

pytestmark = pytest.mark.timeout(120)

HOSTILE = ['"); import os; os.system("touch pwned', "'''", 'a\\b"""\\', "{x}\n#", "é ü 中"]


def page_run(frame, source, features, label=None, *, categorical=(), k=3, init="k-means++",
             distance="euclidean", center=None, scaling="standard", missing="drop", n_init=1,
             seed=0, manual=(0, 60, 120)):
    """What the Explore page computes for these settings (same calls as ui.cache)."""
    prepared = prepare(frame, list(features), label, missing=missing, scaling=scaling,
                       categorical=list(categorical))
    start = prepared.X[list(manual[:k])] if init == "manual" else init
    result = kmeans(prepared.X, k, init=start, distance=distance, center=center,
                    n_init=1 if init == "manual" else n_init, max_iter=100, random_state=seed)
    evaluation = evaluate(prepared.X, result.labels, prepared.true_labels,
                          objective=result.inertia, metric=distance)
    shown = {**evaluation.values, "iterations": result.n_iter}
    recipe = run_recipe(source, frame, prepared, result.history.centers[0], n_clusters=k,
                        init=init,
                        distance=distance, center=result.center, seed=seed, max_iter=100,
                        n_init=n_init, app_results=shown)
    return recipe, shown


def run_generated(code: str, folder, *args) -> dict[str, float]:
    path = folder / "run.py"
    path.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                          cwd=folder, timeout=100)
    assert done.returncode == 0, done.stderr
    assert "Every number matches the app." in done.stdout, done.stdout
    printed = {}
    for line in done.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 2 and parts[0].replace("_", "").isalpha():
            try:
                printed[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return printed


def assert_same_numbers(printed: dict, shown: dict):
    expected = {k: v for k, v in shown.items() if v is not None}
    assert set(printed) == set(expected)
    for key, value in expected.items():
        # The page shows 4 significant digits; the script prints 10.
        assert f"{printed[key]:.4g}" == f"{value:.4g}", key
        assert printed[key] == pytest.approx(value, rel=1e-8, abs=1e-12), key


@pytest.fixture(scope="module")
def iris():
    return load_dataset("iris")


@pytest.fixture
def customers(tmp_path):
    rng = np.random.default_rng(3)
    n = 240
    frame = pd.DataFrame({
        "spend (€)": rng.gamma(2.0, 50.0, n).round(2),
        "visits": rng.poisson(5, n),
        "plan": rng.choice(["basic", "plus", "premium"], n, p=[0.6, 0.3, 0.1]),
        "segment": rng.choice(["a", "b"], n),
    })  # fmt: skip
    frame.loc[[4, 9], "spend (€)"] = np.nan
    frame.loc[11, "plan"] = None
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False, sep=";", decimal=",")
    table = load_table(path.read_bytes(), "customers.csv")
    source = DataSource.upload("customers.csv", table.source_format, table.dialect, table.header)
    return table, source


@pytest.mark.parametrize(("settings"), [
    {},
    {"init": "manual"},
    {"distance": "cosine", "init": "random"},
    {"distance": "manhattan", "n_init": 3, "seed": 7, "k": 4},
    {"distance": "euclidean", "center": "medoid", "init": "farthest", "scaling": "minmax"},
], ids=["kmeans++", "manual", "cosine", "manhattan-restarts", "medoid"])
def test_iris_script_prints_the_pages_numbers(iris, tmp_path, settings):
    recipe, shown = page_run(iris.frame, DataSource.builtin("iris"), iris.feature_names,
                             "label", **settings)
    assert recipe["SOURCE"] == "sklearn"
    assert_same_numbers(run_generated(run_script(recipe), tmp_path), shown)


@pytest.mark.parametrize("missing", ["drop", "median"])
def test_uploaded_table_with_a_categorical_column(customers, tmp_path, missing):
    table, source = customers
    recipe, shown = page_run(table.frame, source, ["spend (€)", "visits", "plan", "segment"],
                             "segment", categorical=["plan"], k=4, missing=missing)
    assert recipe["CATEGORICAL"] == ["plan"]
    assert recipe["READ_OPTIONS"]["sep"] == ";"
    assert_same_numbers(run_generated(run_script(recipe), tmp_path), shown)


def test_synthetic_sets_are_read_back_from_the_labelled_download(tmp_path):
    blobs = load_dataset("blobs", n_samples=3000, random_state=2)
    recipe, shown = page_run(blobs.frame, DataSource.builtin("blobs"), blobs.feature_names,
                             "label", k=3)
    n = len(blobs.frame)
    (tmp_path / EXPORT_SOURCE_FILE).write_bytes(
        labeled_csv(blobs.frame, np.arange(n), np.zeros(n, int)))
    printed = run_generated(run_script(recipe), tmp_path)
    assert_same_numbers(printed, shown)  # 3,000 rows: the silhouette sample is the page's


def test_hostile_names_stay_inert_strings(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({name: rng.normal(size=40) for name in HOSTILE[:3]})
    frame[HOSTILE[3]] = rng.choice(['"); os.system("touch pwned2', "'''", "ok"], 40)
    frame[HOSTILE[4]] = rng.normal(size=40)
    file_name = "'''\"); import os; os.system(\"touch pwned3\") #.csv"
    (tmp_path / file_name).write_bytes(frame.to_csv(index=False).encode())
    table = load_table((tmp_path / file_name).read_bytes(), file_name)
    source = DataSource.upload(file_name, table.source_format, table.dialect, table.header)
    names = list(table.frame.columns)
    recipe, shown = page_run(table.frame, source, names, categorical=[names[3]])
    code = run_script(recipe)
    tree = ast.parse(code)
    settings = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and node.targets[0].id in recipe.values}
    assert settings["COLUMNS"] == names
    assert settings["DATA_FILE"] == file_name
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"sys", "numpy", "pandas", "scipy.sparse", "scipy.spatial.distance",
                        "sklearn", "sklearn.cluster", "sklearn.impute", "sklearn.preprocessing"}
    assert not any(isinstance(n, ast.Name) and n.id == "os" for n in ast.walk(tree))
    assert_same_numbers(run_generated(code, tmp_path), shown)
    assert not list(tmp_path.glob("pwned*"))


@pytest.mark.parametrize("value", [
    '"); import os; os.system("x', "'''", '"""', "\\", "\x00\r\n\u2028\udc80", "{0}%s",
])
def test_literals_read_back_as_the_same_value(value):
    text = literal({"name": [value, None, 1.5, True, 3]})
    assert ast.literal_eval(text) == {"name": [value, None, 1.5, True, 3]}
    assert "\n" not in text and "\r" not in text


def test_only_plain_values_become_literals():
    with pytest.raises(ValueError, match="cannot be written"):
        literal(float("nan"))
    with pytest.raises(TypeError, match="cannot write a set"):
        literal({1, 2})
    with pytest.raises(TypeError, match="keys must be str"):
        literal({1: 2})


def test_notebook_holds_the_same_steps(iris, tmp_path):
    recipe, shown = page_run(iris.frame, DataSource.builtin("iris"), iris.feature_names,
                             "label", distance="cosine")
    notebook = json.loads(run_notebook(recipe))
    assert notebook["nbformat"] == 4
    code = [cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "code"]
    markdown = " ".join(cell["source"] for cell in notebook["cells"]
                        if cell["cell_type"] == "markdown")
    assert "DISTANCE = 'cosine'" in "\n".join(code)
    assert "sepal" not in markdown  # no text from the data outside the settings cell
    # The code cells, run top to bottom, print the page's numbers.
    script = "\n\n".join(code[:-1]) + "\n" + code[-2]
    assert_same_numbers(run_generated(script, tmp_path), shown)
