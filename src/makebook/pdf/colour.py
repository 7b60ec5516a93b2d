"""Colour for PDF/X-1a: a CMYK output profile, and images converted to CMYK.

PDF/X-1a allows only CMYK (and grey) colour and needs a CMYK output intent.
WeasyPrint embeds a CMYK JPEG as it is (DeviceCMYK) but converts nothing
itself, so :mod:`makebook.pdf.engine`'s fetcher hands it images already converted
here, with Pillow's LittleCMS, from sRGB to the shipped profile.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from makebook import theme

if TYPE_CHECKING:  # Pillow is imported when an image is converted, not with this module
    from PIL import Image, ImageCms

# Ghostscript's SWOP profile (AGPL, as make-book): styles/icc/README.md.
CMYK_PROFILE = 'icc/default_cmyk.icc'
RASTER_TYPES = ('image/png', 'image/jpeg', 'image/gif', 'image/webp')


def cmyk_profile() -> Path:
    return theme.styles_dir() / CMYK_PROFILE


def color_profile_css() -> str:
    """The @color-profile rule WeasyPrint takes its device-cmyk profile (and intent) from."""
    # 'components' is required by WeasyPrint 70 (it writes /N from their number).
    return (f"@color-profile device-cmyk {{ src: url('{cmyk_profile().as_uri()}'); "
            'components: c, m, y, k; }\n')


# print.css and WeasyPrint's defaults draw some rules and the scene-break
# ornament in RGB greys; PDF/X-1a has them in black ink tints (after print.css).
CMYK_CSS = """
html { color: device-cmyk(0 0 0 1); }
hr { color: device-cmyk(0 0 0 0.5); }
th, td, section.footnotes { border-color: device-cmyk(0 0 0 0.67); }
.highlight pre { border-left-color: device-cmyk(0 0 0 0.4); }
"""


@cache
def _transform() -> ImageCms.ImageCmsTransform:
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile('sRGB'),
                                   ImageCms.getOpenProfile(str(cmyk_profile())), 'RGB', 'CMYK')


def to_cmyk_jpeg(data: bytes) -> bytes:
    """A raster image as a CMYK JPEG (transparency flattened on white paper).

    Quality 95: JPEG is the one CMYK raster WeasyPrint passes through; at this
    quality the loss does not show in print.
    """
    from PIL import Image, ImageCms

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb: Image.Image
        if image.mode == 'CMYK':
            rgb = image
        else:
            rgba = image.convert('RGBA')
            rgb = Image.new('RGB', rgba.size, 'white')
            rgb.paste(rgba, mask=rgba.getchannel('A'))
        cmyk = rgb if rgb.mode == 'CMYK' else ImageCms.applyTransform(rgb, _transform())
        assert cmyk is not None  # applyTransform returns None only when asked to work in place
        out = io.BytesIO()
        cmyk.save(out, 'JPEG', quality=95, dpi=image.info.get('dpi', (72, 72)))
        return out.getvalue()
