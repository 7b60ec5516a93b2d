"""One Markdown file to an XHTML tree: the per-file half of rendering.

:func:`convert_file` depends on nothing but the file itself (no other file,
no book-wide state), so its result can be kept and reused while the file is
unchanged. Each file is read by a Python-Markdown instance reset to as good as
new (made once a thread: :func:`_reader`); its HTML is sanitised (raw HTML is
untrusted), parsed into a namespaced XHTML tree, its math set as MathML, and
repaired where pasted HTML breaks the content model; the footnotes are taken
out for the book to place.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import functools
import importlib
import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
from lxml import etree, html

from makebook import codes, xhtml
from makebook.cache import Cache
from makebook.config.typography import LEFT_DOUBLE, LEFT_SINGLE, RIGHT_DOUBLE, RIGHT_SINGLE
from makebook.errors import Diagnostic
from makebook.extensions import EXTENSIONS
from makebook.extensions.attributes import unnumbered_minus
from makebook.extensions.commonmark.code import warm_lexers
from makebook.model import EPUB_NS, XHTML_NS, XML_NS, Locator, NoProgress, Progress, SourceFile
from makebook.render import mathml, media, repairs
from makebook.render.balance import balance
from makebook.render.content import drop_copied_ids, written_ids
from makebook.render.ids import typed_headings
from makebook.render.notes import keep_unreferenced, take_footnotes
from makebook.render.typography import Typography, file_language, typeset_tree
from makebook.safety import limits
from makebook.safety.sanitize import sanitize
from makebook.safety.xmlchars import xml_text

# The block structure is CommonMark's (extensions.commonmark, which also reads fences
# and raw HTML blocks); these read what sits inside it.
MARKDOWN_EXTENSIONS = (
    'makebook.extensions.footnotes', 'tables', 'attr_list', 'def_list', 'abbr', 'smarty', 'toc', 'sane_lists',
    'pymdownx.betterem', *EXTENSIONS,
)
MARKDOWN_CONFIG: dict[str, dict[str, object]] = {
    # Colons in fragment ids break some readers (Sphinx fix_ids); use '-'.
    # Python-Markdown's footnotes, linear for a note cited many times.
    'makebook.extensions.footnotes': {'SEPARATOR': '-', 'BACKLINK_TEXT': ''},
    'toc': {'permalink': False},
    # Smarty decides where a straight quote opens and closes; which marks it becomes is the
    # language's (render/typography.py), so it writes markers (config/typography.py).
    'smarty': {'smart_angled_quotes': False, 'substitutions': {
        'left-double-quote': LEFT_DOUBLE, 'right-double-quote': RIGHT_DOUBLE,
        'left-single-quote': LEFT_SINGLE, 'right-single-quote': RIGHT_SINGLE}},
}
# Python-Markdown's own extensions among those, by the short names its entry points give them.
_PYTHON_MARKDOWNS = frozenset({'tables', 'attr_list', 'def_list', 'abbr', 'smarty', 'toc', 'sane_lists'})


def markdown_extensions() -> list[markdown.extensions.Extension]:
    """:data:`MARKDOWN_EXTENSIONS` made as Python-Markdown makes them from their names (each
    module's ``makeExtension`` with the settings :data:`MARKDOWN_CONFIG` gives it), without
    first looking each name up among the installed packages' entry points, as it does for a
    name: that loads importlib.metadata and reads every package's metadata, 0.03 s of the
    build's serial start, before the conversion workers can begin."""
    return [importlib.import_module(f'markdown.extensions.{name}' if name in _PYTHON_MARKDOWNS else name)
            .makeExtension(**MARKDOWN_CONFIG.get(name, {})) for name in MARKDOWN_EXTENSIONS]


# An ATX heading's line, where pandoc's {-} is read (extensions.attributes).
_ATX_HEADING = re.compile(r'^#{1,6}[ \t][^\n]*', re.MULTILINE)
_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_.-]*')


@dataclass(frozen=True)
class Converted:
    """A file's text as an XHTML ``<body>``, its footnotes apart, and what was found.

    From :func:`convert_file`, its straight quotes are still smarty's markers; from
    :func:`convert_all` (what a build uses, and what the cache keeps), the text is set in the
    book's language (:func:`set_type`, render/typography.py).
    """

    source: SourceFile
    body: etree._Element  # the file's blocks, ids as the author wrote them
    notes: etree._Element | None  # Python-Markdown's <ol> of footnotes, if any
    problems: tuple[Diagnostic, ...]
    # Each heading's text as typed (before typography), in document order: the ids other
    # tools give headings are made from it (render/ids.py).
    headings: tuple[str, ...] = ()


# A line that is one block-level HTML element, opened and closed on it (Typora and pandoc
# books open chapters with '<div style="page-break-after: always;"></div>'), or an <hr>.
_BLOCK_TAGS = r'(?:div|p|center|section|aside|figure|header|footer|nav|h[1-6]|blockquote|pre|table|dl)'
_CLOSED_HTML_LINE = re.compile(
    rf'^ {{0,3}}(?:<({_BLOCK_TAGS})\b[^<>]*>[^<>]*</\1\s*>|<hr\b[^<>]*>)\s*$', re.IGNORECASE)


def _end_closed_html_lines(text: str) -> tuple[str, list[int]]:
    """``text`` with a blank line after each line that is a closed HTML element followed by
    more text, and the (0-based) indexes of the lines inserted. Python-Markdown, like
    CommonMark, runs an HTML block on to the next blank line, so the heading and notes that
    follow such a line were raw HTML; pandoc ends the element where it closes and reads
    on (its markdown_in_html_blocks): the Markdown after it is Markdown."""
    lines = text.split('\n')
    out: list[str] = []
    inserted: list[int] = []
    fence = False
    for index, line in enumerate(lines):
        out.append(line)
        if line.lstrip().startswith(('```', '~~~')):
            fence = not fence
        followed = index + 1 < len(lines) and bool(lines[index + 1].strip())
        if not fence and followed and _CLOSED_HTML_LINE.match(line):
            inserted.append(len(out))
            out.append('')
    return ('\n'.join(out), inserted) if inserted else (text, inserted)


class _Readers(threading.local):
    markdown: markdown.Markdown | None = None


# One Markdown instance a thread (so one a worker process), reset between files: making one
# (extensions, processors, patterns) cost a tenth of converting a book. A file takes it
# (:func:`_reader`) and gives it back once read through, so one a conversion stopped in
# (RecursionError, a time bound, Ctrl-C) is never used again, and a file is never read with
# an instance another reading is still using.
_READERS = _Readers()


def _reader() -> markdown.Markdown:
    """A Markdown instance as a fresh one reads: Python-Markdown's ``reset()`` (its stash,
    references, and each extension's ``reset``: footnotes, abbreviations, toc), and
    make-book's own per-file values, which its extensions keep as ``md.makebook_*``
    attributes (warnings, an mdBook's hidden lines, the CommonMark reader's blocks and
    bracket tables, the links read from brackets), removed. Every other part of an instance
    is made once and only read (tests/unit/render/test_conversion_fast_paths.py converts every
    fixture file fresh and reused, in shuffled orders: the same XHTML and problems)."""
    md, _READERS.markdown = _READERS.markdown, None
    if md is None:
        return markdown.Markdown(extensions=markdown_extensions(), output_format='xhtml')
    md.reset()
    for name in [name for name in vars(md) if name.startswith('makebook_')]:
        del md.__dict__[name]
    return md


def convert_file(source: SourceFile) -> Converted:
    """Markdown to XHTML for one file; every problem is in ``problems``, none is raised."""
    problems: list[Diagnostic] = []
    text = _ATX_HEADING.sub(lambda m: unnumbered_minus(m.group()), source.markdown)
    md = _reader()
    if source.hidelines is not None:  # an mdBook's: extensions/commonmark hides its code's lines
        md.__dict__['makebook_hidelines'] = dict(source.hidelines)
    where = Locator(source)  # each problem at its own line, a repeated one too
    text, listings = media.hide_listings(text)
    text, inserted = _end_closed_html_lines(text)
    try:
        html = md.convert(text)
    except RecursionError:  # Python-Markdown reads nested lists and quotes recursively
        problems.append(codes.NESTED_TOO_DEEP(
            'blocks nested too deeply to read (lists or quotes hundreds of levels deep); flatten '
            'the structure', source.path, repairs.deepest_line(source)))
        return Converted(source, xhtml.element('body'), None, tuple(problems), ())
    for code, message, needle in getattr(md, 'makebook_warnings', ()):
        line = source.first_line + needle - bisect.bisect_right(inserted, needle) if isinstance(needle, int) \
            else where.line_of(needle)
        problems.append(codes.ALL[code](message, source.path, line))
    _READERS.markdown = md  # read through: the next file may use it
    # Each pass below reports in the order things are written: its own view of the locator.
    noted = where.in_order()
    markup = media.media_notes(
        media.listings(html, listings), lambda message, needle: problems.append(
            codes.RAW_HTML_REMOVED(message, source.path, noted.line_of(needle, ignore_case=True))))
    # Every element closed in its own block (an HTML5 parser would reopen an unclosed <em>
    # after the paragraph, around the rest of the chapter), then the allowlist.
    balanced = where.in_order()
    markup = balance(markup, lambda code, message, needle: problems.append(
        code(message, source.path, balanced.line_of(needle, ignore_case=True))))
    body = to_xhtml(sanitize(markup, where.in_order(), problems))
    drop_copied_ids(body, written_ids(markup))  # the HTML parser's copies, not the author's
    formulas = where.in_order()
    mathml.convert_math(body, lambda code, message, tex: problems.append(
        code(message, source.path, formulas.line_of(tex))))
    repairs.check_body(body, where, problems)
    notes = take_footnotes(body)
    keep_unreferenced(body, notes, lambda label: problems.append(codes.UNREFERENCED_NOTE(
        f"the footnote '[^{label}]' is never referenced; its text is kept at the end of the chapter "
        f"(add a '[^{label}]' where it belongs, or remove the note)", source.path,
        source.line_of(f'[^{label}]:'))))
    return Converted(source, body, notes, tuple(problems), typed_headings(body))


def set_type(converted: Converted, typography: Typography) -> Converted:
    """The file's text (and its notes') set in place in its language: quotes, spaces (the
    front matter's ``lang:``, else the book's). Code is never touched."""
    language = file_language(converted.source)
    typeset_tree(converted.body, typography, language)
    if converted.notes is not None:
        typeset_tree(converted.notes, typography, language)
    return converted


# The cache's namespace for converted files (cache.py): one entry a file.
CACHE_NAMESPACE = 'render/convert'
# Cached trees are make-book's own serialisation: parsed strictly, never fetching anything.
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True,
                          load_dtd=False, remove_blank_text=False)


# Below this much Markdown, starting worker processes costs more than it saves.
PARALLEL_CHARACTERS = 200_000


def convert_all(sources: Sequence[SourceFile], cache: Cache, workers: int = 1,
                progress: Progress | None = None, typography: Typography | None = None) -> list[Converted]:
    """:func:`convert_file` of each source, then :func:`set_type` in ``typography``, in order;
    each reused from ``cache`` while its file is unchanged, the others converted in up to
    ``workers`` processes when there is enough Markdown to be worth it (conversion is pure: a
    file's result depends on it, its language and the book's typography alone).

    A result always goes through its serialised form, cached or not, in a worker
    or not, so every path gives the very same book; and the trees are always
    fresh (:func:`~makebook.render.assemble` moves their elements).
    """
    typography = typography or Typography()
    # Everything convert_file reads of a file: diagnostics carry its path, lines count
    # from first_line, an mdBook's code hides lines; then the typography it is set in (the
    # book's language and quotes, the file's own lang:). The rest of the source (front
    # matter, part...) is used afresh.
    keys = [cache.key(CACHE_NAMESPACE, str(source.path), source.name, str(source.first_line),
                      repr(source.hidelines), source.markdown, typography.language,
                      typography.quotes or '', file_language(source) or '') for source in sources]
    progress = progress or NoProgress()
    found: list[Converted | None] = []
    for source, key in zip(sources, keys, strict=True):
        stored = cache.load(CACHE_NAMESPACE, key)
        found.append(None if stored is None else from_json(source, stored))
    progress.advance(sum(converted is not None for converted in found))
    missing = [index for index, converted in enumerate(found) if converted is None]
    for index, value in zip(missing, _convert_to_json([sources[i] for i in missing], typography, workers),
                            strict=True):
        with limits.working_on(sources[index].path):
            cache.store(CACHE_NAMESPACE, keys[index], value)
            found[index] = from_json(sources[index], value)
        progress.advance()
    assert all(converted is not None for converted in found)  # our own serialisation parses
    return [converted for converted in found if converted is not None]


def _convert_to_json(sources: list[SourceFile], typography: Typography,
                     workers: int) -> Iterable[dict[str, Any]]:
    size = sum(len(source.markdown) for source in sources)
    convert = functools.partial(_converted_json, typography=typography)
    if workers < 2 or len(sources) < 2 or size < PARALLEL_CHARACTERS or 'fork' not in \
            multiprocessing.get_all_start_methods():
        return [convert(source) for source in sources]
    # fork: the workers start with everything loaded (the Markdown instance and the code's
    # lexers made here, once, rather than in each); the big files first, so none is left last.
    _READERS.markdown = _reader()
    warm_lexers('\n'.join(source.markdown for source in sources))
    order = sorted(range(len(sources)), key=lambda i: -len(sources[i].markdown))
    # A killed build takes its workers with it (they would wait for work for ever).
    with limits.working_on(*(source.path for source in sources)):
        return _convert_in_workers(sources, order, workers, convert)


def _convert_in_workers(sources: list[SourceFile], order: list[int], workers: int,
                        convert: Callable[[SourceFile], dict[str, Any]]) -> list[dict[str, Any]]:
    pool = concurrent.futures.ProcessPoolExecutor(min(workers, len(sources)),
                                                  mp_context=multiprocessing.get_context('fork'),
                                                  initializer=_worker_starts)
    done: dict[int, dict[str, Any]] = {}
    try:
        pending = {pool.submit(convert, sources[i]): i for i in order}
        while pending:
            # The files still being converted are the ones a stopped build names.
            with limits.working_on(*(sources[i].path for i in sorted(pending.values()))):
                finished, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:  # a worker's MemoryError is raised here
                    done[pending.pop(future)] = future.result()
    except BaseException:  # out of time, Ctrl-C, a worker's error: the others are not waited for
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [done[i] for i in range(len(sources))]


def _worker_starts() -> None:
    """A conversion worker dies with the build, and prints no traceback of its own: a worker that
    fails outside a conversion (MemoryError at the build's memory bound, while it reads its next
    file) is reported by the build, which then finds its pool broken; multiprocessing would also
    print the worker's traceback to the terminal. Only ``sys.stderr`` is silenced: the build's
    log handlers keep the stream they were given, so the worker's log lines still show."""
    limits.die_with_parent()
    sys.stderr = open(os.devnull, 'w', encoding='utf-8')  # noqa: SIM115 (for the worker's life)


def _kill_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    processes = getattr(pool, '_processes', None) or {}  # the executor has no public way (3.14 has)
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.kill()


def _converted_json(source: SourceFile, typography: Typography) -> dict[str, Any]:
    with limits.working_on(source.path):
        return to_json(set_type(convert_file(source), typography))


def to_json(converted: Converted) -> dict[str, Any]:
    """The conversion as JSON values: XHTML strings and diagnostics."""
    return {
        'body': etree.tostring(converted.body, encoding='unicode'),
        'notes': None if converted.notes is None else etree.tostring(converted.notes, encoding='unicode'),
        'problems': [[p.code, p.message, None if p.path is None else str(p.path), p.line]
                     for p in converted.problems],
        'headings': list(converted.headings),
    }


def from_json(source: SourceFile, value: Any) -> Converted | None:
    """The conversion :func:`to_json` made, with fresh trees; None if ``value`` is not one."""
    try:
        body = etree.fromstring(value['body'], _PARSER)
        notes = None if value['notes'] is None else etree.fromstring(value['notes'], _PARSER)
        problems = tuple(codes.ALL[code](str(message), None if path is None else Path(path),
                                         None if line is None else int(line))
                         for code, message, path, line in value['problems'])
        headings = tuple(str(text) for text in value['headings'])
    except (etree.XMLSyntaxError, KeyError, TypeError, ValueError):
        return None
    if body.tag != f'{{{XHTML_NS}}}body' or len(headings) != len(typed_headings(body)):
        return None
    return Converted(source, body, notes, problems, headings)


def to_xhtml(markup: str) -> etree._Element:
    """Parse Markdown's output (which may hold raw HTML) into a namespaced XHTML <body>.

    The HTML parser accepts what authors paste (unclosed tags, named entities);
    copying into a fresh XHTML tree drops what XML cannot hold.
    """
    document = html.document_fromstring(f'<html><body>{markup}</body></html>')
    html_body = document.find('body')
    body = xhtml.element('body')
    if html_body is None:
        return body
    body.text = xml_text(html_body.text)
    for child in html_body:
        _copy_into(child, body)
    return body


def _copy_into(source: etree._Element, parent: etree._Element) -> None:
    if not isinstance(source.tag, str):  # comments and processing instructions
        # lxml-stubs type every .tag as str; a comment's or a PI's is a function.
        if len(parent):  # type: ignore[unreachable]
            parent[-1].tail = (parent[-1].tail or '') + (xml_text(source.tail) or '')
        else:
            parent.text = (parent.text or '') + (xml_text(source.tail) or '')
        return
    element = etree.SubElement(parent, f'{{{XHTML_NS}}}{source.tag.lower()}')
    for name, value in source.attrib.items():
        qualified = _attribute_name(str(name))
        if qualified is not None:
            element.set(qualified, xml_text(str(value)) or '')
    element.text = xml_text(source.text)
    element.tail = xml_text(source.tail)
    for child in source:
        _copy_into(child, element)


def _attribute_name(name: str) -> str | None:
    if name.startswith('epub:'):
        return f'{{{EPUB_NS}}}{name[5:]}'
    if name in ('xml:lang', 'lang'):
        return name if name == 'lang' else f'{{{XML_NS}}}lang'
    if _NAME.fullmatch(name):
        return name
    return None
