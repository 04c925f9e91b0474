"""Read an untrusted image safely, and write quantized results as clean PNGs.

Reading (:func:`read_image`) follows ``shared/corpus/EXPECTED.md``:

- only PNG, JPEG, WebP, BMP, GIF (first frame) and TIFF are opened (``formats=``), so Pillow
  never tries its other ~40 parsers on uploaded bytes;
- the dimensions are checked against :data:`MAX_PIXELS` from the header, *before* any pixel is
  decoded; Pillow's ``DecompressionBombWarning`` is raised as an error (inside a local
  ``warnings.catch_warnings``; no global Pillow setting is changed, in particular never
  ``LOAD_TRUNCATED_IMAGES``);
- the EXIF orientation is applied, then every mode becomes 8-bit RGB plus an optional alpha:
  palette and greyscale images are expanded, 16-bit greys scaled (Pillow's own ``convert``
  clips them at 255), CMYK converted (through the embedded ICC profile when there is one).

Every refusal is an :class:`ImageError` carrying one plain sentence for the page.

The decoding runs in a child process (:func:`clustering.io.run_contained`) with hard limits on
memory, CPU and wall time (``Limits.max_memory_mb``, ``Limits.max_seconds``), whatever the
file's size: every allowed format is compressed, so a few bytes can claim any number of
pixels, and the next Pillow quirk nobody has met yet must cost a sentence, not the server.
The pixels come back as raw buffers with a JSON header, never as a pickle.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from clustering.io import DEFAULT_LIMITS, Limits, Parcel, run_contained

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_PIXELS",
    "ImageError",
    "LoadedImage",
    "from_array",
    "png_bytes",
    "preview",
    "read_image",
]

FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
MAX_PIXELS = 25_000_000
MAX_BYTES = 50 * 1024 * 1024

UNSUPPORTED = "This is not a supported image (PNG, JPEG, WebP, BMP, GIF, TIFF)."
CORRUPT = "This image is truncated or corrupt."

# What a damaged file can raise while Pillow parses or decodes it.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError,
                  TypeError, struct.error, zlib.error)


class ImageError(ValueError):
    """An image was refused; the message is one plain sentence."""


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """An image as 8-bit RGB with its transparency kept apart.

    Attributes
    ----------
    rgb : ndarray of uint8, shape (h, w, 3)
        Straight (not premultiplied) colours, including the hidden colours of fully
        transparent pixels; use :meth:`composite` for what a viewer shows.
    alpha : ndarray of uint8, shape (h, w), or None
        None when every pixel is opaque.
    format : str
        "PNG", "JPEG", ... or "array" for an image built in memory.
    mode : str
        Pillow's mode of the file ("RGB", "P", "I;16", "CMYK", ...).
    notes : list of str
        Plain sentences: how the file was read and what was converted.
    file_bytes : int
        Size of the file read (0 for an image built in memory).
    """

    rgb: np.ndarray
    alpha: np.ndarray | None
    format: str
    mode: str
    notes: list[str] = field(default_factory=list)
    file_bytes: int = 0

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def n_pixels(self) -> int:
        return self.width * self.height

    @property
    def transparent_pixels(self) -> int:
        return 0 if self.alpha is None else int(np.count_nonzero(self.alpha == 0))

    def composite(self, background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
        """The colours over an opaque ``background``, shape (h, w, 3) uint8."""
        if self.alpha is None:
            return self.rgb
        out = self.rgb.copy()
        # Only the pixels that are not opaque need blending (often a thin border).
        blend = self.alpha < 255
        a = self.alpha[blend][:, None].astype(np.float32) / 255.0
        bg = np.asarray(background, dtype=np.float32)
        out[blend] = np.rint(self.rgb[blend] * a + bg * (1.0 - a)).astype(np.uint8)
        return out


def _too_large(width: int | None, height: int | None, max_pixels: int,
               total: int | None = None) -> ImageError:
    limit = f"the limit is {max_pixels / 1e6:g} megapixels"
    if width and height:
        return ImageError(f"The image dimensions are too large ({width} × {height} pixels; "
                          f"{limit}).")
    shown = f"{total:,} pixels" if total else "too many pixels"
    return ImageError(f"The image dimensions are too large ({shown}; {limit}).")


def _pixels_in(message: str) -> int | None:
    """The pixel count in Pillow's bomb message ("Image size (10000000000 pixels) ...")."""
    digits = message.partition("(")[2].split(" ")[0]
    return int(digits) if digits.isdigit() else None


def _header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header alone, for files Pillow refused as bombs.

    Uses the allowed formats' own header parsers (``Image.OPEN``), which read no pixels and
    skip the bomb check; any failure just means the size stays unknown.
    """
    for fmt in FORMATS:
        factory, accept = Image.OPEN.get(fmt, (None, None))
        if factory is None or (accept is not None and not accept(data[:16])):
            continue
        try:
            return tuple(factory(io.BytesIO(data), "").size)
        except Exception:  # noqa: BLE001, S112 - only a better message is at stake
            continue
    return None


def read_image(data: bytes, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES,
               limits: Limits | None = None) -> LoadedImage:
    """Decode uploaded bytes into a :class:`LoadedImage`, or refuse them.

    Parameters
    ----------
    data : bytes
        The file's content. Its name plays no part: the format comes from the bytes.
    max_pixels : int
        Largest width × height accepted, checked before decoding.
    max_bytes : int
    limits : clustering.io.Limits, optional
        Memory and time for the child process that decodes (``max_memory_mb``,
        ``max_seconds``); ``isolate=False`` decodes in this process.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageError
        With one sentence: not a supported image, truncated or corrupt, too large, or
        needing more memory or time than the limits allow.
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise ImageError(f"The file is too large ({len(data) / 2**20:.1f} MB; the limit is "
                         f"{max_bytes / 2**20:g} MB).")
    if not limits.isolate:
        return _read_here(data, max_pixels)
    parcel = run_contained(_image_task, data, {"max_pixels": max_pixels}, limits=limits,
                           refusal=ImageError)
    return _unpack(parcel)


def _image_task(data: bytes, max_pixels: int) -> Parcel:
    """Runs in the child: decode, then hand back the pixels as raw buffers."""
    image = _read_here(data, max_pixels)
    header = {"format": image.format, "mode": image.mode, "notes": list(image.notes),
              "file_bytes": image.file_bytes, "height": image.height, "width": image.width,
              "alpha": image.alpha is not None}
    blobs = (image.rgb.tobytes(),) + ((image.alpha.tobytes(),) if image.alpha is not None
                                      else ())
    return Parcel(header=header, blobs=blobs)


def _unpack(parcel: Parcel) -> LoadedImage:
    """Rebuild the image from the child's header and buffers, checking every size."""
    try:
        head = parcel.header
        height, width = int(head["height"]), int(head["width"])
        rgb = np.frombuffer(parcel.blobs[0], dtype=np.uint8).reshape(height, width, 3)
        alpha = (np.frombuffer(parcel.blobs[1], dtype=np.uint8).reshape(height, width)
                 if head["alpha"] else None)
        return LoadedImage(rgb=rgb, alpha=alpha, format=str(head["format"]),
                           mode=str(head["mode"]), notes=[str(n) for n in head["notes"]],
                           file_bytes=int(head["file_bytes"]))
    except (KeyError, IndexError, TypeError, ValueError):
        raise ImageError(CORRUPT) from None


def _read_here(data: bytes, max_pixels: int) -> LoadedImage:
    """Decode in this process (in the child, or with ``Limits(isolate=False)``)."""
    with warnings.catch_warnings():
        # Pillow warns about every oddity of a damaged TIFF; what matters reaches the user
        # as a refusal or a note, so the rest is silenced here rather than flooding the log.
        # (catch_warnings is process-wide, not per thread; the real guard against big images
        # is the max_pixels check below, far under the size at which Pillow warns.)
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            size = _header_size(data) or (None, None)
            raise _too_large(*size, max_pixels, _pixels_in(str(exc))) from None
        except UnidentifiedImageError:
            raise ImageError(UNSUPPORTED) from None
        except _DECODE_ERRORS:
            raise ImageError(CORRUPT) from None
        with im:
            width, height = im.size
            if width * height > max_pixels:
                raise _too_large(width, height, max_pixels)
            if width < 1 or height < 1:
                raise ImageError(CORRUPT)
            try:
                return _decode(im, len(data))
            except Image.DecompressionBombWarning:
                raise _too_large(width, height, max_pixels) from None
            except MemoryError:
                raise _too_large(width, height, max_pixels) from None
            except _DECODE_ERRORS:
                raise ImageError(CORRUPT) from None


def _decode(im: Image.Image, file_bytes: int) -> LoadedImage:
    fmt, mode = im.format or "image", im.mode
    notes = [f"Read as {fmt}, {im.width:,} × {im.height:,} pixels, mode {mode}."]
    animated = fmt == "GIF" and getattr(im, "is_animated", False)
    if animated:
        im.seek(0)
        notes.append("This is an animated GIF: only its first frame is used.")
    im.load()
    try:
        orientation = im.getexif().get(0x0112, 1)
    except _DECODE_ERRORS:
        orientation = 1
        notes.append("The EXIF data is damaged and was ignored.")
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        im = ImageOps.exif_transpose(im)
        notes.append("Turned upright following the camera's orientation tag (EXIF).")
    rgb, alpha, converted = _to_rgb(im)
    notes.extend(converted)
    return LoadedImage(rgb=rgb, alpha=alpha, format=fmt, mode=mode, notes=notes,
                       file_bytes=file_bytes)


def _to_rgb(im: Image.Image) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    notes: list[str] = []
    mode = im.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        grey = _scale_gray(np.asarray(im), mode, notes)
        return np.repeat(grey[..., None], 3, axis=2), None, notes
    if mode == "CMYK" or (mode == "RGB" and "icc_profile" in im.info):
        im = _with_profile(im, notes)
    if mode == "1":
        notes.append("Black-and-white (1-bit) image: only 2 colours exist.")
    elif mode in ("L", "LA"):
        notes.append("Greyscale image: K is limited by the number of grey levels.")
    elif mode in ("P", "PA"):
        notes.append("Palette image: expanded to its RGB colours.")
    if im.has_transparency_data or mode in ("RGBa", "La"):
        rgba = np.asarray(im.convert("RGBA"))
        alpha = rgba[..., 3].copy()
        rgb = np.ascontiguousarray(rgba[..., :3])
        if alpha.min() == 255:
            return rgb, None, notes
        share = np.count_nonzero(alpha < 255) / alpha.size
        notes.append(f"{share:.0%} of the pixels are transparent or partly transparent.")
        return rgb, alpha, notes
    return np.ascontiguousarray(np.asarray(im.convert("RGB"))), None, notes


def _scale_gray(values: np.ndarray, mode: str, notes: list[str]) -> np.ndarray:
    """High-bit-depth greys to 8 bits: 16-bit by /257, other ranges stretched with a note."""
    values = values.astype(np.float64)
    if mode.startswith("I;16"):
        notes.append("16-bit greyscale image: scaled to 8 bits per channel.")
        return np.rint(values / 257.0).astype(np.uint8)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if mode == "F" and lo >= 0.0 and hi <= 1.0:
        notes.append("Floating-point image in [0, 1]: scaled to 0-255.")
        scaled = values * 255.0
    elif lo >= 0.0 and hi <= 255.0:
        scaled = values
    elif lo >= 0.0 and hi <= 65535.0:
        notes.append("16-bit values: scaled to 8 bits per channel.")
        scaled = values / 257.0
    else:
        notes.append(f"Values from {lo:g} to {hi:g}: stretched to 0-255.")
        scaled = (values - lo) / ((hi - lo) or 1.0) * 255.0
    return np.rint(np.nan_to_num(np.clip(scaled, 0.0, 255.0))).astype(np.uint8)


def _with_profile(im: Image.Image, notes: list[str]) -> Image.Image:
    """Convert through the embedded ICC profile to sRGB; without one, Pillow's formula."""
    profile = im.info.get("icc_profile")
    if profile:
        try:
            out = ImageCms.profileToProfile(im, io.BytesIO(profile),
                                            ImageCms.createProfile("sRGB"), outputMode="RGB")
            notes.append("Colours converted to sRGB through the embedded colour profile.")
            return out
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            notes.append("The embedded colour profile could not be used; colours may be off.")
    if im.mode == "CMYK":
        notes.append("CMYK image converted to RGB without a colour profile: colours are "
                     "approximate.")
        return im.convert("RGB")
    return im


def from_array(rgb: np.ndarray, *, note: str | None = None) -> LoadedImage:
    """Wrap an in-memory (h, w, 3) uint8 array (e.g. a scikit-learn sample image)."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (h, w, 3) uint8 array, got shape {rgb.shape} of "
                         f"{rgb.dtype}")
    return LoadedImage(rgb=np.ascontiguousarray(rgb), alpha=None, format="array", mode="RGB",
                       notes=[note] if note else [])


def png_bytes(rgb: np.ndarray | None = None, *, palette: np.ndarray | None = None,
              labels: np.ndarray | None = None, alpha: np.ndarray | None = None,
              compress_level: int = 6) -> bytes:
    """Encode pixels as a PNG with no metadata (no text, EXIF, ICC or time chunks).

    Give either ``rgb`` (h, w, 3) uint8, or ``palette`` (k, 3) uint8 with ``labels`` (h, w)
    indices; a palette image is written as an indexed PNG (1, 2, 4 or 8 bits per pixel, as
    Pillow picks from the palette size) unless ``alpha`` (h, w) forces RGBA.
    """
    if palette is not None and labels is not None:
        if alpha is None and len(palette) <= 256:
            h, w = labels.shape
            im = Image.frombytes("P", (w, h), np.ascontiguousarray(labels, np.uint8).tobytes())
            im.putpalette(np.asarray(palette, dtype=np.uint8).ravel().tolist())
            return _encode(im, compress_level)
        rgb = np.asarray(palette, dtype=np.uint8)[labels]
    if rgb is None:
        raise ValueError("png_bytes needs rgb, or palette and labels")
    im = Image.fromarray(np.dstack([rgb, alpha]) if alpha is not None else rgb)
    return _encode(im, compress_level)


def _encode(im: Image.Image, compress_level: int) -> bytes:
    buf = io.BytesIO()
    # A fresh image from an array carries no info dict, so nothing from the upload is copied.
    im.save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def preview(rgb: np.ndarray, alpha: np.ndarray | None = None, *, exact: bool,
            max_side: int = 1000, min_side: int = 480) -> tuple[bytes, str]:
    """A screen-sized copy and its format ("PNG" or "JPEG").

    Larger images shrink to ``max_side``; smaller than ``min_side`` ones are enlarged by a
    whole factor without smoothing, so their pixels stay crisp. ``exact`` (a quantized
    image) always resizes by nearest neighbour and is PNG, so only palette colours reach the
    screen; a shrunk photo goes as JPEG, a tenth of the size.
    """
    im = Image.fromarray(np.dstack([rgb, alpha]) if alpha is not None else rgb)
    longest = max(im.size)
    if longest > max_side:
        scale = max_side / longest
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        im = im.resize(size, Image.Resampling.NEAREST if exact else Image.Resampling.LANCZOS)
    elif longest < min_side:
        factor = -(-min_side // longest)
        im = im.resize((im.width * factor, im.height * factor), Image.Resampling.NEAREST)
    if exact or alpha is not None or longest < min_side:
        return _encode(im, 1), "PNG"
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=92)
    return buf.getvalue(), "JPEG"
