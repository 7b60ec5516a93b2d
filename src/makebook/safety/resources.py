"""The one place that decides which files a build may read.

Every resource any stage loads goes through here: Markdown and raw-HTML images
(render/links.py), the cover and extra stylesheets (config/), mdBook includes
(source/includes.py), the files WeasyPrint asks for — stylesheets, fonts,
images, CSS ``url()`` and ``@import`` (pdf/engine.py's fetcher) — and SVG
images, which are checked before they are copied into any output.

The rule: a reference is a relative path inside the manuscript folder (or, for
the theme, inside its styles and font folders). Refused, with a message saying
why and what to do instead:

* absolute paths and ``file:`` URLs, which name files anywhere on the machine
  (pandoc's EPUB writer embeds whatever an image path names);
* ``..`` that climbs out of the folder, and symbolic links that point outside;
* ``http(s):`` and any other scheme: make-book never uses the network.

``data:`` URLs are allowed only where the caller says so, and only small ones.
"""

from __future__ import annotations

import base64
import errno
import os
import posixpath
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from lxml import etree

from makebook import codes
from makebook.codes import Code
from makebook.errors import Diagnostic
from makebook.safety.xmlchars import safe_xml_parser

REMOTE_HINT = ('make-book does not use the network unless asked: save the file in the manuscript '
               "folder and use a relative path, or pass --allow-remote (or set 'allow-remote: true' "
               'in the metadata) to download remote images into the book')
DATA_URL_LIMIT = 256 * 1024  # bytes, decoded: an inline icon, not a photograph
_WINDOWS_DRIVE = re.compile(r'^[A-Za-z]:[\\/]')


class Refused(Exception):
    """A reference the build will not follow; the message says why, for the author."""


# A text file of the book (a chapter, metadata, a listing, an include): far more than any
# chapter needs (a 200,000-word novel is 1.2 MB), far less than memory can hold or a build
# can render in a few minutes.
MAX_TEXT_BYTES = 16 * 1024 * 1024


class Unreadable(Refused):
    """A file that cannot be read as asked: not a regular file, unreadable, too large, not UTF-8."""

    def __init__(self, message: str, code: Code = codes.NOT_READ, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.line = line

    def diagnostic(self, path: Path) -> Diagnostic:
        return self.code(str(self), path, self.line)


def read_bytes(path: Path, what: str = 'file', limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them. Raises :class:`Unreadable`.

    Opened without blocking and checked on the open descriptor: a FIFO, a device or a
    socket (even one a symbolic link names) is refused before a byte is read, never
    waited on or read for ever.
    """
    if not _utf8_name(path):
        # Every stage names the file (messages, the cache's keys, the outputs' members), in UTF-8.
        raise Unreadable(f"the {what}'s name is not valid UTF-8 "
                         f"('{os.fsencode(path.name).decode('utf-8', 'backslashreplace')[:80]}'); rename it")
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0)
                             | getattr(os, 'O_NOCTTY', 0))
    except OSError as exc:
        raise Unreadable(f'the {what} cannot be read ({_reason(exc)})') from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f'the {what} is not a regular file ({_kind(info.st_mode)}); make-book '
                             'reads only files')
        if info.st_size > limit:
            raise Unreadable(f'the {what} is {_size(info.st_size)}, more than the {_size(limit)} '
                             'make-book reads from one file; split it')
        chunks, total = [], 0
        while True:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Unreadable(f'the {what} is more than the {_size(limit)} make-book reads from '
                                 'one file; split it')
        return b''.join(chunks)
    except OSError as exc:
        raise Unreadable(f'the {what} cannot be read ({_reason(exc)})') from None
    finally:
        os.close(descriptor)


def _utf8_name(path: Path) -> bool:
    """Whether the path's name is text (a name of bytes that are not UTF-8 is read by Python with
    'surrogate escapes', which no UTF-8 encoder takes)."""
    try:
        str(path).encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def read_text(path: Path, what: str = 'file', limit: int = MAX_TEXT_BYTES) -> str:
    """A UTF-8 text file, its BOM dropped and its line ends made '\\n'. Raises :class:`Unreadable`
    (with the line of the first byte that is not UTF-8)."""
    return decode(read_bytes(path, what, limit))


def decode(raw: bytes) -> str:
    """UTF-8 bytes as text, BOM dropped, line ends made '\\n'. Raises :class:`Unreadable`."""
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b'\n') + 1
        raise Unreadable(f'not valid UTF-8 (byte {exc.start}, value 0x{raw[exc.start]:02x}); save the '
                         'file as UTF-8', codes.NOT_UTF8, line) from None
    return text.removeprefix('\ufeff').replace('\r\n', '\n').replace('\r', '\n')


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return 'permission denied'
    if exc.errno == errno.ELOOP:
        return 'a loop of symbolic links'
    if exc.errno == errno.ENOENT:
        return 'no such file'
    return exc.strerror or type(exc).__name__


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, 'a FIFO'), (stat.S_ISCHR, 'a device'), (stat.S_ISBLK, 'a device'),
                       (stat.S_ISSOCK, 'a socket'), (stat.S_ISDIR, 'a folder')):
        if test(mode):
            return name
    return 'not a file'


def _size(size: int) -> str:
    return f'{size / (1024 * 1024):.0f} MB' if size >= 1024 * 1024 else f'{size // 1024} KB'


@dataclass(frozen=True, slots=True)
class Confinement:
    """The folders a build may read from, with every symlink resolved."""

    roots: tuple[Path, ...]

    @classmethod
    def of(cls, folders: Iterable[Path]) -> Confinement:
        return cls(tuple(dict.fromkeys(Path(folder).resolve() for folder in folders)))

    def check(self, path: Path, what: str = 'file') -> Path:
        """``path`` with symlinks resolved, if it is an existing file inside a root."""
        try:
            resolved = path.resolve(strict=True)
            mode = resolved.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise Refused(f'no such {what}') from None
        except RuntimeError:  # Python 3.11 and 3.12 raise it for a loop of symbolic links
            raise Refused('it cannot be read (a loop of symbolic links)') from None
        except OSError as exc:  # permissions, names too long, loops
            raise Refused(f'it cannot be read ({_reason(exc)})') from None
        except ValueError:  # a NUL in the name
            raise Refused(f'no such {what}') from None
        if not any(resolved.is_relative_to(root) for root in self.roots):
            if any(path.absolute().is_relative_to(root) for root in self.roots):
                raise Refused('it is a symbolic link pointing outside the manuscript folder')
            raise Refused('it is outside the manuscript folder')
        if not stat.S_ISREG(mode):
            raise Refused(f'it is not a regular file ({_kind(mode)}); make-book reads only files')
        return resolved


def scheme(reference: str) -> str | None:
    """The reference's URL scheme in lower case, or None for a plain path."""
    if _WINDOWS_DRIVE.match(reference):
        return None  # 'C:\\x' is an absolute path, not a URL with the scheme 'c'
    value = urlsplit(reference.strip()).scheme
    return value.lower() or None


def resolve(reference: str, base: str, confinement: Confinement,
            what: str = 'file') -> tuple[str, Path]:
    """A reference written in the manuscript, as (book-relative POSIX path, file on disk).

    ``base`` is the POSIX folder, relative to the first root, of the file that
    holds the reference ('' for the top). Raises :class:`Refused`.
    """
    kind = scheme(reference)
    if kind in ('http', 'https', 'ftp') or reference.startswith('//'):
        raise Refused(f'remote resources are not fetched ({REMOTE_HINT})')
    if kind == 'file':
        raise Refused('file: URLs are refused; use a path relative to the manuscript folder')
    if kind == 'data':
        raise Refused('inline data: images are not supported; save the image as a file in the '
                      'manuscript folder and use a relative path')
    if kind is not None:
        raise Refused(f"'{kind}:' URLs are not allowed here; use a path relative to the "
                      'manuscript folder')
    path_part = unquote(urlsplit(reference).path)
    if not path_part:
        raise Refused('the reference names no file')
    if path_part.startswith(('/', '\\')) or _WINDOWS_DRIVE.match(path_part):
        raise Refused('absolute paths are refused; use a path relative to the manuscript folder')
    if '\\' in path_part or '\x00' in path_part:
        raise Refused("use '/' between folder names, and no control characters")
    relative = posixpath.normpath(posixpath.join(base, path_part))
    if relative == '..' or relative.startswith('../'):
        raise Refused("'..' leads outside the manuscript folder")
    root = confinement.roots[0]
    return relative, confinement.check(root / relative, what)


def file_url_target(url: str) -> Path:
    """The path a local ``file:`` URL names, unchecked. Raises Refused."""
    from urllib.request import url2pathname  # only here: it loads http.client, ssl and email

    parts = urlsplit(url)
    if parts.netloc not in ('', 'localhost'):
        raise Refused(f'{url}: file URLs on other hosts are refused')
    return Path(url2pathname(unquote(parts.path)))


def file_url_path(url: str, confinement: Confinement) -> Path:
    """The file a ``file:`` URL (as WeasyPrint builds them) names, if confined. Raises Refused."""
    return confinement.check(file_url_target(url))


def data_url(url: str, limit: int = DATA_URL_LIMIT) -> tuple[str, bytes]:
    """(media type, bytes) of a small ``data:`` URL. Raises Refused."""
    header, comma, payload = url.partition(',')
    if not comma:
        raise Refused('a malformed data: URL')
    media_type = header[5:].split(';')[0].strip().lower() or 'text/plain'
    if len(payload) > limit * 4 // 3 + 8:
        raise Refused(f'a data: URL larger than {limit // 1024} KB; save it as a file')
    try:
        body = (base64.b64decode(payload, validate=False) if header.endswith(';base64')
                else unquote_to_bytes(payload))
    except ValueError:
        raise Refused('a malformed data: URL') from None
    if len(body) > limit:
        raise Refused(f'a data: URL larger than {limit // 1024} KB; save it as a file')
    return media_type, body


# What a data: URL may hold where a stylesheet or a drawing names it: an image or a font, which
# load nothing more. A stylesheet (text/css: '@import url(data:text/css,@import url(http://…))'),
# an HTML page or any other type could; an SVG is checked as an SVG file is.
_FONT_TYPE = re.compile(r'font/[\w.+-]+|application/(?:x-)?font-[\w.+-]+|application/vnd\.ms-fontobject'
                        r'|application/octet-stream')


def data_image_problem(url: str, loads_nothing: bool = True) -> str | None:
    """Why a small ``data:`` image or font cannot be used (too large, unreadable, another type,
    an SVG that would load something), or None. The PDF's fetcher asks with ``loads_nothing``
    false: what a data: URL it serves asks for comes back through the fetcher, checked."""
    from makebook.safety import images

    try:
        media_type, body = data_url(url)
        if not loads_nothing:
            if media_type.startswith('image/') and media_type != 'image/svg+xml':
                images.check_raster(body, require_readable=False)
        elif media_type == 'image/svg+xml':
            problems = svg_data_problems(body)
            if problems:
                return f'an inline SVG that cannot go into a book: {problems[0]}'
        elif media_type.startswith('image/'):
            images.check_raster(body, require_readable=False)
        elif not _FONT_TYPE.fullmatch(media_type):
            return (f"an inline '{media_type[:40]}' (only images and fonts may be inline: anything "
                    'else could load other files)')
    except (Refused, images.ImageProblem) as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------- CSS

_IMAGE_FUNCTIONS = frozenset({'url', 'src', 'image-set', '-webkit-image-set', 'image', '-webkit-image',
                              'cross-fade', '-webkit-cross-fade', 'element', '-moz-element'})
# Functions whose value is known only where the stylesheet is used: inside an image function,
# they could name any address ('--a: "http://…"; background: image-set(var(--a) 1x)').
_COMPUTED_FUNCTIONS = frozenset({'var', 'env', 'attr'})


def computed_reference(url: str) -> bool:
    """True for what :func:`css_references` gives for an image named by var(), env() or attr()."""
    return url.split('(', 1)[0].lower() in _COMPUTED_FUNCTIONS and url.endswith(')')


COMPUTED_HINT = ('an image address made by var(), env() or attr() cannot be checked; write the '
                 'address itself')


def css_references(css: str) -> list[tuple[str, int]]:
    """Every URL a stylesheet would load (``url()``, ``@import``), with its line. An image
    function holding ``var()``, ``env()`` or ``attr()`` gives that function's text (see
    :func:`computed_reference`): what it names cannot be known here."""
    import tinycss2  # WeasyPrint's own CSS tokenizer, already installed with it

    found: list[tuple[str, int]] = []

    def walk(nodes: Iterable[Any] | None) -> None:  # tinycss2's nodes (untyped)
        importing = False  # after an '@import' token inside a block (a browser ignores it: refused alike)
        for node in nodes or ():
            kind = getattr(node, 'type', None)
            if kind == 'at-keyword':
                importing = node.lower_value == 'import'
            elif kind == 'string' and importing:
                found.append((node.value, node.source_line))
            elif kind == 'literal' and node.value == ';':
                importing = False
            if kind == 'url':
                found.append((node.value, node.source_line))
            elif kind == 'function' and node.lower_name in _IMAGE_FUNCTIONS:
                # Every string argument is an image to load ('image-set("a" 1x, "b" 2x)', 'image(ltr
                # "a", "b")'), not only the first; 'type("image/png")' inside is a function of its own.
                strings = [t.value for t in node.arguments if getattr(t, 'type', None) == 'string']
                found.extend((value, node.source_line) for value in
                             (strings[:1] if node.lower_name in ('url', 'src') else strings))
                found.extend((tinycss2.serialize([t]), node.source_line) for t in _computed(node.arguments))
                walk(node.arguments)
            elif kind == 'at-rule' and node.lower_at_keyword == 'import':
                strings = [t for t in node.prelude if getattr(t, 'type', None) == 'string']
                found.extend((t.value, node.source_line) for t in strings[:1])
                walk(node.prelude)
            else:
                for attribute in ('prelude', 'content', 'arguments'):
                    walk(getattr(node, attribute, None))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return list(dict.fromkeys(found))


def _computed(nodes: Iterable[Any]) -> Iterable[Any]:
    """The var(), env() and attr() functions among ``nodes`` and inside their functions."""
    for node in nodes:
        if getattr(node, 'type', None) == 'function':
            if node.lower_name in _COMPUTED_FUNCTIONS:
                yield node
            else:
                yield from _computed(node.arguments)


def stylesheet_problems(css: str, base: str, confinement: Confinement) -> list[tuple[str, int]]:
    """(message, line) for each reference in ``css`` the resolver refuses.

    ``data:`` URLs are fine when small; ``#fragment`` references load nothing.
    """
    problems = []
    for url, line in css_references(css):
        if url.startswith('#'):
            continue
        try:
            if computed_reference(url):
                raise Refused(COMPUTED_HINT)
            if scheme(url) == 'data':
                problem = data_image_problem(url)
                if problem:
                    raise Refused(problem)
            else:
                resolve(url, base, confinement)
        except Refused as exc:
            problems.append((f"'{url[:80]}': {exc}", line))
    return problems


# ---------------------------------------------------------------- SVG and XML

SVG_LIMIT = 16 * 1024 * 1024  # bytes: a drawing, not a photograph in disguise
# url() to anything but '#id', @import, image functions, and any CSS escape ('u\\72l(',
# '@\\69mport' spell the same): a drawing needs none of them.
_SVG_LOADING_STYLE = re.compile(r'url\s*\(\s*[\'"]?\s*(?!#)|@import|image-set|\b(?:image|src)\s*\(|\\',
                                re.IGNORECASE)
# SMIL animation, which can set an attribute (an href) to anything after the checks.
_ANIMATION = frozenset({'set', 'animate', 'animateMotion', 'animateTransform', 'animateColor'})
_XLINK_HREF = '{http://www.w3.org/1999/xlink}href'
_XML_BASE = '{http://www.w3.org/XML/1998/namespace}base'
# Elements that run code or show another document. SVG Tiny 1.2's <handler> holds a script and
# XML Events' <listener handler="…"> names one, anywhere ('handler="http://…"'), as does an
# 'ev:event' attribute: a drawing needs none of them.
_ACTIVE_ELEMENTS = frozenset({'script', 'handler', 'listener', 'foreignObject', 'iframe', 'object', 'embed'})
_XML_EVENTS = 'http://www.w3.org/2001/xml-events'


# What a drawing program declares: a few namespace names as entities (Illustrator's
# '<!ENTITY ns_svg "http://www.w3.org/2000/svg">'). Far more, or longer, is not a drawing.
_MAX_ENTITIES = 64
_MAX_ENTITY_TEXT = 1024
_PARAMETER_ENTITY = re.compile(rb'<!ENTITY\s+%')


def svg_problems(path: Path) -> list[str]:
    """Why an SVG image cannot go into a book (empty if it can).

    An SVG is a document that can declare entities (XXE, billion laughs), run
    scripts and load other files; a book needs none of that, so an SVG that
    tries is refused rather than quietly edited. What drawing programs write is
    accepted: a DOCTYPE naming the SVG DTD (never loaded) and an internal subset
    of plain-text entities (namespace names), which :func:`svg_content` expands.
    """
    try:
        data = read_bytes(path, 'SVG image', SVG_LIMIT)
    except Unreadable as exc:
        return [str(exc)]
    return svg_data_problems(data)


def _all_text(element: etree._Element) -> str:
    """The text of ``element`` and of everything inside it, comments and instructions left out."""
    texts: Any = element.xpath('.//text()')
    return ''.join(str(text) for text in texts)


def _keeping_pis() -> etree.XMLParser:
    """The safe parser, keeping processing instructions to be found (in any encoding)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_pis=False)


def _expanding() -> etree.XMLParser:
    """A parser that writes out the internal subset's entities (checked first: they are plain
    text) and loads nothing."""
    return etree.XMLParser(resolve_entities=True, no_network=True, load_dtd=False, huge_tree=False,
                           remove_pis=True)


def svg_data_problems(data: bytes) -> list[str]:
    """:func:`svg_problems` of an SVG's bytes (a file's, or a ``data:`` URL's)."""
    try:
        tree = etree.fromstring(data, _keeping_pis()).getroottree()
    except etree.XMLSyntaxError as exc:
        return [f'the SVG is not well-formed XML (line {exc.lineno}: {exc.msg})']
    problems = _declaration_problems(tree, data)
    # Found in the tree, not in the bytes: a file in UTF-16 hides them from a byte search.
    instructions: Any = tree.xpath('//processing-instruction()')  # lxml's _ProcessingInstruction
    for instruction in instructions:
        problems.append(f'the SVG has a processing instruction <?{str(instruction.target)[:40]}?> '
                        f'(line {instruction.sourceline}); a drawing needs none (<?xml-stylesheet?> '
                        'loads a file)')
    declared = _declared(tree)
    entities: Iterable[Any] = tree.iter(etree.Entity)  # lxml's _Entity (typed _Element by lxml-stubs)
    for entity in entities:
        if problems or entity.name not in declared:
            problems.append(f'the SVG uses the entity &{entity.name}; (line {entity.sourceline})')
    if not problems and tree.docinfo.internalDTD is not None:
        # Checked as the book carries it (svg_content): with its entities written out, so an
        # entity cannot hide '@import' or 'url(http…)' from the checks below.
        try:
            tree = etree.fromstring(data, _expanding()).getroottree()
        except etree.XMLSyntaxError as exc:
            return [f'the SVG is not well-formed XML (line {exc.lineno}: {exc.msg})']
    _resolve_switches(tree.getroot())  # what a <switch> does not draw is not carried either
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        line = element.sourceline
        if local in _ACTIVE_ELEMENTS or etree.QName(element).namespace == _XML_EVENTS:
            problems.append(f'the SVG has a <{local}> element (line {line})')
        if local in _ANIMATION and (element.get('attributeName', '').strip().split(':')[-1].lower()
                                    in ('href', 'src')
                                    or any(not _inline_reference(element.get(name, '#'))
                                           and 'url' in element.get(name, '').lower()
                                           for name in ('to', 'from', 'by', 'values'))):
            problems.append(f'the SVG has an animation <{local}> that changes a link (line {line})')
        for name, raw in element.attrib.items():
            value = raw if isinstance(raw, str) else raw.decode()  # lxml gives str; its stubs add bytes
            attribute = etree.QName(name).localname
            if attribute.lower().startswith('on') or etree.QName(name).namespace == _XML_EVENTS:
                problems.append(f"the SVG has an event handler '{attribute}' (line {line})")
            elif name == _XML_BASE:
                # Every reference inside resolves against it: '#a' or a data: URL checked as
                # harmless would name another document, anywhere ('xml:base="http://…/"').
                problems.append(f"the SVG sets xml:base '{value[:80]}' (line {line}); a drawing needs none")
            elif name in ('href', _XLINK_HREF, 'src') and not _inline_reference(value):
                problems.append(f"the SVG loads '{value[:80]}' (line {line}); embed it or remove it")
            elif name in ('href', _XLINK_HREF, 'src') and value.strip().lower().startswith('data:'):
                problem = data_image_problem(value.strip())
                if value.strip().lower().startswith('data:image/svg'):
                    problem = 'an SVG itself (not checked: save it as a file of the manuscript)'
                if problem:
                    problems.append(f'the SVG embeds an image that is {problem} (line {line})')
            elif _SVG_LOADING_STYLE.search(value) and attribute not in ('d', 'points', 'id'):
                # style="...", and presentation attributes too (fill="url(http://...)")
                what = 'a style' if attribute == 'style' else f"an attribute '{attribute}'"
                problems.append(f'the SVG has {what} that loads a resource (line {line})')
        # All of its text, as a browser reads a stylesheet: a comment or a child element inside
        # <style> ('<style><!-- -->@import …</style>') leaves the rest in tails, not in .text.
        if local == 'style' and _SVG_LOADING_STYLE.search(_all_text(element)):
            problems.append(f'the SVG has a stylesheet that loads a resource (line {line})')
    return list(dict.fromkeys(problems))  # a drawing written on one line repeats its reasons


_SWITCH = '{http://www.w3.org/2000/svg}switch'
_FOREIGN_OBJECT = '{http://www.w3.org/2000/svg}foreignObject'


def _resolve_switches(root: etree._Element) -> bool:
    """Decide each ``<switch>`` as a viewer that draws no HTML inside SVG does (WeasyPrint,
    most e-readers): it draws its first child element that is not a ``<foreignObject>``; the
    other children are removed. diagrams.net (draw.io) writes every label as HTML in a
    ``<foreignObject>`` followed by a plain ``<text>`` copy, and ends with a switch whose
    first child is an empty group and whose second is a "Text is not SVG" link to its site:
    what is kept is the text and the empty group, as browsers draw them. A switch holding
    only ``<foreignObject>`` children is left whole (and refused). True if anything changed."""
    changed = False
    for switch in list(root.iter(_SWITCH)):
        children = [child for child in switch if isinstance(child.tag, str)]
        kept = next((child for child in children if child.tag != _FOREIGN_OBJECT), None)
        if kept is None:
            continue
        for child in children:
            if child is not kept:
                switch.remove(child)
                changed = True
    return changed


def _entities(tree: etree._ElementTree) -> list[Any]:
    """The entity declarations of the document's internal DTD subset (lxml's ``_DTDEntityDecl``,
    which lxml-stubs do not describe)."""
    dtd: Any = tree.docinfo.internalDTD
    return list(dtd.iterentities()) if dtd is not None else []


def _declared(tree: etree._ElementTree) -> set[str]:
    return {str(entity.name) for entity in _entities(tree)}


def _declaration_problems(tree: etree._ElementTree, raw: bytes) -> list[str]:
    """Why the SVG's internal DTD subset is more than a drawing program's namespace names:
    an external or parameter entity (a file or address to load), an entity holding
    entities or markup (how a "billion laughs" multiplies), too many or too long."""
    docinfo: Any = tree.docinfo  # lxml-stubs say internalDTD is never None
    if docinfo.internalDTD is None:
        return []
    what = 'the SVG declares DTD or entities that make-book does not expand'
    if _PARAMETER_ENTITY.search(raw):
        return [f'{what}: a parameter entity']
    entities = _entities(tree)
    if len(entities) > _MAX_ENTITIES:
        return [f'{what}: {len(entities)} entities']
    for entity in entities:
        content = entity.content
        if entity.system_url is not None or content is None:
            return [f"{what}: '{entity.name}' names a file or address to load"]
        if any(mark in content for mark in '&%<') or len(content) > _MAX_ENTITY_TEXT:
            return [f"{what}: '{entity.name}' holds other entities, markup or too much text"]
    return []


def svg_content(path: Path) -> bytes:
    """The SVG as a book carries it: as written, or, when it has a DOCTYPE, without it and
    with its (checked: :func:`svg_problems`) plain-text entities written out, since
    e-readers and EPUBCheck want no DTD."""
    raw = read_bytes(path, 'SVG image', SVG_LIMIT)
    tree = etree.fromstring(raw, safe_xml_parser()).getroottree()
    docinfo: Any = tree.docinfo
    root = tree.getroot()
    declares = bool(docinfo.doctype) or docinfo.internalDTD is not None
    if declares:
        if _declaration_problems(tree, raw):
            raise Refused('the SVG declares DTD or entities that make-book does not expand')
        parser = etree.XMLParser(resolve_entities=True, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_pis=True)
        root = etree.fromstring(raw, parser)
    changed = _resolve_switches(root)
    changed = _epub_styles(root) or changed
    if not changed and not declares:
        return raw
    return etree.tostring(root, xml_declaration=True, encoding='utf-8')


# What an EPUB's CSS may not hold (EPUBCheck CSS-001: the reader sets the direction), and
# a declaration with no value (CSS-008), as MathJax's stylesheet writes 'vertical-align: ;'.
_FORBIDDEN_DECLARATION = re.compile(
    r'(?<=[{;])\s*(?:direction|unicode-bidi)\s*:[^;}]*;?|(?<=[{;])\s*[-\w]+\s*:\s*;', re.IGNORECASE)


def _epub_styles(root: etree._Element) -> bool:
    """Drop from the SVG's stylesheets what EPUB CSS may not hold (diagrams.net leaves
    MathJax's stylesheet, with 'direction: ltr', in a drawing that had a formula). True if
    anything changed."""
    changed = False
    for style in root.iter('{http://www.w3.org/2000/svg}style', '{http://www.w3.org/1999/xhtml}style'):
        text = style.text or ''
        cleaned = _FORBIDDEN_DECLARATION.sub('', text)
        if cleaned != text:
            style.text = cleaned
            changed = True
    return changed


def _inline_reference(value: str) -> bool:
    value = value.strip()
    return value.startswith('#') or (value.lower().startswith('data:image/')
                                     and len(value) <= DATA_URL_LIMIT * 4 // 3)
