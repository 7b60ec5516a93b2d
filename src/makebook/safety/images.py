"""Raster images checked before any renderer decodes them: readable, and not enormous.

A PNG of a few hundred kilobytes can decode to gigabytes (a "decompression
bomb"). Pillow only warns about one on stderr, in words that name no file, and
WeasyPrint then tries to lay it out until the memory bound stops the PDF stage.
So every raster image the book uses (Markdown and HTML images, downloaded
images, the cover, small ``data:`` images inside SVGs and stylesheets) is
measured from its header here, and one larger than the limit is an error naming
the image, before any output is made.

The limit is :data:`DEFAULT_MEGAPIXELS` million pixels (a 300 dpi full-page
print image is about 10), and ``MAKEBOOK_IMAGE_MEGAPIXELS`` raises or lowers it.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from makebook.errors import BookError
from makebook.safety.limits import positive_number

DEFAULT_MEGAPIXELS = 50.0
MAX_IMAGE_BYTES = 64 * 1024 * 1024  # read whole only to sniff a cover's kind
ENVIRONMENT = 'MAKEBOOK_IMAGE_MEGAPIXELS'


class ImageProblem(Exception):
    """Why an image cannot be used; the message is for the author."""


def limit() -> float:
    """The largest image allowed, in megapixels (from the environment, else the default)."""
    try:
        return positive_number(ENVIRONMENT, DEFAULT_MEGAPIXELS)
    except BookError as exc:  # build.py refuses it up front; here for any other caller
        raise ImageProblem(str(exc)) from None


def check_raster(data: bytes | Path, require_readable: bool = True) -> tuple[int, int]:
    """(width, height) of a raster image, read from its header only. Raises ImageProblem.

    With ``require_readable`` false, an image Pillow cannot read passes as (0, 0):
    only its size is checked (for inline ``data:`` images a renderer may skip).
    """
    from PIL import Image, UnidentifiedImageError  # a WeasyPrint dependency

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with warnings.catch_warnings():
        # Pillow's own bomb check warns (or raises) with no file name; ours names it.
        warnings.simplefilter('ignore')
        try:
            with Image.open(source) as image:  # lazy: decodes nothing yet
                width, height = image.size
        except Image.DecompressionBombError:
            width, height = _header_size(data)
        except UnidentifiedImageError:
            if not require_readable:
                return 0, 0
            raise ImageProblem('not a readable image (damaged, or not the format its name '
                               'says)') from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise ImageProblem(f'not a readable image ({_first_line(exc)})') from None
    megapixels = width * height / 1e6
    allowed = limit()
    if megapixels > allowed:
        raise ImageProblem(f'{width} x {height} pixels ({megapixels:.0f} megapixels) is more '
                           f'than the {allowed:g} megapixels make-book accepts; scale it down '
                           f'(or raise {ENVIRONMENT})')
    return width, height


def _header_size(data: bytes | Path) -> tuple[int, int]:
    """The size of an image too big for Pillow to open at all (over twice its own limit)."""
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only to read the header; nothing is decoded
    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as image:
            return image.size
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
