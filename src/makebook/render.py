"""Stage 3: Markdown to XHTML chapters, with book-wide ids, links and assets.

Each file is converted by a fresh Python-Markdown instance, parsed into an
XHTML tree, and cut into chapters at every level-1 heading. Then, across the
whole book:

* every ``id`` is made unique (the PDF and the web edition are one document),
  remembering what each file called it so links written in the source resolve;
* links to other files (``other.md``, ``other.md#x``) and to anchors become
  ``#id`` links; the EPUB writer turns them into ``file.xhtml#id``;
* images are resolved inside the manuscript folder and recorded as assets;
* footnotes move into the chapter that cites them, in EPUB 3 pop-up form.

Problems are collected as diagnostics with the file and line, never raised one
at a time, so a single run reports all of them.
"""

from __future__ import annotations

import copy
import mimetypes
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from lxml import etree, html

from makebook import guards, images, mathml, resources, xrefs
from makebook.config import Metadata, slugify
from makebook.errors import Diagnostic, error, warning
from makebook.extensions import EXTENSIONS
from makebook.extensions.attributes import role_for
from makebook.manuscript import Manuscript, SourceFile
from makebook.sanitize import sanitize

XHTML_NS = 'http://www.w3.org/1999/xhtml'
EPUB_NS = 'http://www.idpf.org/2007/ops'
XML_NS = 'http://www.w3.org/XML/1998/namespace'
NSMAP = {None: XHTML_NS, 'epub': EPUB_NS}
EPUB_TYPE = f'{{{EPUB_NS}}}type'

MEDIA_TYPES = {
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.png': 'image/png',
    '.gif': 'image/gif',
    '.svg': 'image/svg+xml',
    '.webp': 'image/webp',
}

MARKDOWN_EXTENSIONS = (
    'footnotes', 'tables', 'fenced_code', 'attr_list', 'def_list', 'abbr',
    'smarty', 'toc', 'md_in_html', 'sane_lists', 'codehilite', *EXTENSIONS,
)
MARKDOWN_CONFIG = {
    # Pygments with CSS classes only (styles/*.css): no inline styles, no scripts.
    'codehilite': {'css_class': 'highlight', 'guess_lang': False, 'use_pygments': True},
    # Colons in fragment ids break some readers (Sphinx fix_ids); use '-'.
    'footnotes': {'SEPARATOR': '-', 'BACKLINK_TEXT': ''},
    'toc': {'permalink': False},
    'smarty': {'smart_angled_quotes': False},
}
# XML 1.0 allows only these characters; anything else never reaches an output.
_XML_ILLEGAL = re.compile('[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
# Pandoc's '-' for '.unnumbered', alone ('{-}') or among other attributes ('{#id -}').
_HEADING_MINUS = re.compile(r'^(#{1,6}\s.*?\{[^}\n]*?(?<=[{\s]))-(?=[\s}])', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Section:
    """A level-2 heading inside a chapter: a nested TOC entry."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Asset:
    """A file the book uses (an image), copied into every output."""

    source: Path  # absolute path inside the manuscript folder
    href: str  # POSIX path relative to the book root, used in every output
    media_type: str


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the book: a title page in the PDF, a nested entry in every TOC."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter as an XHTML ``<section>``, with ids unique in the whole book."""

    id: str  # id of the chapter's level-1 heading
    file_name: str  # 'chapter-03.xhtml', the chapter's own file in the EPUB
    title: str  # plain text, for navigation
    number: int | None  # None for unnumbered chapters
    source: str  # manuscript file it came from ('03-x.md')
    body: str  # serialized XHTML <section> element
    sections: tuple[Section, ...] = ()
    ids: frozenset[str] = frozenset()
    part: Part | None = None  # the part the chapter opens or continues
    has_math: bool = False  # the EPUB manifest item needs the 'mathml' property
    kind: str = 'bodymatter'  # frontmatter | bodymatter | backmatter (EPUB 3 structural semantics)
    epub_type: str = 'chapter'  # dedication, epigraph, preface, appendix... from the heading
    # Nesting in the tables of contents: 0 for a chapter, 1 for a sub-chapter of the
    # nearest chapter before it with a smaller depth (mdBook's nested SUMMARY.md items,
    # '{file: x.md, chapters: [...]}' in a chapters: list), and so on.
    depth: int = 0


# A chapter in a table of contents, with the chapters nested under it.
TocNode = tuple[Chapter, list['TocNode']]


def nest(chapters: list[Chapter]) -> list[TocNode]:
    """Chapters as a tree by their ``depth``, in reading order: each chapter goes under the
    nearest chapter before it with a smaller depth (at the top when there is none)."""
    top: list[TocNode] = []
    open_nodes: list[TocNode] = []
    for chapter in chapters:
        while open_nodes and open_nodes[-1][0].depth >= chapter.depth:
            open_nodes.pop()
        node: TocNode = (chapter, [])
        (open_nodes[-1][1] if open_nodes else top).append(node)
        open_nodes.append(node)
    return top


# A level-1 heading with one of these classes (or epub:type) makes an unnumbered
# front- or back-matter division of that kind instead of a chapter.
FRONT_MATTER_TYPES = ('dedication', 'epigraph', 'foreword', 'preface', 'prologue')
BACK_MATTER_TYPES = ('afterword', 'epilogue', 'appendix', 'acknowledgments', 'colophon',
                     'bibliography', 'glossary')


def by_part(chapters: tuple[Chapter, ...]) -> list[tuple[Part | None, list[Chapter]]]:
    """Runs of consecutive chapters sharing a part (None: not in a part), for the TOCs."""
    groups: list[tuple[Part | None, list[Chapter]]] = []
    for chapter in chapters:
        if groups and groups[-1][0] == chapter.part:
            groups[-1][1].append(chapter)
        else:
            groups.append((chapter.part, [chapter]))
    return groups


@dataclass(frozen=True, slots=True)
class RenderedBook:
    metadata: Metadata
    root: Path
    chapters: tuple[Chapter, ...]
    assets: tuple[Asset, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    def chapter_of(self, element_id: str) -> Chapter | None:
        return next((c for c in self.chapters if element_id in c.ids), None)


@dataclass
class _Draft:
    """A chapter while the book is being assembled (mutable, private)."""

    source: SourceFile
    element: etree._Element
    title: str
    unnumbered: bool
    part: Part | None = None
    opens_part: bool = False  # a '# Title {.part}' heading, not a chapter


def render_book(manuscript: Manuscript,
                download: Callable[[str], tuple[str, Path]] | None = None) -> RenderedBook:
    """Convert every file and assemble the chapters; problems go in ``diagnostics``.

    ``download`` (remote.py), when given, turns an http(s) image into a local file.
    """
    problems: list[Diagnostic] = []
    drafts: list[_Draft] = []
    ids = _IdRegistry()
    for source in manuscript.files:
        drafts.extend(_convert_file(source, drafts[-1] if drafts else None, ids, problems))
    if not drafts:
        problems.append(error('the manuscript has no text', manuscript.root))
    first_ids = _first_chapter_ids(manuscript, drafts)
    assets: dict[str, Asset] = {}
    for draft in drafts:
        _resolve_links(draft, manuscript, ids, first_ids, problems)
        _resolve_images(draft, manuscript.root, assets, problems, download)
    xrefs.fill_cross_references([d.element for d in drafts])
    _assign_parts(drafts, ids, problems)
    _number_footnotes(drafts, manuscript.metadata.footnote_numbering)
    chapters = _number(drafts)
    book = RenderedBook(
        metadata=manuscript.metadata,
        root=manuscript.root,
        chapters=chapters,
        assets=tuple(sorted(assets.values(), key=lambda a: a.href)),
        diagnostics=tuple(_to_origin(problems, manuscript.files)),
    )
    # A dedication or epigraph given as metadata becomes the division a heading makes.
    from makebook.front_pages import with_metadata_front_pages  # it builds on this module
    return with_metadata_front_pages(book)


def _to_origin(problems: list[Diagnostic], files: tuple[SourceFile, ...]) -> Iterator[Diagnostic]:
    """Problems found in text an mdBook include pulled in, moved to the included file and
    its own line (every stage finds lines as ``first_line + n`` in the expanded text)."""
    maps = {source.path: source for source in files if source.origins}
    for problem in problems:
        source = maps.get(problem.path) if problem.line is not None else None
        index = problem.line - source.first_line if source is not None else -1
        if source is not None and 0 <= index < len(source.origins):
            path, line = source.origins[index]
            problem = replace(problem, path=path, line=line)
        yield problem


def _first_chapter_ids(manuscript: Manuscript, drafts: list[_Draft]) -> dict[str, str | None]:
    """Where a link to each file lands: its first chapter, or the chapter it continues."""
    targets: dict[str, str | None] = {}
    last: str | None = None
    for source in manuscript.files:
        own = next((d for d in drafts if d.source is source), None)
        if own is not None:
            last = own.element.get('data-heading')
        targets[source.name] = last
    return targets


def _convert_file(source: SourceFile, previous: _Draft | None, ids: _IdRegistry,
                  problems: list[Diagnostic]) -> list[_Draft]:
    text = _HEADING_MINUS.sub(r'\1.unnumbered', source.markdown)
    md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS),
                           extension_configs=MARKDOWN_CONFIG, output_format='xhtml')
    body = _to_xhtml(sanitize(md.convert(text), source, problems))
    for message, needle in getattr(md, 'makebook_warnings', ()):
        problems.append(warning(message, source.path, _line_of(source, needle)))
    mathml.convert_math(body, lambda message, tex: problems.append(
        warning(message, source.path, _line_of(source, tex))))
    guards.check_body(body, source, problems)
    notes = _take_footnotes(body)
    ids.claim_all(body, source.name, notes)
    drafts: list[_Draft] = []
    continued: list[_Draft] = []  # the previous file's last chapter, if this file continues it
    current: etree._Element | None = None
    for child in list(body):
        if child.tag == f'{{{XHTML_NS}}}h1':
            current = _new_section(child.get('id'))
            classes = (child.get('class') or '').split()
            drafts.append(_Draft(source, current, _plain_text(child),
                                 'unnumbered' in classes or _division_type(child) is not None))
            if 'part' in classes:
                drafts[-1].part = Part(child.get('id'), _plain_text(child))
                drafts[-1].opens_part = True
        elif current is None:
            title = source.front_matter.get('title')
            if isinstance(title, str) and title.strip():
                current = _titled_section(title.strip(), source, ids)
                drafts.append(_Draft(source, current, title.strip(),
                                     bool(source.front_matter.get('unnumbered'))))
            elif previous is not None:
                current = previous.element
                continued = [previous]
            elif _is_blank(child):
                continue
            else:
                title = Path(source.name).stem.replace('-', ' ').replace('_', ' ').strip()
                problems.append(warning('text before the first level-1 heading; it becomes a '
                                        f"chapter titled '{title}' (add a '# Heading' or a "
                                        "'title:' to the front matter)", source.path,
                                        source.first_line))
                current = _titled_section(title, source, ids)
                drafts.append(_Draft(source, current, title, True))
        current.append(child)
    if current is None and isinstance(source.front_matter.get('title'), str):
        title = source.front_matter['title'].strip()
        current = _titled_section(title, source, ids)
        drafts.append(_Draft(source, current, title, bool(source.front_matter.get('unnumbered'))))
    if notes is not None:
        _distribute_footnotes(notes, continued + drafts)
    if not drafts and current is None and not source.markdown.strip():
        problems.append(warning('the file is empty', source.path))
    return drafts


def _to_xhtml(markup: str) -> etree._Element:
    """Parse Markdown's output (which may hold raw HTML) into a namespaced XHTML <body>.

    The HTML parser accepts what authors paste (unclosed tags, named entities);
    copying into a fresh XHTML tree drops what XML cannot hold.
    """
    document = html.document_fromstring(f'<html><body>{markup}</body></html>')
    html_body = document.find('body')
    body = etree.Element(f'{{{XHTML_NS}}}body', nsmap=NSMAP)
    body.text = _xml_text(html_body.text)
    for child in html_body:
        _copy_into(child, body)
    return body


def _copy_into(source: etree._Element, parent: etree._Element) -> None:
    if not isinstance(source.tag, str):  # comments and processing instructions
        if parent.__len__():
            parent[-1].tail = (parent[-1].tail or '') + (_xml_text(source.tail) or '')
        else:
            parent.text = (parent.text or '') + (_xml_text(source.tail) or '')
        return
    element = etree.SubElement(parent, f'{{{XHTML_NS}}}{source.tag.lower()}')
    for name, value in source.attrib.items():
        qualified = _attribute_name(name)
        if qualified is not None:
            element.set(qualified, _xml_text(value) or '')
    element.text = _xml_text(source.text)
    element.tail = _xml_text(source.tail)
    for child in source:
        _copy_into(child, element)


def _attribute_name(name: str) -> str | None:
    if name.startswith('epub:'):
        return f'{{{EPUB_NS}}}{name[5:]}'
    if name in ('xml:lang', 'lang'):
        return name if name == 'lang' else f'{{{XML_NS}}}lang'
    if re.fullmatch(r'[A-Za-z_][A-Za-z0-9_.-]*', name):
        return name
    return None


def _xml_text(text: str | None) -> str | None:
    return None if text is None else _XML_ILLEGAL.sub('', text)


def _take_footnotes(body: etree._Element) -> etree._Element | None:
    """Remove Python-Markdown's footnote block; returns its <ol> (or None)."""
    for div in body.findall(f'{{{XHTML_NS}}}div'):
        if div.get('class') == 'footnote':
            body.remove(div)
            return div.find(f'{{{XHTML_NS}}}ol')
    return None


def _distribute_footnotes(notes: etree._Element, drafts: list[_Draft]) -> None:
    """Give each note to the chapter that cites it, as an EPUB 3 pop-up <aside>.

    Notes are numbered per chapter, in the order they are first cited; a note
    cited twice keeps its number.
    """
    notes_by_id = {li.get('id'): li for li in notes}
    for draft in drafts:
        numbers: dict[str, int] = {}
        existing = draft.element.find(f'{{{XHTML_NS}}}section[@class="footnotes"]')
        if existing is not None:  # a chapter continued from the previous file
            numbers = {aside.get('id'): n for n, aside in enumerate(existing, start=1)}
        for ref in list(draft.element.iter(f'{{{XHTML_NS}}}a')):
            if ref.get('class') != 'footnote-ref':
                continue
            note_id = ref.get('href', '')[1:]
            number = numbers.setdefault(note_id, len(numbers) + 1)
            ref.text = str(number)
            _make_noteref(ref)
        asides = [_aside(notes_by_id[note_id], number) for note_id, number in numbers.items()
                  if note_id in notes_by_id and (existing is None or number > len(existing))]
        if not asides:
            continue
        if existing is None:
            existing = etree.SubElement(draft.element, f'{{{XHTML_NS}}}section')
            existing.set('class', 'footnotes')
            existing.set(EPUB_TYPE, 'footnotes')
            existing.set('role', 'doc-endnotes')
        existing.extend(asides)
        draft.element.append(existing)  # notes stay last, after any continued text


def _number_footnotes(drafts: list[_Draft], scheme: str) -> None:
    """Number note references and notes in reading order, restarting per chapter or not.

    Python-Markdown numbers per file; a file may hold several chapters and a
    chapter may span files, so the numbers are set again here, the same in the
    reference and in the note's backlink.
    """
    number = 0
    for draft in drafts:
        if scheme != 'book':
            number = 0
        notes = {aside.get('id'): aside for aside in draft.element.iter(f'{{{XHTML_NS}}}aside')}
        given: dict[str, str] = {}
        for ref in draft.element.iter(f'{{{XHTML_NS}}}a'):
            if ref.get(EPUB_TYPE) != 'noteref':
                continue
            target = ref.get('href', '')[1:]
            if target not in given:
                number += 1
                given[target] = str(number)
                backlink = next((a for a in notes[target].iter(f'{{{XHTML_NS}}}a')
                                 if a.get('role') == 'doc-backlink'), None) if target in notes else None
                if backlink is not None:
                    backlink.text = f'{number}.'
            ref.text = given[target]


def _division_type(heading: etree._Element) -> str | None:
    """'dedication', 'epigraph', 'appendix'... when the heading says so, else None."""
    names = (heading.get('class') or '').split() + (heading.get(EPUB_TYPE) or '').split()
    return next((n for n in names if n in FRONT_MATTER_TYPES + BACK_MATTER_TYPES), None)


def _make_noteref(ref: etree._Element) -> None:
    """<sup id=r><a href=#n>1</a></sup> becomes <a id=r href=#n epub:type=noteref>1</a>.

    Apple Books fails to pop up a note when <sup> sits inside the link (pandoc
    #1995), so the link carries the id and the superscript is done in CSS.
    """
    sup = ref.getparent()
    if sup is None or sup.tag != f'{{{XHTML_NS}}}sup':
        return
    ref.set('id', sup.get('id', ''))
    ref.set('class', 'noteref')
    ref.set(EPUB_TYPE, 'noteref')
    ref.set('role', 'doc-noteref')
    ref.tail = sup.tail
    sup.getparent().replace(sup, ref)


def _aside(li: etree._Element, number: int) -> etree._Element:
    """A footnote in the shape pandoc settled on (PR #8676): backlink first, then text."""
    aside = _element('aside')
    aside.set('id', li.get('id'))
    aside.set('class', 'footnote')
    aside.set(EPUB_TYPE, 'footnote')
    aside.set('role', 'doc-footnote')
    back_href = None
    content = copy.deepcopy(li)
    for backref in content.iter(f'{{{XHTML_NS}}}a'):
        if backref.get('class') == 'footnote-backref':
            back_href = backref.get('href')
            parent = backref.getparent()
            previous = backref.getprevious()
            tail = (backref.tail or '')
            if previous is not None:
                previous.tail = ((previous.tail or '') + tail).rstrip('\u00a0 ')
            else:
                parent.text = ((parent.text or '') + tail).rstrip('\u00a0 ')
            parent.remove(backref)
            break
    aside.text = content.text
    aside.extend(list(content))
    backlink = _element('a')
    backlink.set('href', back_href or '#')
    backlink.set('class', 'footnote-back')
    backlink.set('role', 'doc-backlink')
    backlink.text = f'{number}.'
    backlink.tail = ' '
    first = aside[0] if len(aside) and aside[0].tag == f'{{{XHTML_NS}}}p' else None
    if first is not None:
        backlink.tail = ' ' + (first.text or '')
        first.text = None
        first.insert(0, backlink)
    else:
        backlink.tail = ' ' + (aside.text or '')
        aside.text = None
        aside.insert(0, backlink)
    return aside


def _element(tag: str) -> etree._Element:
    """A new XHTML element that serializes with the default namespace, not a prefix."""
    return etree.Element(f'{{{XHTML_NS}}}{tag}', nsmap=NSMAP)


def _new_section(heading_id: str | None) -> etree._Element:
    section = _element('section')
    section.set('data-heading', heading_id or '')
    return section


def _titled_section(title: str, source: SourceFile, ids: _IdRegistry) -> etree._Element:
    heading = _element('h1')
    heading.text = title
    heading.set('id', ids.claim(slugify(title) or 'chapter', source.name))
    section = _new_section(heading.get('id'))
    section.append(heading)
    return section


def _is_blank(element: etree._Element) -> bool:
    return not (element.text or '').strip() and len(element) == 0


def _plain_text(element: etree._Element) -> str:
    return ' '.join(''.join(element.itertext()).split())


class _IdRegistry:
    """Hands out ids unique in the whole book; remembers each file's own names."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.by_file: dict[str, dict[str, str]] = {}

    def claim(self, wanted: str, file_name: str) -> str:
        wanted = _valid_id(wanted)
        unique = wanted
        counter = 2
        while unique in self.taken:
            unique = f'{wanted}-{counter}'
            counter += 1
        self.taken.add(unique)
        self.by_file.setdefault(file_name, {}).setdefault(wanted, unique)
        return unique

    def claim_all(self, body: etree._Element, file_name: str,
                  notes: etree._Element | None) -> None:
        """Rename every id in the file's tree(s) to a book-unique one, fixing '#x' links."""
        renamed: dict[str, str] = {}
        trees = [body] if notes is None else [body, notes]
        for tree in trees:
            for element in tree.iter():
                old = element.get('id')
                if old is not None:
                    new = self.claim(old, file_name)
                    renamed.setdefault(old, new)
                    element.set('id', new)
        for tree in trees:
            for link in tree.iter(f'{{{XHTML_NS}}}a'):
                href = link.get('href', '')
                if href.startswith('#') and href[1:] in renamed:
                    link.set('href', '#' + renamed[href[1:]])
                    link.set('data-resolved', '1')

    def lookup(self, file_name: str, wanted: str) -> str | None:
        return self.by_file.get(file_name, {}).get(wanted)

    def lookup_anywhere(self, wanted: str) -> str | None:
        """For '@fig-x' and '@sec-x', which name an id in any file of the book."""
        return next((names[wanted] for names in self.by_file.values() if wanted in names), None)


def _valid_id(value: str) -> str:
    """An XML Name usable as an id (no leading digit, no spaces or colons)."""
    value = re.sub(r'[^A-Za-z0-9_.-]+', '-', value).strip('-') or 'id'
    return value if re.match(r'[A-Za-z_]', value) else f'id-{value}'


def _resolve_links(draft: _Draft, manuscript: Manuscript, ids: _IdRegistry,
                   first_ids: dict[str, str | None], problems: list[Diagnostic]) -> None:
    source = draft.source
    for link in draft.element.iter(f'{{{XHTML_NS}}}a'):
        if link.attrib.pop('data-resolved', None):
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
                problems.append(error(f"broken link '{href}': it points to {what}",
                                      source.path, _link_line(source, href)))
                continue
        if parts.fragment:
            target = ids.lookup(target_file, unquote(parts.fragment))
            if target is None and not parts.path:
                # pandoc joins its input files into one document, so a manuscript written
                # for it links '#id' to a heading or anchor of any file (like '@sec-x').
                target = ids.lookup_anywhere(unquote(parts.fragment))
            if target is None:
                problems.append(error(f"broken link '{href}': {target_file} has no heading or "
                                      f"anchor '#{parts.fragment}'", source.path,
                                      _link_line(source, href)))
                continue
        else:
            target = first_ids[target_file]
        link.set('href', f'#{target}')


def _link_line(source: SourceFile, href: str) -> int | None:
    """Where a link is written: as the href, or as a cross-reference '@id'.

    Looked up only for a broken link: searching every line for each of 3,000
    footnote links made a long chapter quadratic.
    """
    return _line_of(source, href) or _line_of(source, '@' + href.lstrip('#'))


def _resolve_images(draft: _Draft, root: Path, assets: dict[str, Asset],
                    problems: list[Diagnostic],
                    download: Callable[[str], tuple[str, Path]] | None = None) -> None:
    source = draft.source
    for image in list(draft.element.iter(f'{{{XHTML_NS}}}img')):
        if image.get('src') is None:  # the sanitiser removed it (and said so): drop the image
            _drop(image)
            continue
        src = image.get('src', '')
        line = (_line_of(source, f'({src}') or _line_of(source, src)) if src else None
        if image.get('alt') is None:
            image.set('alt', '')
            problems.append(warning(f"image '{src}' has no alt text", source.path, line))
        elif not image.get('alt').strip():
            problems.append(warning(f"image '{src}' has empty alt text; describe it for readers "
                                    'who cannot see it', source.path, line))
        asset = _image_asset(src, source, root, download)
        if isinstance(asset, str):
            problems.append(error(f"image '{src}': {asset}", source.path, line))
            continue
        assets[asset.href] = asset
        image.set('src', asset.href)


def _drop(element: etree._Element) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent, previous = element.getparent(), element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or '') + (element.tail or '')
    else:
        parent.text = (parent.text or '') + (element.tail or '')
    parent.remove(element)


def _image_asset(src: str, source: SourceFile, root: Path,
                 download: Callable[[str], tuple[str, Path]] | None = None) -> Asset | str:
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
    if media_type not in MEDIA_TYPES.values():
        return f'{suffix or "this"} images are not supported (use JPEG, PNG, GIF, SVG or WebP)'
    if media_type == 'image/svg+xml':
        problems = resources.svg_problems(resolved)
        if problems:
            return '; '.join(problems)
    else:
        try:  # measured before any renderer decodes it (images.py)
            images.check_raster(resolved)
        except images.ImageProblem as exc:
            return str(exc)
    return Asset(source=resolved, href=relative, media_type=media_type)


def _line_of(source: SourceFile, needle: str) -> int | None:
    """The line of the manuscript file where ``needle`` is first written."""
    for number, text in enumerate(source.markdown.split('\n')):
        if needle and needle in text:
            return source.first_line + number
    return None


def _assign_parts(drafts: list[_Draft], ids: _IdRegistry, problems: list[Diagnostic]) -> None:
    """Give each chapter its part: the one its file has in the layout (_quarto.yml,
    SUMMARY.md, chapters:), else the last '# Title {.part}' heading before it.
    Part headings stop being drafts: a part is a title page, not a chapter."""
    heading_part: Part | None = None
    layout_part: Part | None = None
    for draft in list(drafts):
        if draft.opens_part:
            heading_part = draft.part
            drafts.remove(draft)
            if len(draft.element) > 1:
                problems.append(warning(f"the text after the part heading '{draft.title}' is left "
                                        'out: a part is only a title page; put the text in a '
                                        'chapter', draft.source.path,
                                        _line_of(draft.source, draft.title)))
            continue
        title = getattr(draft.source, 'part', None)
        if title is None:
            draft.part = heading_part
            continue
        if layout_part is None or layout_part.title != title:
            layout_part = Part(ids.claim(f'part-{slugify(title) or "part"}', draft.source.name),
                               title)
        draft.part = layout_part


def _chapter_metadata(draft: _Draft, first_of_file: bool) -> None:
    """A file's own front matter: subtitle, epub:type and lang apply to its chapter."""
    front = draft.source.front_matter
    section = draft.element
    epub_type = front.get('epub:type')
    section.set(EPUB_TYPE, epub_type if isinstance(epub_type, str) and epub_type.strip()
                else 'chapter')
    role = role_for(section.get(EPUB_TYPE))
    if role and section.get('role') is None:
        section.set('role', role)
    lang = front.get('lang')
    if isinstance(lang, str) and re.fullmatch(r'[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*', lang):
        section.set('lang', lang)
        section.set(f'{{{XML_NS}}}lang', lang)
    subtitle = front.get('subtitle')
    heading = section.find(f'{{{XHTML_NS}}}h1')
    if first_of_file and isinstance(subtitle, str) and subtitle.strip() and heading is not None:
        line = _element('p')
        line.set('class', 'chapter-subtitle')
        line.text = subtitle.strip()
        heading.addnext(line)


def _number(drafts: list[_Draft]) -> tuple[Chapter, ...]:
    chapters = []
    number = 0
    seen_files: set[str] = set()
    for index, draft in enumerate(drafts, start=1):
        section = draft.element
        heading_id = section.attrib.pop('data-heading')
        heading = section.find(f'{{{XHTML_NS}}}h1')
        division = _division_type(heading) if heading is not None else None
        front_type = draft.source.front_matter.get('epub:type')
        if division is None and front_type in FRONT_MATTER_TYPES + BACK_MATTER_TYPES:
            division = front_type  # a file's own 'epub:type: dedication'
        kind = 'frontmatter' if division in FRONT_MATTER_TYPES else \
            'backmatter' if division in BACK_MATTER_TYPES else 'bodymatter'
        depth = draft.source.depth
        # A sub-chapter has no chapter number of its own (the chapter it belongs to has).
        unnumbered = draft.unnumbered or division is not None or depth > 0 \
            or draft.source.unnumbered or bool(draft.source.front_matter.get('unnumbered'))
        draft.unnumbered = unnumbered
        section.set('class', f'chapter {division}' if division else
                    'chapter' if not draft.unnumbered else 'chapter unnumbered')
        _chapter_metadata(draft, draft.source.name not in seen_files)
        seen_files.add(draft.source.name)
        if division is not None:
            if heading is not None and heading.get(EPUB_TYPE) == division:
                del heading.attrib[EPUB_TYPE]  # the section carries it; twice would be two landmarks
            section.set(EPUB_TYPE, division)
            section.set('role', role_for(division) or f'doc-{division}')  # matching epub:type
        if not draft.unnumbered:
            number += 1
            section.set('data-number', str(number))
        if depth > 0:
            section.set('class', section.get('class') + ' subchapter')
            section.set('data-depth', str(depth))
        sections = tuple(Section(h.get('id'), _plain_text(h))
                         for h in section.iter(f'{{{XHTML_NS}}}h2') if h.get('id'))
        chapters.append(Chapter(
            id=heading_id,
            file_name=f'chapter-{index:03d}.xhtml',
            title=draft.title,
            number=None if draft.unnumbered else number,
            source=draft.source.name,
            body=etree.tostring(section, encoding='unicode'),
            sections=sections,
            ids=frozenset(_all_ids(section)),
            part=draft.part,
            has_math=mathml.has_math(section),
            kind=kind,
            epub_type=division or 'chapter',
            depth=depth,
        ))
    return tuple(chapters)


def _all_ids(element: etree._Element) -> Iterator[str]:
    for node in element.iter():
        if isinstance(node.tag, str) and node.get('id'):
            yield node.get('id')
