"""The current run as code: a standalone Python script (and a Jupyter notebook) that redoes it
with pandas and scikit-learn only, generated from plain values, never by pasting user text.
"""
from clustering.codegen._recipe import (
    EXPORT_SOURCE_FILE,
    SKLEARN_LOADERS,
    DataSource,
    RunRecipe,
    run_recipe,
)
from clustering.codegen._script import (
    NOTEBOOK_FILENAME,
    SCRIPT_FILENAME,
    literal,
    run_notebook,
    run_script,
)

__all__ = [
    "EXPORT_SOURCE_FILE",
    "NOTEBOOK_FILENAME",
    "SCRIPT_FILENAME",
    "SKLEARN_LOADERS",
    "DataSource",
    "RunRecipe",
    "literal",
    "run_notebook",
    "run_recipe",
    "run_script",
]
