import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist
from sklearn.decomposition import PCA

from clustering.data._datasets import load_dataset
from clustering.view._projection import NO_AXIS_TITLE, data_bounds, fit_projection


@pytest.fixture(scope="module")
def iris():
    ds = load_dataset("iris")
    return ds.X, ds.feature_names


@pytest.mark.parametrize("c", [2, 3])
def test_pca_matches_sklearn_and_titles_carry_variance(iris, c):
    X, names = iris
    proj = fit_projection(X, n_components=c, feature_names=names)
    ref = PCA(n_components=c).fit(X)
    P = proj.transform(X)
    assert P.shape == (150, c)
    np.testing.assert_allclose(P, ref.transform(X), atol=1e-10)
    np.testing.assert_allclose(proj.explained_variance_ratio, ref.explained_variance_ratio_)
    assert proj.axis_titles[0] == f"PC1 ({100 * ref.explained_variance_ratio_[0]:.1f}%)"
    assert proj.axis_titles[0] == "PC1 (92.5%)"
    assert proj.method == "pca" and not proj.is_identity_2d and not proj.is_invertible


@pytest.mark.parametrize("name", ["iris", "wine", "digits", "blobs"])
def test_explained_variance_sums_to_at_most_one(name):
    X = load_dataset(name).X
    for c in (2, 3):
        ratio = fit_projection(X, n_components=c).explained_variance_ratio
        assert np.all(ratio >= 0) and ratio.sum() <= 1 + 1e-12
        assert np.all(np.diff(ratio) <= 1e-12)  # decreasing


def test_pca_of_2d_data_keeps_distances_and_inverts():
    X = load_dataset("anisotropic_blobs", n_samples=300).X
    proj = fit_projection(X)
    P = proj.transform(X)
    np.testing.assert_allclose(pdist(P), pdist(X), atol=1e-9)
    assert proj.explained_variance_ratio.sum() == pytest.approx(1.0)
    assert proj.is_invertible and not proj.is_identity_2d
    np.testing.assert_allclose(proj.inverse_transform(P), X, atol=1e-9)


def test_history_maps_to_same_space(iris):
    X, _ = iris
    rng = np.random.RandomState(0)
    history = X[rng.randint(0, 150, size=(7, 3))]  # (steps, k, d)
    for c in (2, 3):
        proj = fit_projection(X, n_components=c)
        H = proj.transform(history)
        assert H.shape == (7, 3, c)
        np.testing.assert_allclose(H[4], proj.transform(history[4]))
        np.testing.assert_allclose(H.reshape(-1, c), proj.transform(history.reshape(-1, 4)))


def test_transform_rejects_wrong_width(iris):
    X, _ = iris
    proj = fit_projection(X)
    with pytest.raises(ValueError, match=r"4 values along its last axis, got shape \(3, 2\)"):
        proj.transform(np.zeros((3, 2)))


def test_raw_features_are_exact_columns_with_names(iris):
    X, names = iris
    proj = fit_projection(X, method="features", features=[2, 0], feature_names=names)
    np.testing.assert_array_equal(proj.transform(X), X[:, [2, 0]])
    assert proj.axis_titles == ["petal length (cm)", "sepal length (cm)"]
    assert proj.explained_variance_ratio is None and not proj.is_identity_2d
    by_name = fit_projection(
        X, method="features", features=["petal length (cm)", 0], feature_names=names
    )
    assert by_name.features == (2, 0)


def test_raw_feature_titles_are_not_escaped():
    names = ["<b>x</b>", "=HYPERLINK(1)"]
    proj = fit_projection(np.eye(2), method="features", feature_names=names)
    assert proj.axis_titles == names


def test_identity_2d_only_for_the_clustering_space():
    X = np.random.RandomState(0).randn(20, 2)
    proj = fit_projection(X, method="features")
    assert proj.is_identity_2d and proj.is_invertible
    np.testing.assert_array_equal(proj.transform(X), X)
    assert not fit_projection(X, method="features", features=[1, 0]).is_identity_2d
    assert not fit_projection(X, method="features", n_components=3).is_identity_2d
    X3 = np.random.RandomState(0).randn(20, 3)
    assert not fit_projection(X3, method="features", features=[0, 1]).is_identity_2d


def test_default_features_and_3d(iris):
    X, names = iris
    proj = fit_projection(X, method="features", n_components=3, feature_names=names)
    assert proj.features == (0, 1, 2) and proj.axis_titles == names[:3]


def test_history_nan_in_unshown_feature_stays_out():
    A = np.array([[1.0, 2.0, np.nan]])
    proj = fit_projection(np.random.RandomState(0).randn(10, 3), method="features")
    np.testing.assert_array_equal(proj.transform(A), [[1.0, 2.0]])


def test_pca_with_fewer_features_than_axes_pads_with_zero():
    X = np.random.RandomState(1).randn(30, 2)
    proj = fit_projection(X, n_components=3)
    P = proj.transform(X)
    assert P.shape == (30, 3) and np.all(P[:, 2] == 0)
    assert proj.axis_titles[2] == NO_AXIS_TITLE
    assert proj.explained_variance_ratio[2] == 0
    assert proj.notes and proj.is_invertible


def test_one_feature_is_shown_as_is_along_x():
    X = np.array([[3.0], [1.0], [2.0]])
    for method in ("pca", "features"):
        proj = fit_projection(X, method=method, feature_names=["height"])
        assert proj.method == "features"
        np.testing.assert_array_equal(proj.transform(X), [[3, 0], [1, 0], [2, 0]])
        assert proj.axis_titles == ["height", NO_AXIS_TITLE]
        assert proj.is_invertible and not proj.is_identity_2d
    assert "single feature" in fit_projection(X).notes[0]


def test_fewer_chosen_features_than_axes():
    X = np.random.RandomState(0).randn(10, 4)
    proj = fit_projection(X, method="features", features=[3])
    np.testing.assert_array_equal(proj.transform(X)[:, 0], X[:, 3])
    assert np.all(proj.transform(X)[:, 1] == 0)
    back = proj.inverse_transform(proj.transform(X))
    np.testing.assert_allclose(back[:, 3], X[:, 3])
    np.testing.assert_allclose(back[:, :3], np.broadcast_to(X.mean(0)[:3], (10, 3)))


def test_constant_data_does_not_divide_by_zero():
    proj = fit_projection(np.ones((5, 3)))
    assert np.all(proj.explained_variance_ratio == 0)
    assert proj.axis_titles == ["PC1 (0.0%)", "PC2 (0.0%)"]
    assert np.all(proj.transform(np.ones((5, 3))) == 0)


def test_pca_inverse_is_the_plane_through_the_mean(iris):
    X, _ = iris
    proj = fit_projection(X)
    back = proj.inverse_transform(proj.transform(X))
    np.testing.assert_allclose(proj.transform(back), proj.transform(X), atol=1e-10)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "tsne"}, "method='tsne'"),
        ({"n_components": 4}, "n_components=4"),
        ({"method": "features", "features": [0, 9]}, "feature index 9 is out of range for 4"),
        ({"method": "features", "features": [1, 1]}, "repeat a column"),
        ({"method": "features", "features": [0, 1, 2]}, "between 1 and 2 features"),
        ({"method": "features", "features": ["nope"]}, "'nope' is not one of"),
        ({"feature_names": ["a"]}, "1 names but X has 4 columns"),
    ],
)
def test_bad_arguments_carry_values(iris, kwargs, match):
    X, _ = iris
    with pytest.raises(ValueError, match=match):
        fit_projection(X, **kwargs)


def test_data_bounds_cover_points_and_every_center():
    P = np.array([[0.0, 0.0], [10.0, 2.0]])
    history = np.array([[[-5.0, 1.0]], [[3.0, 4.0]], [[np.nan, np.nan]]])
    (x0, x1), (y0, y1) = data_bounds(P, history, pad=0.1)
    assert (x0, x1) == pytest.approx((-6.5, 11.5))
    assert (y0, y1) == pytest.approx((-0.4, 4.4))


def test_data_bounds_degenerate_axes():
    b = data_bounds(np.array([[1.0, 0.0, np.nan], [1.0, 0.0, np.nan]]))
    assert b[0] == (0.5, 1.5) and b[1] == (-0.5, 0.5) and b[2] == (-1.0, 1.0)
    with pytest.raises(ValueError, match="2 values along its last axis"):
        data_bounds(np.zeros((3, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="pad=-1"):
        data_bounds(np.zeros((3, 2)), pad=-1)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 30),
    d=st.integers(1, 5),
    c=st.sampled_from([2, 3]),
    method=st.sampled_from(["pca", "features"]),
    seed=st.integers(0, 2**16),
)
def test_any_shape_projects_and_stays_inside_its_bounds(n, d, c, method, seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.1, 100)
    proj = fit_projection(X, method=method, n_components=c)
    P = proj.transform(X)
    history = proj.transform(X[rng.randint(0, n, size=(4, 2))])
    assert P.shape == (n, c) and history.shape == (4, 2, c)
    assert len(proj.axis_titles) == c and np.isfinite(P).all()
    if proj.explained_variance_ratio is not None:
        assert proj.explained_variance_ratio.sum() <= 1 + 1e-9
    bounds = data_bounds(P, history)
    for j, (lo, hi) in enumerate(bounds):
        assert lo < hi
        assert lo <= P[:, j].min() and P[:, j].max() <= hi
    if proj.is_invertible:
        np.testing.assert_allclose(proj.inverse_transform(P), X, atol=1e-8 * np.abs(X).max())
