"""Where the shared corpus of nasty inputs lives: ``../shared/corpus`` beside the repository.

CI clones the repository into a fresh folder with a copy of ``shared/`` beside it, so the
relative location holds there too; ``CLUSTER_EXPLORER_CORPUS`` overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path:
    override = os.environ.get("CLUSTER_EXPLORER_CORPUS")
    return Path(override) if override else REPO.parent / "shared" / "corpus"


def corpus_file(name: str) -> Path:
    """Path of a corpus file; skips the test with the reason when the corpus is absent."""
    path = corpus_dir() / name
    if not path.exists():
        pytest.skip(f"corpus file {path} is absent (set CLUSTER_EXPLORER_CORPUS)")
    return path
