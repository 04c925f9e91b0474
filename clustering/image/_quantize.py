"""Colour quantization: the K most representative colours of an image, by k-means or a baseline.

Three ways to choose a palette of K colours, all mapped the same way (every pixel to its
nearest palette colour in the chosen colour space) except median cut:

- ``"kmeans"``: our k-means (euclidean, mean rule, k-means++) fitted on a seeded sample of
  pixels, so the fit costs the same for a thumbnail and a 25-megapixel photo;
- ``"random"``: K distinct colours drawn from the same sample, with no iterations (the
  codebook k-means would start from with a random init);
- ``"mediancut"``: Pillow's ``Image.quantize(method=MEDIANCUT)`` on every counted pixel,
  with Pillow's own pixel assignment. It always works in RGB.

Mapping costs one nearest-centre search per *distinct* colour, not per pixel: colours are
packed into 24-bit integers, and a lookup table spreads the answers back to the pixels (a
1920x1080 photo has about 600k distinct colours out of 2M pixels).

K is capped at the number of distinct colours; at or below it, the palette is simply every
colour the image has and the result is lossless. Errors are measured in RGB (0-255), whatever
space the palette was chosen in, so methods and spaces compare on one scale.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from PIL import Image
from scipy.spatial import cKDTree
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from clustering.engine import kernel_assign, kmeans
from clustering.image._color import SPACES, from_space, to_space

__all__ = ["METHODS", "Quantized", "Sweep", "draw_indices", "error_sweep", "index_bits", "mse",
           "nearest", "psnr", "quantize"]

METHODS = {
    "kmeans": "k-means",
    "random": "Random codebook",
    "mediancut": "Median cut (Pillow)",
}
MIN_COLORS, MAX_COLORS = 2, 256
# Above this many pixels a 2**24 lookup table (16 MB of bools) beats sorting the codes.
_LUT_MIN = 500_000
_CHUNK = 1 << 20


@dataclass(frozen=True, eq=False)
class Quantized:
    """A palette and the palette index of every pixel.

    Attributes
    ----------
    method : str
        A key of :data:`METHODS`.
    palette : ndarray of uint8, shape (k, 3)
        RGB colours.
    labels : ndarray of uint8, shape (h, w)
        Index into ``palette`` of each pixel (pixels left out by ``mask`` included).
    counts : ndarray of int64, shape (k,)
        Counted pixels (inside ``mask``) per palette colour.
    centers : ndarray of float64, shape (k, 3)
        The palette in the colour space used.
    n_requested : int
        K as asked.
    n_distinct : int
        Distinct colours among the counted pixels.
    space : str
    sample_size : int
        Pixels the palette was chosen from (0 when the palette is every distinct colour,
        all counted pixels for median cut).
    n_iter : int
        k-means iterations (0 for the baselines).
    notes : list of str
    """

    method: str
    palette: np.ndarray
    labels: np.ndarray
    counts: np.ndarray
    centers: np.ndarray
    n_requested: int
    n_distinct: int
    space: str
    sample_size: int
    n_iter: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def n_colors(self) -> int:
        return int(self.palette.shape[0])

    @property
    def capped(self) -> bool:
        return self.n_distinct < self.n_requested

    @property
    def shares(self) -> np.ndarray:
        """Fraction of the counted pixels per palette colour, shape (k,)."""
        total = self.counts.sum()
        return self.counts / total if total else np.zeros(self.n_colors)

    def image(self) -> np.ndarray:
        """The quantized pixels, shape (h, w, 3) uint8."""
        return self.palette[self.labels]


def pack(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 colours as 24-bit integer codes (uint32), shape (...)."""
    rgb = np.asarray(rgb)
    codes = np.zeros(rgb.shape[:-1], dtype="<u4")
    # Write the bytes in place (4 bytes per pixel) instead of widening all three channels
    # to uint32 first: 3x less memory traffic on a 25-megapixel image.
    as_bytes = codes.reshape(-1).view(np.uint8).reshape(-1, 4)
    flat = rgb.reshape(-1, 3)
    as_bytes[:, 0], as_bytes[:, 1], as_bytes[:, 2] = flat[:, 2], flat[:, 1], flat[:, 0]
    return codes.astype(np.uint32, copy=False)


def unpack(codes: np.ndarray) -> np.ndarray:
    """24-bit codes back to (..., 3) uint8 colours."""
    codes = np.asarray(codes, dtype=np.uint32)
    return np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=-1).astype(np.uint8)


def _unique(codes: np.ndarray) -> np.ndarray:
    if codes.size >= _LUT_MIN:
        present = np.zeros(1 << 24, dtype=bool)
        present[codes] = True
        return np.flatnonzero(present).astype(np.uint32)
    return np.unique(codes)


def _spread(codes: np.ndarray, uniq: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per-unique-code ``values`` to per-pixel values (``uniq`` sorted, containing ``codes``)."""
    if codes.size >= _LUT_MIN:
        table = np.zeros(1 << 24, dtype=values.dtype)
        table[uniq] = values
        return table[codes]
    return values[np.searchsorted(uniq, codes)]


def nearest(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre (euclidean) of every point; ties go to the lower index.

    Uses scikit-learn's compiled Lloyd kernel in assign-only mode through the engine's guard
    (2-5x faster than a KD-tree here); scipy's KD-tree when it is unavailable or fails.

    Parameters
    ----------
    points : ndarray of shape (n, d)
    centers : ndarray of shape (k, d)

    Returns
    -------
    ndarray of int32, shape (n,)
    """
    points = np.ascontiguousarray(points, dtype=np.float64)
    centers = np.ascontiguousarray(centers, dtype=np.float64)
    if points.shape[0] == 0:
        return np.empty(0, dtype=np.int32)
    labels = kernel_assign(points, centers)
    if labels is None:
        labels = cKDTree(centers).query(points)[1].astype(np.int32)
    return labels


def _check(pixels, n_colors, space, sample_size, mask) -> tuple[np.ndarray, np.ndarray | None]:
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError(f"pixels must be an (h, w, 3) uint8 array, not shape {pixels.shape} "
                         f"of {pixels.dtype}")
    if not isinstance(n_colors, Integral) or not MIN_COLORS <= n_colors <= MAX_COLORS:
        raise ValueError(f"n_colors={n_colors!r} must be an integer from {MIN_COLORS} to "
                         f"{MAX_COLORS}")
    if space not in SPACES:
        raise ValueError(f"space={space!r} is not one of {sorted(SPACES)}")
    if not isinstance(sample_size, Integral) or sample_size < 1:
        raise ValueError(f"sample_size={sample_size!r} must be a positive integer")
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != pixels.shape[:2]:
            raise ValueError(f"mask shape {mask.shape} must match the image {pixels.shape[:2]}")
        if not mask.any():
            raise ValueError("Every pixel is fully transparent, so there is no colour to "
                             "cluster; composite the image over a background instead.")
        mask = mask.ravel()
    return pixels, mask


def quantize(pixels, n_colors: int, *, method: str = "kmeans", space: str = "rgb",
             sample_size: int = 20_000, mask=None, random_state=0,
             max_iter: int = 100) -> Quantized:
    """Reduce an image to at most ``n_colors`` colours.

    Parameters
    ----------
    pixels : ndarray of uint8, shape (h, w, 3)
    n_colors : int
        K, from 2 to 256; capped at the number of distinct colours.
    method : {"kmeans", "random", "mediancut"}
    space : {"rgb", "lab"}
        Where distances are measured (median cut always uses RGB).
    sample_size : int
        Pixels drawn (seeded, without replacement) to fit the palette on.
    mask : ndarray of bool, shape (h, w), optional
        Pixels that count (e.g. not fully transparent); the others are mapped but are not
        fitted on, counted or scored.
    random_state : int, RandomState or None
    max_iter : int
        k-means iterations at most.

    Returns
    -------
    Quantized
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not one of {sorted(METHODS)}")
    pixels, mask = _check(pixels, n_colors, space, sample_size, mask)
    rng = check_random_state(random_state)
    codes = pack(pixels).ravel()
    counted = codes if mask is None else codes[mask]
    distinct = _unique(counted)
    k = min(int(n_colors), distinct.size)
    notes = []
    if distinct.size < n_colors:
        plural = "s" if distinct.size != 1 else ""
        notes.append(f"This image has only {distinct.size:,} distinct colour{plural}, so K is "
                     f"capped at {distinct.size:,}.")
    if method == "mediancut" and distinct.size > n_colors:
        return _median_cut(pixels, codes, mask, int(n_colors), k, distinct.size, space, notes)

    n_iter, fitted_on = 0, 0
    if distinct.size <= n_colors:
        centers = to_space(unpack(distinct), space)
        notes.append("Every colour of the image is in the palette: the result is lossless.")
    else:
        sample = _sample(counted, sample_size, k, distinct, rng)
        fitted_on = sample.size
        if method == "random":
            centers = to_space(unpack(_first_distinct(sample, k)), space)
        else:
            centers, n_iter, more = _fit(to_space(unpack(sample), space), k, rng, max_iter)
            notes.extend(more)
    palette = from_space(centers, space)
    uniq = distinct if mask is None else _unique(codes)
    labels = _spread(codes, uniq, nearest(to_space(unpack(uniq), space), centers)
                     .astype(np.uint8))
    counts = np.bincount(labels if mask is None else labels[mask], minlength=k)
    return Quantized(method=method, palette=palette, labels=labels.reshape(pixels.shape[:2]),
                     counts=counts.astype(np.int64), centers=centers, n_requested=int(n_colors),
                     n_distinct=int(distinct.size), space=space, sample_size=int(fitted_on),
                     n_iter=n_iter, notes=notes)


def _sample(counted: np.ndarray, size: int, k: int, distinct: np.ndarray, rng) -> np.ndarray:
    """Seeded pixel sample with at least ``k`` distinct colours (rare ones added if needed)."""
    if counted.size <= size:
        sample = counted.copy()
    else:
        sample = counted[draw_indices(counted.size, size, rng)]
    have = np.unique(sample)
    if have.size < k:
        # Without k distinct points k-means would duplicate centres; add unseen colours once.
        missing = np.setdiff1d(distinct, have, assume_unique=True)
        pick = rng.choice(missing.size, size=min(missing.size, max(k, 1000)), replace=False)
        sample = np.concatenate([sample, missing[pick]])
    return sample


def draw_indices(n: int, size: int, rng) -> np.ndarray:
    """``size`` distinct indices below ``n``, seeded; O(size) when size << n.

    (scikit-learn's ``sample_without_replacement`` took 0.1-0.6 s for 20k of 2M here.)
    """
    if 4 * size >= n:
        return rng.permutation(n)[:size]
    picked = np.empty(0, dtype=np.int64)
    while picked.size < size:
        draw = np.concatenate([picked, rng.randint(0, n, size=size + size // 8)])
        _, first = np.unique(draw, return_index=True)
        picked = draw[np.sort(first)]
    return picked[:size]


def _first_distinct(sample: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` distinct codes of a (random-order) sample."""
    _, first = np.unique(sample, return_index=True)
    return sample[np.sort(first)[:k]]


def _fit(X: np.ndarray, k: int, rng, max_iter: int) -> tuple[np.ndarray, int, list[str]]:
    # One OpenMP thread: on a sample this small a second thread only adds synchronisation,
    # and on a busy machine it made the fit 4-5x slower (measured: 1.0 s vs 0.2 s).
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(1, "openmp"):
        warnings.simplefilter("always", ConvergenceWarning)
        result = kmeans(X, k, init="k-means++", distance="euclidean", center="mean",
                        max_iter=max_iter, random_state=rng, history=False)
    notes = []
    if result.n_iter >= max_iter:
        notes.append(f"k-means stopped after {max_iter} iterations, before converging.")
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append("Some palette colours ended up with no pixels of the sample.")
    return result.centers, int(result.n_iter), notes


def _median_cut(pixels, codes, mask, n_requested, k, n_distinct, space, notes) -> Quantized:
    # Only counted pixels go in (as one row), so transparent pixels take no palette slot.
    rgb = pixels.reshape(-1, 3) if mask is None else pixels.reshape(-1, 3)[mask]
    result = Image.fromarray(np.ascontiguousarray(rgb.reshape(1, -1, 3))).quantize(
        colors=k, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    inside = np.asarray(result).ravel()
    used = int(inside.max()) + 1
    palette = np.asarray(result.getpalette()[: 3 * used], dtype=np.uint8).reshape(-1, 3)
    if mask is None:
        labels = inside.astype(np.uint8)
    else:
        uniq = _unique(codes)
        labels = _spread(codes, uniq, nearest(unpack(uniq).astype(np.float64),
                                              palette.astype(np.float64)).astype(np.uint8))
        labels[mask] = inside
    if used < k:
        notes.append(f"Median cut returned {used} colours, not {k}.")
    counts = np.bincount(inside, minlength=used).astype(np.int64)
    return Quantized(method="mediancut", palette=palette, labels=labels.reshape(pixels.shape[:2]),
                     counts=counts, centers=to_space(palette, space), n_requested=n_requested,
                     n_distinct=n_distinct, space="rgb", sample_size=int(rgb.shape[0]),
                     notes=notes)


def mse(pixels: np.ndarray, result: Quantized, mask=None) -> float:
    """Mean squared error per channel in RGB (0-255) over the counted pixels."""
    flat, labels = pixels.reshape(-1, 3), result.labels.ravel()
    if mask is not None:
        keep = np.asarray(mask, dtype=bool).ravel()
        flat, labels = flat[keep], labels[keep]
    palette = result.palette.astype(np.float32)
    total = 0.0
    for start in range(0, flat.shape[0], _CHUNK):
        diff = flat[start:start + _CHUNK].astype(np.float32) - palette[labels[start:start + _CHUNK]]
        total += float(np.einsum("ij,ij->", diff, diff, dtype=np.float64))
    return total / max(flat.size, 1)


def psnr(error: float, peak: float = 255.0) -> float:
    """Peak signal-to-noise ratio in dB for a mean squared error; inf when lossless."""
    return math.inf if error <= 0 else 10.0 * math.log10(peak**2 / error)


def index_bits(n_colors: int) -> int:
    """Bits per pixel of a fixed-length palette index: ceil(log2 K), at least 1."""
    return max(1, math.ceil(math.log2(max(n_colors, 1))))


@dataclass(frozen=True, eq=False)
class Sweep:
    """Error against K for each method, measured on one seeded subsample of pixels.

    Attributes
    ----------
    ks : ndarray of int, shape (m,)
        The K values tried (capped at the distinct colours of the subsample).
    errors : dict of str to ndarray of shape (m,)
        Mean squared error (RGB) per method key.
    eval_size : int
        Pixels the errors were measured on.
    """

    ks: np.ndarray
    errors: dict[str, np.ndarray]
    eval_size: int


def error_sweep(pixels, ks=(2, 4, 8, 16, 32, 64, 128, 256), *, methods=tuple(METHODS),
                space: str = "rgb", sample_size: int = 5_000, eval_size: int = 30_000,
                mask=None, random_state=0) -> Sweep:
    """Quantize a seeded subsample of pixels at every K in ``ks`` with every method.

    A subsample keeps a sweep of 8 K values x 3 methods to a second or two on any image;
    the k-means palette is fitted on ``sample_size`` of those pixels, as :func:`quantize`.
    """
    pixels, mask = _check(pixels, MIN_COLORS, space, sample_size, mask)
    rng = check_random_state(random_state)
    flat = pixels.reshape(-1, 3) if mask is None else pixels.reshape(-1, 3)[mask]
    if flat.shape[0] > eval_size:
        flat = flat[np.sort(draw_indices(flat.shape[0], eval_size, rng))]
    sub = np.ascontiguousarray(flat.reshape(1, -1, 3))
    n_distinct = _unique(pack(flat)).size
    valid = sorted({min(int(k), n_distinct) for k in ks if MIN_COLORS <= k <= MAX_COLORS})
    valid = [k for k in valid if k >= MIN_COLORS] or [MIN_COLORS]
    seed = int(rng.randint(np.iinfo(np.int32).max))
    errors = {m: np.array([mse(sub, quantize(sub, k, method=m, space=space,
                                             sample_size=sample_size, random_state=seed))
                           for k in valid]) for m in methods}
    return Sweep(ks=np.array(valid), errors=errors, eval_size=int(flat.shape[0]))
