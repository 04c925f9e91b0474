"""The package's shape, checked: who may import what.

- ``ui/``, ``pages/`` and ``app.py`` import only public names: from a feature package's
  ``__init__`` (``clustering.engine``...) or a public top-level module, never a ``_private``
  module, and only names listed in that package's ``__all__``.
- Only ``clustering/figures/`` imports plotly (``ui/`` hands figures to Streamlit unopened).
- ``clustering/figures/`` imports no computation: from the rest of the package it takes
  types and constants only (no functions), so everything it draws is handed to it.
- Nothing under ``clustering/`` imports streamlit.
- Every feature package has a docstring saying what it offers and an ``__all__`` whose names
  all resolve; no other package imports a ``_private`` module of another package.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "clustering"
FEATURES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
GLUE = sorted([*REPO.glob("ui/*.py"), *REPO.glob("pages/*.py"), REPO / "app.py"])
ENGINE = sorted(PACKAGE.rglob("*.py"))


def imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(module, names, under TYPE_CHECKING) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], id(node) in typing_only) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [a.name for a in node.names], id(node) in typing_only))
    return found


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_feature_packages_exist_with_a_public_face():
    assert {"engine", "io", "data", "view", "evaluation", "choose_k", "compare", "image",
            "lesson", "figures"} <= set(FEATURES)
    for name in FEATURES:
        package = importlib.import_module(f"clustering.{name}")
        assert package.__doc__ and len(package.__doc__.split()) >= 8, name
        assert package.__all__, name
        for public in package.__all__:
            assert hasattr(package, public), f"clustering.{name}.__all__ names {public}"


@pytest.mark.parametrize("path", GLUE, ids=rel)
def test_glue_imports_only_public_names(path):
    for module, names, _ in imports(path):
        if not module.startswith("clustering"):
            continue
        parts = module.split(".")
        assert not any(p.startswith("_") for p in parts), f"{rel(path)} imports {module}"
        target = importlib.import_module(module)
        public = getattr(target, "__all__", None)
        assert public is not None, f"{module} has no __all__"
        for name in names:
            assert name in public, f"{rel(path)} imports {name} from {module}, not in __all__"


@pytest.mark.parametrize("path", [*ENGINE, *GLUE], ids=rel)
def test_only_figures_import_plotly(path):
    if rel(path).startswith("clustering/figures/"):
        return
    for module, _, _ in imports(path):
        assert module.split(".")[0] != "plotly", f"{rel(path)} imports {module}"


@pytest.mark.parametrize("path", ENGINE, ids=rel)
def test_the_engine_never_imports_streamlit(path):
    for module, _, _ in imports(path):
        assert module.split(".")[0] != "streamlit", f"{rel(path)} imports {module}"


@pytest.mark.parametrize("path", ENGINE, ids=rel)
def test_no_package_reaches_into_another_packages_private_modules(path):
    own = rel(path).split("/")[1] if rel(path).count("/") >= 2 else None
    for module, _, _ in imports(path):
        parts = module.split(".")
        if parts[0] != "clustering" or len(parts) < 3:
            continue
        if parts[1] != own:
            assert not parts[2].startswith("_"), f"{rel(path)} imports {module}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "figures").glob("*.py")), ids=rel)
def test_figures_take_types_and_constants_only(path):
    for module, names, typing_only in imports(path):
        if typing_only or not module.startswith("clustering") or module.startswith(
                "clustering.figures"):
            continue
        target = importlib.import_module(module)
        for name in names:
            value = getattr(target, name)
            if module == "clustering.text":
                continue  # display text (names, escaping): part of drawing
            assert inspect.isclass(value) or not callable(value), (
                f"{rel(path)} imports the function {module}.{name}: compute it elsewhere and "
                "hand the result to the builder")
