import numpy as np
import pandas as pd
import pytest

from clustering.data import _shapes
from clustering.data._datasets import (
    DATASETS,
    DEFAULT_DATASET,
    MAX_SAMPLES,
    MIN_SAMPLES,
    applicable_params,
    load_dataset,
)

REAL = {
    # name: (rows, features, classes)
    "iris": (150, 4, 3),
    "wine": (178, 13, 3),
    "breast_cancer": (569, 30, 2),
    "digits": (1797, 64, 10),
}
SYNTHETIC = [name for name, spec in DATASETS.items() if spec.kind == "synthetic"]
EXPECTED_SYNTHETIC = {
    "blobs": 3,
    "anisotropic_blobs": 3,
    "unequal_variance_blobs": 3,
    "unequal_size_blobs": 3,
    "moons": 2,
    "circles": 2,
    "uniform_noise": None,
    "smiley": 4,
    "pimpled_smiley": 9,
    "density_bars": 3,
    "packed_circles": 7,
    "rings": 3,
    "gaussian_mixture": 4,
}


def test_registry_holds_every_promised_dataset():
    assert DEFAULT_DATASET == "iris"
    assert set(DATASETS) == set(REAL) | set(EXPECTED_SYNTHETIC)
    for name, spec in DATASETS.items():
        assert spec.name == name
        assert spec.title and spec.description and "\n" not in spec.description
        assert spec.kind in {"real", "synthetic"}


@pytest.mark.parametrize("name", list(REAL))
def test_real_dataset_shapes_and_labels(name):
    rows, d, classes = REAL[name]
    ds = load_dataset(name)
    spec = DATASETS[name]
    assert spec.default_n is None and spec.default_noise is None and spec.has_truth
    assert not spec.takes_n_samples and not spec.takes_noise
    assert applicable_params(name) == {}
    assert ds.frame.shape == (rows, d + 1)
    assert len(ds.feature_names) == d == len(set(ds.feature_names))
    assert list(ds.frame.columns) == [*ds.feature_names, "label"]
    assert ds.label_column == "label"
    assert ds.frame["label"].nunique() == classes
    assert ds.X.shape == (rows, d) and ds.X.dtype == np.float64
    assert np.isfinite(ds.X).all()
    # Readable names: no snake_case feature names, class names are text.
    assert not any("_" in f for f in ds.feature_names)
    assert all(isinstance(v, str) for v in ds.frame["label"])


def test_iris_labels_are_species_names():
    ds = load_dataset("iris")
    assert sorted(ds.frame["label"].unique()) == ["setosa", "versicolor", "virginica"]
    assert ds.feature_names[0] == "sepal length (cm)"


def test_real_dataset_ignores_size_and_noise_and_says_so():
    plain = load_dataset("wine")
    asked = load_dataset("wine", n_samples=50, noise=3.0, random_state=9)
    pd.testing.assert_frame_equal(plain.frame, asked.frame)
    assert plain.notes == [] and len(asked.notes) == 1


@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_dataset_shape_labels_and_defaults(name):
    spec = DATASETS[name]
    ds = load_dataset(name)
    classes = EXPECTED_SYNTHETIC[name]
    assert spec.takes_n_samples and MIN_SAMPLES <= spec.default_n <= MAX_SAMPLES
    assert ds.frame.shape[0] == spec.default_n
    assert ds.feature_names == ["x", "y"]
    assert np.isfinite(ds.X).all()
    assert spec.has_truth is (classes is not None)
    if classes is None:
        assert ds.label_column is None and ds.true_labels is None
        assert list(ds.frame.columns) == ["x", "y"]
    else:
        assert ds.label_column == "label"
        assert ds.frame["label"].nunique() == classes
    assert set(applicable_params(name)) == (
        {"n_samples", "noise"} if spec.takes_noise else {"n_samples"}
    )


@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_reproducible_and_seed_sensitive(name):
    a = load_dataset(name, n_samples=300, random_state=3)
    b = load_dataset(name, n_samples=300, random_state=3)
    c = load_dataset(name, n_samples=300, random_state=4)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not np.allclose(a.X, c.X)


@pytest.mark.parametrize("name", SYNTHETIC)
@pytest.mark.parametrize("n", [MIN_SAMPLES, 777])
def test_synthetic_size_is_exact_and_every_class_present(name, n):
    ds = load_dataset(name, n_samples=n)
    assert len(ds.frame) == n
    if ds.label_column:
        assert ds.frame["label"].nunique() == EXPECTED_SYNTHETIC[name]


@pytest.mark.parametrize("name", [n for n in SYNTHETIC if DATASETS[n].takes_noise])
def test_noise_changes_the_spread(name):
    # Same seed, noise 0 vs a lot: the data must differ, and zero noise must be allowed.
    quiet = load_dataset(name, n_samples=400, noise=0.0)
    loud = load_dataset(name, n_samples=400, noise=2.0)
    assert not np.allclose(quiet.X, loud.X)


def test_uniform_noise_has_no_noise_setting():
    spec = DATASETS["uniform_noise"]
    assert spec.default_noise is None and not spec.takes_noise
    a = load_dataset("uniform_noise", noise=5.0)
    b = load_dataset("uniform_noise")
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert ((a.X >= 0) & (a.X <= 1)).all()


def test_unequal_size_blobs_keep_500_100_10():
    counts = load_dataset("unequal_size_blobs").frame["label"].value_counts()
    assert counts.to_dict() == {"large blob": 500, "medium blob": 100, "small blob": 10}
    scaled = load_dataset("unequal_size_blobs", n_samples=6100).frame["label"].value_counts()
    assert scaled.to_dict() == {"large blob": 5000, "medium blob": 1000, "small blob": 100}


def test_rows_are_shuffled():
    labels = load_dataset("smiley").frame["label"].to_numpy()
    # A block layout would change class at most 3 times.
    assert (labels[1:] != labels[:-1]).sum() > 100


@pytest.mark.parametrize("n", [0, MIN_SAMPLES - 1, MAX_SAMPLES + 1, -5])
def test_n_samples_out_of_range_names_the_value(n):
    with pytest.raises(ValueError, match=f"n_samples={n}"):
        load_dataset("blobs", n_samples=n)


@pytest.mark.parametrize("n", [12.5, "100", True])
def test_n_samples_must_be_whole(n):
    with pytest.raises(ValueError, match="n_samples="):
        load_dataset("blobs", n_samples=n)


def test_whole_float_n_samples_accepted():
    assert len(load_dataset("moons", n_samples=100.0).frame) == 100


@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf"), "loud"])
def test_bad_noise_names_the_value(noise):
    with pytest.raises(ValueError, match="noise="):
        load_dataset("moons", noise=noise)


def test_unknown_name_lists_choices():
    with pytest.raises(ValueError, match="unknown dataset 'nope'.*iris"):
        load_dataset("nope")


def test_random_state_instance_accepted():
    rs = np.random.RandomState(0)
    a = load_dataset("blobs", n_samples=100, random_state=rs)
    b = load_dataset("blobs", n_samples=100, random_state=0)
    pd.testing.assert_frame_equal(a.frame, b.frame)


@pytest.mark.parametrize(
    "n, weights, expected",
    [(610, [500, 100, 10], [500, 100, 10]), (3, [500, 100, 10], [1, 1, 1]), (10, [1, 1], [5, 5])],
)
def test_split_counts(n, weights, expected):
    assert _shapes.split_counts(n, weights).tolist() == expected
