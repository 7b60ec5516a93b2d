"""Links and images, once every file of the book has been converted.

* Links to other files (``other.md``, ``other.md#x``, or the page another tool
  makes of one: ``other.html``) and to anchors become ``#id`` links to
  book-unique ids; the EPUB writer turns them into ``file.xhtml#id``. A link to
  nothing is a warning with its file and line (an error with ``--strict``), and
  its text stays without the link.
* Images are resolved inside the manuscript folder (or downloaded, when
  asked) through the one resolver, checked, and recorded as assets.
"""

from __future__ import annotations

import contextlib
import mimetypes
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from lxml import etree

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import MARKDOWN_SUFFIXES, XHTML_NS, Asset, Locator, SourceFile
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
# The locator of a file's lines (one per file and pass, so that each occurrence of a
# repeated needle is found at its own line, and each new one from the last answer on:
# model.Locator.in_order).
Lines = Callable[[SourceFile], Locator]


def lines_of(where: Lines | Locator | None) -> Lines:
    """A :data:`Lines` from what a caller gives: nothing (a locator per file, made here),
    one file's locator, or a shared function."""
    if callable(where) and not isinstance(where, Locator):
        return where
    made: dict[int, Locator] = {}
    if isinstance(where, Locator):
        made[id(where.source)] = where
    return lambda source: made.get(id(source)) or made.setdefault(id(source), Locator(source).in_order())


# Where a link written for another tool's output lands in the book: mdBook, Jekyll and Hugo
# authors link to a chapter by the name of its page ('two.html'), and mdBook names a
# folder's README.md 'index.html'.
PAGE_SUFFIXES = ('.html', '.htm', '.xhtml')


def written_in(node: etree._Element, source: SourceFile,
               sources: Mapping[str, SourceFile] | None) -> SourceFile:
    """The file ``node`` was written in: ``source``, unless its block continues a chapter
    from another file (render/chapters.py marks such blocks with ``data-source``)."""
    if sources:
        for ancestor in (node, *node.iterancestors()):
            name = ancestor.get('data-source')
            if name is not None:
                return sources.get(name, source)
    return source


def resolve_links(section: etree._Element, chapter_source: SourceFile, ids: IdRegistry,
                  first_ids: Mapping[str, str | None], problems: list[Diagnostic],
                  where: Lines | Locator | None = None,
                  sources: Mapping[str, SourceFile] | None = None) -> None:
    """Point every in-book link of ``section`` (written in ``chapter_source``, or in the
    file ``sources`` names for a block that continues it) at a book-unique id.

    ``first_ids`` says where a link to each manuscript file lands; ``where`` finds the
    line of each problem (shared by the chapters of one file, each occurrence its own).
    A link to nothing (a file or anchor that is not in the book, a page outside it) is a
    warning with its file and line, and becomes its text: readers get no link that leads
    nowhere.
    """
    lines = lines_of(where)
    broken: list[etree._Element] = []  # left out together at the end: one pass per parent
    for link in list(section.iter(f'{{{XHTML_NS}}}a')):
        if link.attrib.pop('data-resolved', ''):
            continue
        source = written_in(link, chapter_source, sources)
        href = link.get('href')
        if href is None or href == '':
            continue
        parts = urlsplit(href)
        if parts.scheme or href.startswith('//'):
            link.set('href', valid_address(href))  # external: http, https, mailto...
            continue
        target_file = source.name
        if parts.path:
            written = posixpath.normpath(posixpath.join(posixpath.dirname(source.name), unquote(parts.path)))
            found = book_file(written, first_ids)
            if found is None:
                problems.append(codes.BROKEN_FILE_LINK(
                    f"broken link '{href}': it points to {_what(written, source)}; the link is left out "
                    'and its text kept', source.path, _link_line(lines(source), href)))
                broken.append(link)
                continue
            target_file = found
        if parts.fragment:
            target = ids.lookup(target_file, unquote(parts.fragment))
            if target is None and not parts.path:
                # pandoc joins its input files into one document, so a manuscript written
                # for it links '#id' to a heading or anchor of any file (like '@sec-x').
                target = ids.lookup_anywhere(unquote(parts.fragment))
            if target is None:
                problems.append(codes.BROKEN_ANCHOR_LINK(
                    f"broken link '{href}': {target_file} has no heading or anchor '#{parts.fragment}'; "
                    'the link is left out and its text kept', source.path, _link_line(lines(source), href)))
                broken.append(link)
                continue
        else:
            target = first_ids[target_file]
        link.set('href', f'#{target}')
    unlink_all(broken)


def book_file(written: str, files: Mapping[str, object]) -> str | None:
    """The manuscript file a link's path names (``files`` holds the book's file names):
    the file itself, or the source of the page another tool would make of it
    ('two.html' is two.md; mdBook's 'index.html' is README.md)."""
    if written in files:
        return written
    stem, suffix = posixpath.splitext(written)
    if suffix.lower() not in PAGE_SUFFIXES:
        return None
    stems = [stem]
    if posixpath.basename(stem) == 'index':
        stems.append(posixpath.join(posixpath.dirname(stem), 'README'))
    for candidate in stems:
        for name in files:
            if posixpath.splitext(name)[0] == candidate:
                return name
    return None


# What a URL may hold as it is (RFC 3986's unreserved and sub-delims, ':' '@' '/' '?', and '%'
# so that what is escaped already stays so).
_URL_SAFE = "!$&'()*+,;=:@/?-._~%"


def valid_address(href: str) -> str:
    """``href`` with what a URL may not hold escaped in its path, query and fragment: the
    Russian Rust book links 'manifest.html#the-[features]-section', which EPUBCheck refuses
    (RSC-020) and a reader may not follow."""
    try:
        parts = urlsplit(href)
    except ValueError:  # an unbalanced '[' in the host
        return href
    fixed = parts._replace(path=quote(parts.path, safe=_URL_SAFE), query=quote(parts.query, safe=_URL_SAFE),
                           fragment=quote(parts.fragment, safe=_URL_SAFE))
    return href if fixed == parts else urlunsplit(fixed)


def _what(written: str, source: SourceFile) -> str:
    if written == '..' or written.startswith('../'):
        return 'a page outside the book'
    if written.lower().endswith(MARKDOWN_SUFFIXES):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if (source.path.parents[source.name.count('/')] / written).is_file():
                # a docsify sidebar or a SUMMARY.md that leaves a page out
                return "a manuscript file the layout's list of chapters leaves out"
        return 'a manuscript file that does not exist'
    return 'a file that is not part of the book'


def unlink_all(links: list[etree._Element]) -> None:
    """Each link's text and children in its place; an id it carries stays on a <span>.

    A link with no text of its own (``@sec-x``, ``[](#x)``) leaves what the author wrote.
    The links of one parent are taken out in one pass over its children: one at a time,
    each found its place among them and added its text to a growing neighbour (40,000
    broken links in one paragraph took 8 CPU s, quadratic).
    """
    parents: dict[int, tuple[etree._Element, set[int]]] = {}
    for link in links:
        if not (link.text or '').strip() and len(link) == 0:
            href = link.get('href', '')
            link.text = '@' + href[1:] if 'xref' in (link.get('class') or '').split() else href
        if link.get('id'):
            for name in [n for n in link.attrib if n != 'id']:
                del link.attrib[name]
            link.tag = f'{{{XHTML_NS}}}span'
            continue
        parent = link.getparent()
        assert parent is not None  # a link inside a chapter's <section>
        parents.setdefault(id(parent), (parent, set()))[1].add(id(link))
    for parent, doomed in parents.values():
        _unlink_children(parent, doomed)


def _unlink_children(parent: etree._Element, doomed: set[int]) -> None:
    """``parent`` with each child in ``doomed`` (by id) replaced by its text and children."""
    kept: list[etree._Element] = []
    pieces: list[str] = [parent.text or '']  # the text going where the last kept child's tail is
    owner: etree._Element | None = None  # that child (None: the parent's text)

    def settle() -> None:
        text = ''.join(pieces)
        if owner is None:
            parent.text = text or None
        else:
            owner.tail = text or None

    for child in list(parent):
        if id(child) not in doomed:
            settle()
            kept.append(child)
            owner, pieces = child, [child.tail or '']
            continue
        pieces.append(child.text or '')
        for grandchild in list(child):
            settle()
            kept.append(grandchild)
            owner, pieces = grandchild, [grandchild.tail or '']
        pieces.append(child.tail or '')
    settle()
    for child in list(parent):
        parent.remove(child)
    parent.extend(kept)


def _link_line(where: Locator, href: str) -> int | None:
    """Where a link is written: as the href, or as a cross-reference '@id'.

    Looked up only for a broken link: searching every line for each of 3,000
    footnote links made a long chapter quadratic.
    """
    return where.line_of(href, '@' + href.lstrip('#'))


def resolve_images(section: etree._Element, chapter_source: SourceFile, root: Path,
                   assets: dict[str, Asset], problems: list[Diagnostic], download: Download | None = None,
                   where: Lines | Locator | None = None,
                   sources: Mapping[str, SourceFile] | None = None) -> None:
    """Resolve and check every image of ``section``; record each file in ``assets``."""
    lines = lines_of(where)
    stand_ins: list[etree._Element] = []
    for image in list(section.iter(f'{{{XHTML_NS}}}img')):
        source = written_in(image, chapter_source, sources)
        if image.get('src') is None:  # the sanitiser removed it (and said so): drop the image
            drop(image)
            continue
        src = image.get('src', '')
        line = lines(source).line_of(f'({src}', src) if src else None
        alt = image.get('alt')
        if alt is None:
            image.set('alt', '')
            problems.append(codes.NO_ALT_TEXT(f"image '{src}' has no alt text", source.path, line))
        elif not alt.strip():
            problems.append(codes.EMPTY_ALT_TEXT(f"image '{src}' has empty alt text; describe it for "
                                                 'readers who cannot see it', source.path, line))
        if download is None and (resources.scheme(src) in ('http', 'https') or src.startswith('//')):
            # A badge, a figure kept on the author's site: nothing is fetched unless asked,
            # and the book is made with the image's words in its place.
            problems.append(codes.REMOTE_IMAGE(
                f"image '{src}': remote images are not fetched ({resources.REMOTE_HINT}); "
                'its alt text stands in for it', source.path, line))
            stand_ins.append(image)
            continue
        asset = _image_asset(src, source, root, download)
        if isinstance(asset, str):
            problems.append(codes.BAD_IMAGE(f"image '{src}': {asset}", source.path, line))
            continue
        assets[asset.href] = asset
        image.set('src', asset.href)
    _stand_in(stand_ins)


def _stand_in(images: list[etree._Element]) -> None:
    """Replace each of ``images`` by its alt text (by nothing in a figure, whose caption stays),
    in one pass over each parent's children: one at a time, each grew a neighbour's text (40,000
    remote images in one paragraph took 23 CPU s, quadratic)."""
    parents: dict[int, tuple[etree._Element, set[int]]] = {}
    for image in images:
        parent = image.getparent()
        assert parent is not None  # an image inside a chapter's <section>
        # Its words as the text it leaves in its place (an <img> has no text or children).
        image.text = None if parent.tag == f'{{{XHTML_NS}}}figure' else (image.get('alt') or None)
        parents.setdefault(id(parent), (parent, set()))[1].add(id(image))
    for parent, doomed in parents.values():
        _unlink_children(parent, doomed)


def drop(element: etree._Element) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent, previous = element.getparent(), element.getprevious()
    assert parent is not None
    if previous is not None:
        previous.tail = (previous.tail or '') + (element.tail or '')
    else:
        parent.text = (parent.text or '') + (element.tail or '')
    parent.remove(element)


def _resolve_image(src: str, folder: str, root: Path) -> tuple[str, Path]:
    """An image path from the file's own folder, else (pandoc reads paths from where it runs,
    the project folder: the RLHF book's chapters/ write 'images/x.png' for book/images) from
    the book folder; never from outside it."""
    confinement = resources.Confinement.of([root])
    try:
        return resources.resolve(src, folder, confinement, 'image file')
    except resources.Refused as exc:
        if src.startswith('/') and not src.startswith('//'):
            # '/images/x.png': from the site's root, as GitBook, docsify, Jekyll and Hugo
            # read it; here the book folder (still confined to it).
            try:
                return resources.resolve(src.lstrip('/'), '', confinement, 'image file')
            except resources.Refused:
                raise exc from None
        if not folder or not str(exc).startswith('no such'):
            raise
        try:
            return resources.resolve(src, '', confinement, 'image file')
        except resources.Refused:
            raise exc from None


def _image_asset(src: str, source: SourceFile, root: Path, download: Download | None) -> Asset | str:
    """The asset for an image path, or a message saying why it cannot be used."""
    try:
        if download is not None and resources.scheme(src) in ('http', 'https'):
            relative, resolved = download(src)
        else:
            relative, resolved = _resolve_image(src, posixpath.dirname(source.name), root)
    except resources.Refused as exc:
        return str(exc)
    suffix = Path(relative).suffix.lower()
    media_type = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(relative)[0]
    if media_type is None or media_type not in MEDIA_TYPES.values():
        return f'{suffix or "this"} images are not supported (use JPEG, PNG, GIF, SVG or WebP)'
    data = None
    if media_type == 'image/svg+xml':
        problems = resources.svg_problems(resolved)
        if problems:
            return '; '.join(problems)
        content = resources.svg_content(resolved)
        data = content if content != resolved.read_bytes() else None
    else:
        try:  # measured before any renderer decodes it (safety/images.py)
            images.check_raster(resolved)
        except images.ImageProblem as exc:
            return str(exc)
    return Asset(source=resolved, href=relative, media_type=media_type, data=data)
