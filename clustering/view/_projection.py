"""2-D and 3-D views of the clustering space: raw features or PCA.

A ``Projection`` is fitted once on the data k-means ran on and then applied, unchanged, to
the points, the final centres and the whole centre history, so trajectories are drawn in the
same space as the points. ``transform`` accepts any array whose last axis is the feature
axis: (n, d) points -> (n, c), a history (s, k, d) -> (s, k, c).

Decisions worth knowing:

* PCA uses ``sklearn.decomposition.PCA`` (deterministic signs); axis titles carry the
  explained variance, e.g. ``"PC1 (72.8%)"``.
* Raw-feature axis titles are the feature names exactly as given. They may come from an
  uploaded file, so whoever renders them (the figure layer) must escape them; nothing here
  is HTML.
* Fewer dimensions than axes (d < n_components for PCA, or fewer features chosen than
  axes): the missing axes are constant 0, titled ``"(none)"``, with explained variance 0,
  and ``Projection.notes`` says so. No jitter: positions stay truthful and centres stay on
  the same line as their points; a figure may add display jitter if it wants.
* One feature (d == 1): PCA would only centre and maybe flip it, so the feature itself is
  shown along x (method becomes ``"features"``), the other axes are 0.
* ``data_bounds`` gives fixed axis ranges over the points and every centre position, so an
  animation does not rescale between frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.decomposition import PCA
from sklearn.utils import check_array

__all__ = ["METHODS", "NO_AXIS_TITLE", "Projection", "data_bounds", "fit_projection"]

METHODS = ("pca", "features")
NO_AXIS_TITLE = "(none)"


# eq=False: fields hold arrays/frames, whose == is elementwise.
@dataclass(frozen=True, eq=False)
class Projection:
    """A fitted linear view of d-dimensional data on c = 2 or 3 axes.

    Attributes
    ----------
    method : {"pca", "features"}
        The method actually used (``"features"`` when d == 1).
    n_components : int
        Number of plot axes c (2 or 3).
    n_features_in : int
        d, the dimension of the clustering space.
    axis_titles : list of str, length c
    explained_variance_ratio : ndarray of shape (c,) or None
        Share of the total variance on each PCA axis (padded axes 0); None for raw features.
    is_identity_2d : bool
        True when the 2-D plot space *is* the clustering space: raw features (0, 1) of
        2-D data, so distances, centres and Voronoi regions can be drawn as they are.
    is_invertible : bool
        True when ``inverse_transform`` recovers the clustering space exactly (the view
        loses no dimension: identity, or PCA of data with d <= c).
    features : tuple of int or None
        Columns shown on the axes for raw features; None for PCA.
    mean : ndarray of shape (d,)
        Mean of the fitted data.
    components : ndarray of shape (c, d)
        Orthonormal rows mapping centred data to the axes (zero rows for padded axes).
    notes : list of str
        Plain sentences about choices made (padding, fallback to the raw feature).
    """

    method: str
    n_components: int
    n_features_in: int
    axis_titles: list[str]
    explained_variance_ratio: np.ndarray | None
    is_identity_2d: bool
    is_invertible: bool
    features: tuple[int, ...] | None
    mean: np.ndarray
    components: np.ndarray
    notes: list[str] = field(default_factory=list)

    def transform(self, A) -> np.ndarray:
        """Map points in the clustering space to plot coordinates.

        Parameters
        ----------
        A : array-like of shape (..., d)
            Points (n, d), centres (k, d), a centre history (s, k, d), ... NaN entries stay
            NaN in the affected output.

        Returns
        -------
        P : ndarray of shape (..., c)
        """
        A = self._check_last_axis(A, self.n_features_in, "A")
        if self.features is not None:
            # Pure column selection: exact, and a NaN in an unshown feature stays unshown.
            out = np.zeros(A.shape[:-1] + (self.n_components,))
            out[..., : len(self.features)] = A[..., list(self.features)]
            return out
        return (A - self.mean) @ self.components.T

    def inverse_transform(self, P) -> np.ndarray:
        """Map plot coordinates back into the clustering space.

        Exact when ``is_invertible``. Otherwise returns the point of the plotted slice:
        for PCA the plane through the data mean spanned by the components, for raw features
        the unshown features held at their mean. Useful to evaluate a Voronoi grid.

        Parameters
        ----------
        P : array-like of shape (..., c)

        Returns
        -------
        A : ndarray of shape (..., d)
        """
        P = self._check_last_axis(P, self.n_components, "P")
        if self.features is not None:
            out = np.broadcast_to(self.mean, P.shape[:-1] + (self.n_features_in,)).copy()
            out[..., list(self.features)] = P[..., : len(self.features)]
            return out
        return P @ self.components + self.mean

    @staticmethod
    def _check_last_axis(A, size: int, name: str) -> np.ndarray:
        A = np.asarray(A, dtype=np.float64)
        if A.ndim == 0 or A.shape[-1] != size:
            raise ValueError(
                f"{name} must have {size} values along its last axis, got shape {A.shape}"
            )
        return A


def fit_projection(
    X,
    *,
    method: str = "pca",
    n_components: int = 2,
    features: Sequence[int | str] | None = None,
    feature_names: Sequence[str] | None = None,
) -> Projection:
    """Fit a 2-D or 3-D view of the clustering space.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        The data k-means ran on (after preparation/scaling). Must be finite.
    method : {"pca", "features"}, default "pca"
    n_components : {2, 3}, default 2
    features : sequence of int or str, optional
        For ``method="features"``: the columns on the axes, by index or by name in
        ``feature_names``; at most ``n_components`` distinct columns, missing axes are 0.
        Default: the first ``min(n_components, d)`` columns. Ignored for PCA.
    feature_names : sequence of str, optional
        Names of the d columns; default ``"feature 1"``, ``"feature 2"``, ...

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        Unknown method, n_components not 2 or 3, bad feature choice or names (the message
        carries the values), empty or non-finite X.
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} must be one of: {', '.join(METHODS)}")
    if n_components not in (2, 3):
        raise ValueError(f"n_components={n_components!r} must be 2 or 3")
    X = check_array(X, dtype=np.float64)
    n, d = X.shape
    names = _check_names(feature_names, d)
    mean = X.mean(axis=0)
    notes: list[str] = []

    if method == "features" or d == 1:
        if method == "pca":
            notes.append("With a single feature, PCA adds nothing: the feature is shown as is.")
            features = None
        cols = _check_features(features, names, n_components)
        titles = [names[j] for j in cols] + [NO_AXIS_TITLE] * (n_components - len(cols))
        if len(cols) < n_components:
            notes.append(
                f"Only {len(cols)} feature(s) shown on {n_components} axes: "
                "the other axes are constant 0."
            )
        components = np.zeros((n_components, d))
        components[np.arange(len(cols)), cols] = 1.0
        return Projection(
            method="features",
            n_components=n_components,
            n_features_in=d,
            axis_titles=titles,
            explained_variance_ratio=None,
            is_identity_2d=(n_components == 2 and d == 2 and tuple(cols) == (0, 1)),
            is_invertible=(len(cols) == d),
            features=tuple(cols),
            mean=mean,
            components=components,
            notes=notes,
        )

    r = min(n_components, d, n)
    components = np.zeros((n_components, d))
    ratio = np.zeros(n_components)
    if np.ptp(X, axis=0).max() == 0:
        # No variance at all: PCA's ratios would be 0/0. Keep the first feature axes.
        components[np.arange(r), np.arange(r)] = 1.0
        notes.append("All rows are identical: there is no variance to project.")
    else:
        pca = PCA(n_components=r, svd_solver="auto", random_state=0).fit(X)
        components[:r] = pca.components_
        ratio[:r] = pca.explained_variance_ratio_
    titles = [f"PC{i + 1} ({100 * ratio[i]:.1f}%)" for i in range(r)]
    titles += [NO_AXIS_TITLE] * (n_components - r)
    if r < n_components:
        notes.append(
            f"The data has only {r} principal component(s) ({d} features, {n} rows): "
            "the other axes are constant 0."
        )
    return Projection(
        method="pca",
        n_components=n_components,
        n_features_in=d,
        axis_titles=titles,
        explained_variance_ratio=ratio,
        is_identity_2d=False,
        is_invertible=(r == d),
        features=None,
        mean=mean,
        components=components,
        notes=notes,
    )


def data_bounds(*arrays, pad: float = 0.05) -> list[tuple[float, float]]:
    """Fixed axis ranges covering every given position, for animation frames.

    Parameters
    ----------
    *arrays : array-like of shape (..., c)
        Projected points (n, c), centres (k, c), a centre history (s, k, c), ... all with
        the same c. Non-finite entries (NaN) are ignored.
    pad : float, default 0.05
        Margin added on each side, as a fraction of the axis span.

    Returns
    -------
    bounds : list of (low, high) float pairs, length c
        ``low < high`` always: a constant axis gets a margin of ``max(0.5, pad * |value|)``
        and an axis with no finite value gets (-1, 1).
    """
    if not arrays:
        raise ValueError("data_bounds needs at least one array")
    if not (np.isfinite(pad) and pad >= 0):
        raise ValueError(f"pad={pad!r} must be a finite number >= 0")
    flat = [np.asarray(a, dtype=np.float64) for a in arrays]
    c = flat[0].shape[-1] if flat[0].ndim else 0
    for a in flat:
        if a.ndim == 0 or a.shape[-1] != c:
            raise ValueError(
                f"every array must have {c} values along its last axis, got shape {a.shape}"
            )
    stacked = np.concatenate([a.reshape(-1, c) for a in flat])
    bounds = []
    for j in range(c):
        v = stacked[:, j]
        v = v[np.isfinite(v)]
        if v.size == 0:
            bounds.append((-1.0, 1.0))
            continue
        lo, hi = float(v.min()), float(v.max())
        margin = pad * (hi - lo) if hi > lo else max(0.5, pad * abs(lo))
        bounds.append((lo - margin, hi + margin))
    return bounds


def _check_names(feature_names, d: int) -> list[str]:
    if feature_names is None:
        return [f"feature {j + 1}" for j in range(d)]
    names = [str(f) for f in feature_names]
    if len(names) != d:
        raise ValueError(f"feature_names has {len(names)} names but X has {d} columns")
    return names


def _check_features(features, names: list[str], n_components: int) -> list[int]:
    d = len(names)
    if features is None:
        return list(range(min(n_components, d)))
    if isinstance(features, (str, int, np.integer)):
        features = [features]
    cols = []
    for f in features:
        if isinstance(f, str):
            if f not in names:
                raise ValueError(f"feature {f!r} is not one of the {d} feature names")
            cols.append(names.index(f))
        elif isinstance(f, (int, np.integer)) and not isinstance(f, bool):
            if not 0 <= f < d:
                raise ValueError(f"feature index {f} is out of range for {d} features")
            cols.append(int(f))
        else:
            raise ValueError(f"feature {f!r} must be a column index or a feature name")
    if not 1 <= len(cols) <= n_components:
        raise ValueError(
            f"choose between 1 and {n_components} features for {n_components} axes, got {len(cols)}"
        )
    if len(set(cols)) != len(cols):
        raise ValueError(f"features {list(features)!r} repeat a column")
    return cols
