"""sRGB <-> CIELAB in numpy (D65 white, 2° observer), for clustering colours perceptually.

Euclidean distance in CIELAB (ΔE*ab, 1976) follows perceived colour difference far better than
distance in sRGB, where equal steps in dark blues and in light greens look very different.
The formulas are the standard ones (IEC 61966-2-1 for sRGB, CIE 15 for L*a*b*):

    linear = c / 12.92                       if c <= 0.04045
             ((c + 0.055) / 1.055) ** 2.4    otherwise           (c = channel / 255)
    [X, Y, Z] = M @ linear                   (M: sRGB primaries, D65)
    f(t) = t ** (1/3)                        if t > (6/29) ** 3
           t / (3 (6/29) ** 2) + 4/29        otherwise
    L* = 116 f(Y/Yn) - 16,  a* = 500 (f(X/Xn) - f(Y/Yn)),  b* = 200 (f(Y/Yn) - f(Z/Zn))

The white point (Xn, Yn, Zn) is ``M @ [1, 1, 1]``, so sRGB white maps to exactly (100, 0, 0).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SPACES", "from_space", "lab_to_rgb", "rgb_to_lab", "to_space"]

SPACES = {"rgb": "RGB (0-255 per channel)", "lab": "CIELAB (perceptual: L*, a*, b*)"}
"""Colour spaces k-means can run in: key -> label for the page."""

AXIS_TITLES = {"rgb": ("Red", "Green", "Blue"), "lab": ("L* (lightness)", "a* (green–red)",
                                                       "b* (blue–yellow)")}

_M = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_M_INV = np.linalg.inv(_M)
_WHITE = _M.sum(axis=1)
_DELTA = 6.0 / 29.0

# The 256 possible 8-bit channel values, linearised once: uint8 input then costs a lookup,
# not a power per channel (a 2-megapixel photo has ~600k distinct colours).
_LINEAR_LUT = np.where(
    (v := np.arange(256) / 255.0) <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4
)


def _f(t: np.ndarray) -> np.ndarray:
    return np.where(t > _DELTA**3, np.cbrt(t), t / (3 * _DELTA**2) + 4.0 / 29.0)


def _f_inv(t: np.ndarray) -> np.ndarray:
    return np.where(t > _DELTA, t**3, 3 * _DELTA**2 * (t - 4.0 / 29.0))


def rgb_to_lab(rgb) -> np.ndarray:
    """sRGB colours (0-255) to CIELAB.

    Parameters
    ----------
    rgb : array-like of shape (..., 3)
        uint8 (looked up exactly) or floats in [0, 255].

    Returns
    -------
    ndarray of float64, shape (..., 3)
        L* in [0, 100]; a*, b* roughly in [-128, 128].
    """
    rgb = np.asarray(rgb)
    if rgb.shape[-1:] != (3,):
        raise ValueError(f"colours must have 3 channels in the last axis, not shape {rgb.shape}")
    if rgb.dtype == np.uint8:
        linear = _LINEAR_LUT[rgb]
    else:
        c = np.clip(rgb.astype(np.float64) / 255.0, 0.0, 1.0)
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    f = _f((linear @ _M.T) / _WHITE)
    lab = np.empty(f.shape)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_rgb(lab) -> np.ndarray:
    """CIELAB to sRGB (0-255 floats), clipped to the sRGB gamut.

    Parameters
    ----------
    lab : array-like of shape (..., 3)

    Returns
    -------
    ndarray of float64, shape (..., 3)
        In [0, 255]; round and cast to uint8 for pixels.
    """
    lab = np.asarray(lab, dtype=np.float64)
    if lab.shape[-1:] != (3,):
        raise ValueError(f"colours must have 3 channels in the last axis, not shape {lab.shape}")
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    linear = np.clip((_f_inv(f) * _WHITE) @ _M_INV.T, 0.0, 1.0)
    c = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(c * 255.0, 0.0, 255.0)


def to_space(rgb, space: str) -> np.ndarray:
    """8-bit colours (..., 3) as float64 coordinates of ``space`` ("rgb" or "lab")."""
    if space == "rgb":
        return np.asarray(rgb, dtype=np.float64)
    if space == "lab":
        return rgb_to_lab(rgb)
    raise ValueError(f"space={space!r} is not one of {sorted(SPACES)}")


def from_space(coords, space: str) -> np.ndarray:
    """Coordinates of ``space`` back to 8-bit colours (uint8, rounded and clipped)."""
    if space == "rgb":
        rgb = np.asarray(coords, dtype=np.float64)
    elif space == "lab":
        rgb = lab_to_rgb(coords)
    else:
        raise ValueError(f"space={space!r} is not one of {sorted(SPACES)}")
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
