"""The author's cover image (``cover-image:``), checked when the metadata is read.

It must be a JPEG or PNG inside the manuscript folder, checked by content, not
by name (a renamed file is caught here rather than by a store), and not
enormous. The EPUB writer draws a typographic cover when there is none
(epub/cover.py).
"""

from __future__ import annotations

from pathlib import Path

from makebook.errors import clip
from makebook.safety import images, resources

SIGNATURES = {b'\xff\xd8\xff': ('image/jpeg', '.jpg'), b'\x89PNG\r\n\x1a\n': ('image/png', '.png')}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(media type, suffix) of a JPEG or PNG from its first bytes, else None."""
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def find_cover(root: Path, value: str) -> Path | str:
    """The cover file for ``cover-image: value``, or a message saying why it cannot be used.

    The path goes through the one resolver every resource uses (safety/resources.py):
    relative, inside the manuscript folder, no symlink out, no URL.
    """
    try:
        _, path = resources.resolve(value, '', resources.Confinement.of([root]), 'cover image')
    except resources.Refused as exc:
        return f"'{clip(value)}': {exc}"
    try:
        head = resources.read_bytes(path, 'cover image', images.MAX_IMAGE_BYTES)[:8]
    except resources.Unreadable as exc:
        return f"'{clip(value)}': {exc}"
    if sniff(head) is None:
        return f"'{clip(value)}' is not a JPEG or PNG image"
    try:
        images.check_raster(path)
    except images.ImageProblem as exc:
        return f"'{clip(value)}': {exc}"
    return path
