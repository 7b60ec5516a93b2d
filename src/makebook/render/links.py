"""Links and images, once every file of the book has been converted.

* Links to other files (``other.md``, ``other.md#x``) and to anchors become
  ``#id`` links to book-unique ids; the EPUB writer turns them into
  ``file.xhtml#id``. A link to nothing is an error with its file and line.
* Images are resolved inside the manuscript folder (or downloaded, when
  asked) through the one resolver, checked, and recorded as assets.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import XHTML_NS, Asset, Locator, SourceFile
from makebook.render.ids import IdRegistry
from makebook.safety import images, resources

MEDIA_TYPES = {
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.png': 'image/png',
    '.gif': 'image/gif',
    '.svg': 'image/svg+xml',
    '.webp': 'image/webp',
}
# Turns an http(s) image into (book-relative href, local file): safety/remote.py.
Download = Callable[[str], tuple[str, Path]]


def resolve_links(section: etree._Element, source: SourceFile, ids: IdRegistry,
                  first_ids: Mapping[str, str | None], problems: list[Diagnostic],
                  where: Locator | None = None) -> None:
    """Point every in-book link of ``section`` (written in ``source``) at a book-unique id.

    ``first_ids`` says where a link to each manuscript file lands; ``where`` finds the
    line of each problem (shared by the chapters of one file, each occurrence its own).
    """
    where = where or Locator(source)
    for link in section.iter(f'{{{XHTML_NS}}}a'):
        if link.attrib.pop('data-resolved', ''):
            continue
        href = link.get('href')
        if href is None or href == '':
            continue
        parts = urlsplit(href)
        if parts.scheme or href.startswith('//'):
            continue  # external: http, https, mailto...
        target_file = source.name
        if parts.path:
            target_file = posixpath.normpath(
                posixpath.join(posixpath.dirname(source.name), unquote(parts.path)))
            if target_file not in first_ids:
                what = 'a file that is not part of the book' if not target_file.endswith('.md') \
                    else 'a manuscript file that does not exist'
                problems.append(codes.BROKEN_FILE_LINK(f"broken link '{href}': it points to {what}",
                                                       source.path, _link_line(where, href)))
                continue
        if parts.fragment:
            target = ids.lookup(target_file, unquote(parts.fragment))
            if target is None and not parts.path:
                # pandoc joins its input files into one document, so a manuscript written
                # for it links '#id' to a heading or anchor of any file (like '@sec-x').
                target = ids.lookup_anywhere(unquote(parts.fragment))
            if target is None:
                problems.append(codes.BROKEN_ANCHOR_LINK(
                    f"broken link '{href}': {target_file} has no heading or anchor '#{parts.fragment}'",
                    source.path, _link_line(where, href)))
                continue
        else:
            target = first_ids[target_file]
        link.set('href', f'#{target}')


def _link_line(where: Locator, href: str) -> int | None:
    """Where a link is written: as the href, or as a cross-reference '@id'.

    Looked up only for a broken link: searching every line for each of 3,000
    footnote links made a long chapter quadratic.
    """
    return where.line_of(href, '@' + href.lstrip('#'))


def resolve_images(section: etree._Element, source: SourceFile, root: Path, assets: dict[str, Asset],
                   problems: list[Diagnostic], download: Download | None = None,
                   where: Locator | None = None) -> None:
    """Resolve and check every image of ``section``; record each file in ``assets``."""
    where = where or Locator(source)
    for image in list(section.iter(f'{{{XHTML_NS}}}img')):
        if image.get('src') is None:  # the sanitiser removed it (and said so): drop the image
            drop(image)
            continue
        src = image.get('src', '')
        line = where.line_of(f'({src}', src) if src else None
        alt = image.get('alt')
        if alt is None:
            image.set('alt', '')
            problems.append(codes.NO_ALT_TEXT(f"image '{src}' has no alt text", source.path, line))
        elif not alt.strip():
            problems.append(codes.EMPTY_ALT_TEXT(f"image '{src}' has empty alt text; describe it for "
                                                 'readers who cannot see it', source.path, line))
        asset = _image_asset(src, source, root, download)
        if isinstance(asset, str):
            problems.append(codes.BAD_IMAGE(f"image '{src}': {asset}", source.path, line))
            continue
        assets[asset.href] = asset
        image.set('src', asset.href)


def drop(element: etree._Element) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent, previous = element.getparent(), element.getprevious()
    assert parent is not None
    if previous is not None:
        previous.tail = (previous.tail or '') + (element.tail or '')
    else:
        parent.text = (parent.text or '') + (element.tail or '')
    parent.remove(element)


def _image_asset(src: str, source: SourceFile, root: Path, download: Download | None) -> Asset | str:
    """The asset for an image path, or a message saying why it cannot be used."""
    try:
        if download is not None and resources.scheme(src) in ('http', 'https'):
            relative, resolved = download(src)
        else:
            relative, resolved = resources.resolve(src, posixpath.dirname(source.name),
                                                   resources.Confinement.of([root]), 'image file')
    except resources.Refused as exc:
        return str(exc)
    suffix = Path(relative).suffix.lower()
    media_type = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(relative)[0]
    if media_type is None or media_type not in MEDIA_TYPES.values():
        return f'{suffix or "this"} images are not supported (use JPEG, PNG, GIF, SVG or WebP)'
    if media_type == 'image/svg+xml':
        problems = resources.svg_problems(resolved)
        if problems:
            return '; '.join(problems)
    else:
        try:  # measured before any renderer decodes it (safety/images.py)
            images.check_raster(resolved)
        except images.ImageProblem as exc:
            return str(exc)
    return Asset(source=resolved, href=relative, media_type=media_type)
