"""Built-in datasets: four real tables shipped with scikit-learn and seeded synthetic shapes.

>>> ds = load_dataset("iris")
>>> ds.frame.shape, ds.label_column
((150, 5), 'label')

Real datasets have a fixed size: ``n_samples`` and ``noise`` do not apply to them and are
ignored (their spec has ``default_n = default_noise = None`` and the returned
``Dataset.notes`` says so). Synthetic datasets are 2-D, drawn from ``random_state`` only, so
the same arguments always give the same table; ``n_samples`` must lie in
[``MIN_SAMPLES``, ``MAX_SAMPLES``] and ``noise`` must be finite and >= 0. What ``noise`` means
differs per shape (blob standard deviation, jitter, ...); each spec's ``noise_help`` says.
Nothing is downloaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn import datasets as _skd
from sklearn.utils import check_random_state

from clustering.data import _shapes

__all__ = [
    "DATASETS",
    "DEFAULT_DATASET",
    "MAX_SAMPLES",
    "MIN_SAMPLES",
    "Dataset",
    "DatasetSpec",
    "applicable_params",
    "load_dataset",
]

DEFAULT_DATASET = "iris"
#: Upper bound on ``n_samples`` for synthetic sets: keeps a browser plot and k-means history
#: responsive; analysts with more rows upload them.
MAX_SAMPLES = 200_000
#: Lower bound on ``n_samples``: every part of every shape (nine for the pimpled smiley)
#: gets at least one point, with room to spare.
MIN_SAMPLES = 20

LABEL_COLUMN = "label"


@dataclass(frozen=True)
class DatasetSpec:
    """What the UI needs to list a dataset and offer its settings.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"iris"``.
    title : str
        Human title, e.g. ``"Iris"``.
    description : str
        One line.
    kind : {"real", "synthetic"}
    default_n : int or None
        Default ``n_samples``; None when the size is fixed (real sets).
    default_noise : float or None
        Default ``noise``; None when noise does not apply (real sets, uniform noise).
    has_truth : bool
        Whether the dataset carries a ``label`` column of true classes.
    noise_help : str or None
        What ``noise`` means for this dataset, one short phrase.
    """

    name: str
    title: str
    description: str
    kind: str
    default_n: int | None
    default_noise: float | None
    has_truth: bool
    noise_help: str | None = None

    @property
    def takes_n_samples(self) -> bool:
        """True when ``n_samples`` changes the data (synthetic sets)."""
        return self.default_n is not None

    @property
    def takes_noise(self) -> bool:
        """True when ``noise`` changes the data."""
        return self.default_noise is not None


# eq=False: fields hold arrays/frames, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded dataset.

    Attributes
    ----------
    frame : pandas.DataFrame of shape (n, d + has_truth)
        Feature columns (float64) named ``feature_names`` and, when a truth exists, a
        ``"label"`` column of readable class names (str).
    feature_names : list of str
    label_column : str or None
        ``"label"`` or None.
    description : str
        One line.
    name : str
        Registry key.
    title : str
    notes : list of str
        Plain sentences about how the data was made (settings used or ignored).
    """

    frame: pd.DataFrame
    feature_names: list[str]
    label_column: str | None
    description: str
    name: str
    title: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def X(self) -> np.ndarray:
        """Features as an ndarray of shape (n, d), float64."""
        return self.frame[self.feature_names].to_numpy(dtype=np.float64)

    @property
    def true_labels(self) -> np.ndarray | None:
        """True class names, ndarray of shape (n,), or None."""
        if self.label_column is None:
            return None
        return self.frame[self.label_column].to_numpy()


# --- real datasets -----------------------------------------------------------------------


def _real_iris():
    b = _skd.load_iris()
    return b.data, list(b.feature_names), np.asarray(b.target_names, dtype=object)[b.target]


def _real_wine():
    b = _skd.load_wine()
    names = [f.replace("_", " ") for f in b.feature_names]
    return (
        b.data,
        names,
        np.array(["cultivar 1", "cultivar 2", "cultivar 3"], dtype=object)[b.target],
    )


def _real_breast_cancer():
    b = _skd.load_breast_cancer()
    return b.data, list(b.feature_names), np.asarray(b.target_names, dtype=object)[b.target]


def _real_digits():
    b = _skd.load_digits()
    # "pixel_3_5" -> "pixel r3 c5": row and column of the 8x8 image, readable on an axis.
    names = []
    for f in b.feature_names:
        _, r, c = f.split("_")
        names.append(f"pixel r{r} c{c}")
    return b.data, names, b.target.astype(str).astype(object)


_REAL: dict[str, Callable] = {
    "iris": _real_iris,
    "wine": _real_wine,
    "breast_cancer": _real_breast_cancer,
    "digits": _real_digits,
}

_SYNTHETIC: dict[str, Callable] = {
    "blobs": _shapes.blobs,
    "anisotropic_blobs": _shapes.anisotropic,
    "unequal_variance_blobs": _shapes.unequal_variance,
    "unequal_size_blobs": _shapes.unequal_size,
    "moons": _shapes.moons,
    "circles": _shapes.circles,
    "uniform_noise": _shapes.uniform,
    "smiley": _shapes.smiley,
    "pimpled_smiley": _shapes.pimpled_smiley,
    "density_bars": _shapes.density_bars,
    "packed_circles": _shapes.packed_circles,
    "rings": _shapes.rings,
    "gaussian_mixture": _shapes.gaussian_mixture,
}

_JITTER = "standard deviation of the Gaussian jitter added to every point"
_BLOB_STD = "standard deviation of each blob"


def _real(name, title, description):
    return DatasetSpec(name, title, description, "real", None, None, True)


def _synth(name, title, description, n, noise, noise_help, has_truth=True):
    return DatasetSpec(name, title, description, "synthetic", n, noise, has_truth, noise_help)


DATASETS: dict[str, DatasetSpec] = {
    s.name: s
    for s in [
        _real("iris", "Iris", "150 iris flowers, 4 measurements in cm, 3 species."),
        _real("wine", "Wine", "178 Italian wines, 13 chemical measurements, 3 grape cultivars."),
        _real(
            "breast_cancer",
            "Breast cancer",
            "569 tumour biopsies, 30 cell-nucleus measurements, malignant or benign.",
        ),
        _real("digits", "Digits", "1797 handwritten digits as 8x8 grey images (64 pixels)."),
        _synth(
            "blobs", "Blobs", "Three round Gaussian blobs: the easy case.", 1500, 1.0, _BLOB_STD
        ),
        _synth(
            "anisotropic_blobs",
            "Anisotropic blobs",
            "Three blobs stretched and sheared: k-means assumes round clusters.",
            1500,
            1.0,
            _BLOB_STD,
        ),
        _synth(
            "unequal_variance_blobs",
            "Blobs of unequal variance",
            "Three blobs with spreads 1 : 2.5 : 0.5: the wide one steals points.",
            1500,
            1.0,
            "standard deviation of the medium blob (the others are 2.5x and 0.5x)",
        ),
        _synth(
            "unequal_size_blobs",
            "Blobs of unequal size",
            "Three blobs holding 500 : 100 : 10 of the points: big clusters get split.",
            610,
            1.0,
            _BLOB_STD,
        ),
        _synth(
            "moons",
            "Moons",
            "Two interleaving half circles: not separable by centres.",
            500,
            0.1,
            _JITTER,
        ),
        _synth("circles", "Circles", "A small circle inside a large one.", 500, 0.05, _JITTER),
        _synth(
            "uniform_noise",
            "Uniform noise",
            "Points spread evenly over a square: no clusters at all, k-means still finds some.",
            500,
            None,
            None,
            has_truth=False,
        ),
        _synth(
            "smiley",
            "Smiley face",
            "Face outline, two eyes and a mouth: clusters that are not round.",
            1000,
            0.03,
            _JITTER,
        ),
        _synth(
            "pimpled_smiley",
            "Pimpled smiley",
            "The smiley plus five small dense spots that attract centres.",
            1000,
            0.03,
            _JITTER,
        ),
        _synth(
            "density_bars",
            "Density bars",
            "Three equal bars with densities 1 : 2 : 4 side by side.",
            1000,
            0.05,
            _JITTER,
        ),
        _synth(
            "packed_circles",
            "Packed circles",
            "Seven equal disks packed tightly: good initial centres matter.",
            1400,
            0.02,
            _JITTER,
        ),
        _synth(
            "rings",
            "Rings",
            "Three concentric rings: no centre-based method can separate them.",
            1200,
            0.05,
            _JITTER,
        ),
        _synth(
            "gaussian_mixture",
            "Gaussian mixture",
            "Four elongated Gaussians of random sizes and orientations.",
            1000,
            1.0,
            "scale of every component's standard deviations (1 = default spread)",
        ),
    ]
}


def applicable_params(name: str) -> dict[str, object]:
    """Which settings apply to a dataset, with their defaults.

    Parameters
    ----------
    name : str
        Registry key.

    Returns
    -------
    params : dict
        ``{"n_samples": default}`` and/or ``{"noise": default}``, only for the settings that
        change the data; empty for real datasets.
    """
    spec = _spec(name)
    out: dict[str, object] = {}
    if spec.takes_n_samples:
        out["n_samples"] = spec.default_n
    if spec.takes_noise:
        out["noise"] = spec.default_noise
    return out


def _spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        known = ", ".join(DATASETS)
        raise ValueError(f"unknown dataset {name!r}; choose one of: {known}") from None


def load_dataset(
    name: str = DEFAULT_DATASET,
    *,
    n_samples: int | None = None,
    noise: float | None = None,
    random_state=0,
) -> Dataset:
    """Load a built-in dataset by name.

    Parameters
    ----------
    name : str, default "iris"
        A key of ``DATASETS``.
    n_samples : int or None
        Number of points for synthetic sets (None = the spec's ``default_n``); ignored by
        real sets. Must be in [MIN_SAMPLES, MAX_SAMPLES].
    noise : float or None
        Noise level for synthetic sets (None = the spec's ``default_noise``); its meaning is
        the spec's ``noise_help``. Ignored where it does not apply. Must be finite and >= 0.
    random_state : int, RandomState instance or None, default 0
        Seed for synthetic sets; the same seed gives the same table.

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        Unknown name, or ``n_samples`` / ``noise`` out of range (the message carries the
        value).
    """
    spec = _spec(name)
    notes: list[str] = []
    if spec.kind == "real":
        if n_samples is not None or noise is not None:
            notes.append(
                f"{spec.title} is a fixed table: the sample size and noise settings do not apply."
            )
        X, feature_names, y = _REAL[name]()
    else:
        n = _check_n_samples(spec.default_n if n_samples is None else n_samples)
        if spec.takes_noise:
            level = _check_noise(spec.default_noise if noise is None else noise)
            notes.append(f"{n} points, noise {level:g} ({spec.noise_help}).")
        else:
            level = 0.0
            notes.append(f"{n} points; the noise setting does not apply to {spec.title.lower()}.")
        rng = check_random_state(random_state)
        X, y = _SYNTHETIC[name](n, level, rng)
        feature_names = ["x", "y"]

    frame = pd.DataFrame(np.asarray(X, dtype=np.float64), columns=feature_names)
    label_column = None
    if y is not None:
        frame[LABEL_COLUMN] = pd.Series(np.asarray(y, dtype=str), dtype=str)
        label_column = LABEL_COLUMN
    return Dataset(
        frame=frame,
        feature_names=list(feature_names),
        label_column=label_column,
        description=spec.description,
        name=name,
        title=spec.title,
        notes=notes,
    )


def _check_n_samples(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        if isinstance(n, (float, np.floating)) and math.isfinite(n) and float(n).is_integer():
            n = int(n)
        else:
            raise ValueError(f"n_samples={n!r} must be a whole number")
    n = int(n)
    if not MIN_SAMPLES <= n <= MAX_SAMPLES:
        raise ValueError(f"n_samples={n} must be between {MIN_SAMPLES} and {MAX_SAMPLES}")
    return n


def _check_noise(noise) -> float:
    try:
        level = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise={noise!r} must be a number") from None
    if not math.isfinite(level) or level < 0:
        raise ValueError(f"noise={noise!r} must be a finite number >= 0")
    return level
