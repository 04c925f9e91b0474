"""Colour quantization: safe image reading, sRGB/CIELAB conversion, k-means on the pixels and
the baselines it is compared with.
"""
from clustering.image._color import AXIS_TITLES, SPACES, to_space
from clustering.image._imageio import (
    FORMATS,
    MAX_BYTES,
    ImageError,
    LoadedImage,
    from_array,
    png_bytes,
    preview,
    read_image,
)
from clustering.image._quantize import (
    METHODS,
    Quantized,
    Sweep,
    draw_indices,
    error_sweep,
    index_bits,
    mse,
    psnr,
    quantize,
)

__all__ = [
    "AXIS_TITLES",
    "FORMATS",
    "ImageError",
    "LoadedImage",
    "MAX_BYTES",
    "METHODS",
    "Quantized",
    "SPACES",
    "Sweep",
    "draw_indices",
    "error_sweep",
    "from_array",
    "index_bits",
    "mse",
    "png_bytes",
    "preview",
    "psnr",
    "quantize",
    "read_image",
    "to_space",
]
