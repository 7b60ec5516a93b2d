"""The book's metadata, validated into :class:`~makebook.model.Metadata`.

Metadata keys are pandoc's (``title``, ``subtitle``, ``author``, ``lang``,
``date``, ``publisher``, ``rights``, ``description``, ``subject``,
``identifier``, ``cover-image``) plus make-book's own (``trim-size``,
``series``, ``isbn``, ``dir``, ``footnote-numbering``, the stylesheets and the
print settings). Every problem is collected and reported together, with the
line of the key; the command line's print overrides are merged in here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.codes import Code
from makebook.config.cover import find_cover
from makebook.config.dates import iso_date
from makebook.config.fonts import read_fonts
from makebook.config.isbn import hyphenated, parse_isbn
from makebook.config.keys import unknown_book_keys
from makebook.config.labels import labels_for, read_labels
from makebook.config.language import direction_of, is_language_tag, source_language
from makebook.config.print_settings import read_print_settings
from makebook.config.settings import print_keys, read_settings
from makebook.config.stylesheets import read_stylesheets
from makebook.config.trim import TRIM_PRESETS, parse_trim
from makebook.config.typography import conventions_for, read_quotes, typeset_text
from makebook.errors import Diagnostic, Severity, clip
from makebook.model import DEFAULT_TRIM, Author, BuildSettings, Metadata, PrintOverrides
from makebook.safety.xmlchars import illegal_character

# Fixed namespace so the derived identifier is the same on every build.
_IDENTIFIER_NAMESPACE = uuid.UUID('6f1c3a52-7a64-4c1e-9a34-2f3b1c0d9e11')


class _MetadataReader:
    """Validates one metadata mapping, collecting diagnostics as it goes."""

    def __init__(self, data: Mapping[str, Any], lines: Mapping[str, int], path: Path | None,
                 key_paths: Mapping[str, Path] | None = None):
        self.data = data
        self.lines = lines
        self.path = path
        self.key_paths = key_paths or {}
        self.problems: list[Diagnostic] = []

    def complain(self, key: str, message: str, code: Code = codes.WRONG_TYPE) -> None:
        self.problems.append(code(f"metadata '{key}': {message}", self.key_paths.get(key, self.path),
                                  self.lines.get(key)))

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.complain(key, f'expected text, got {_describe(value)}')
            return None
        if not isinstance(value, str):
            self.complain(key, f'expected text, got the number {clip(value)}')
            return None
        value = ' '.join(value.split())
        return self.xml_safe(key, value) or None

    def xml_safe(self, key: str, value: str) -> str | None:
        """``value`` if XML can hold it; it goes into the OPF, the nav and every page."""
        bad = illegal_character(value)
        if bad is not None:
            self.complain(key, f'contains the character {bad}, which no book format can hold',
                          codes.UNHOLDABLE_CHARACTER)
            return None
        return value

    def choice(self, key: str, allowed: tuple[str, ...], complaint: str) -> str | None:
        """The lower-cased value of ``key`` if it is one of ``allowed``; else complain."""
        value = self.text(key)
        if value is None:
            return None
        if value.lower() not in allowed:
            self.complain(key, f"'{clip(value)}' {complaint}", codes.NOT_A_CHOICE)
            return None
        return value.lower()

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if not isinstance(item, str) or not item.strip():
                self.complain(key, f'expected text or a list of text, got {_describe(item)}')
                continue
            safe = self.xml_safe(key, ' '.join(item.split()))
            if safe:
                out.append(safe)
        return tuple(out)

    def authors(self) -> tuple[Author, ...]:
        value = self.data.get('author')
        if value is None:
            self.complain('author', 'no author given; using "Anonymous"', codes.NO_AUTHOR)
            return (Author('Anonymous'),)
        items = value if isinstance(value, list) else [value]
        authors = []
        for item in items:
            parts = item.values() if isinstance(item, Mapping) else [item]
            if not self.xml_safe('author', ' '.join(str(part) for part in parts)):
                continue
            if isinstance(item, str) and item.strip():
                authors.append(Author(' '.join(item.split())))
            elif isinstance(item, Mapping) and isinstance(item.get('name'), str):
                role = item.get('role', 'aut')
                file_as = item.get('file-as')
                if not isinstance(role, str) or (file_as is not None and not isinstance(file_as, str)):
                    self.complain('author', 'role and file-as must be text')
                    continue
                authors.append(Author(' '.join(item['name'].split()), _role(role), file_as))
            else:
                self.complain('author', f'expected a name or a list of names, got {_describe(item)}')
        return tuple(authors) or (Author('Anonymous'),)


_ROLES = {'author': 'aut', 'editor': 'edt', 'translator': 'trl', 'illustrator': 'ill'}


def _role(role: str) -> str:
    return _ROLES.get(role.strip().lower(), role.strip().lower())


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f'the boolean {str(value).lower()}'
    if isinstance(value, int | float):
        return f'the number {clip(value)}'
    if isinstance(value, list):
        return 'a list'
    if isinstance(value, Mapping):
        return 'a mapping'
    return type(value).__name__


def from_pandoc(data: Mapping[str, Any], lines: Mapping[str, int],
                key_paths: Mapping[str, Path]) -> tuple[dict[str, Any], dict[str, int], dict[str, Path]]:
    """Pandoc's other ways of writing the same metadata, read as make-book's keys.

    Pandoc's EPUB writer takes structured lists (``title: [{type: main, text: ...}]``,
    ``creator: [{role: author, text: ...}]``, ``identifier: [{scheme: ISBN, text: ...}]``),
    ``creator``/``contributor`` for authors, ``abstract`` for the description and
    ``language`` for ``lang``; Quarto's ``license`` is the rights. A key make-book names
    itself wins over pandoc's name for it.
    """
    out, out_lines, out_paths = dict(data), dict(lines), dict(key_paths)

    def locate(old: str, new: str) -> None:
        """``new`` is reported at the file and line where ``old`` was written."""
        if old in out_lines:
            out_lines[new] = out_lines[old]
        if old in out_paths:
            out_paths[new] = out_paths[old]

    def move(old: str, new: str, value: Any) -> None:
        """``value`` under ``new`` (unless the author gave ``new`` too), found at ``old``'s line."""
        if old != new:
            out.pop(old, None)
            if new in data:
                return
            locate(old, new)
        out[new] = value

    title = data.get('title')
    if isinstance(title, list) and all(isinstance(t, Mapping) for t in title):
        parts = {str(t.get('type', 'main')).lower(): t.get('text') for t in title}
        if isinstance(parts.get('subtitle'), str) and 'subtitle' not in data:
            out['subtitle'] = parts['subtitle']
            locate('title', 'subtitle')
        move('title', 'title', parts.get('main', title[0].get('text')))
    people = []
    for key in ('creator', 'contributor'):
        value = data.get(key)
        for item in value if isinstance(value, list) else [value] if value is not None else []:
            if isinstance(item, Mapping) and isinstance(item.get('text'), str):
                role = item.get('role', 'author' if key == 'creator' else 'ctb')
                person: dict[str, Any] = {'name': item['text'], 'role': str(role)}
                if isinstance(item.get('file-as'), str):
                    person['file-as'] = item['file-as']
                people.append(person)
            elif isinstance(item, str):
                people.append({'name': item, 'role': 'author' if key == 'creator' else 'ctb'})
        if key in data:
            move(key, 'author', people)
    identifier = data.get('identifier')
    if isinstance(identifier, list) and all(isinstance(i, Mapping) for i in identifier):
        isbn = next((i.get('text') for i in identifier if str(i.get('scheme', '')).upper() == 'ISBN'), None)
        if isinstance(isbn, str):
            move('identifier', 'isbn', isbn)
        else:
            move('identifier', 'identifier', identifier[0].get('text'))
    for old, new in (('abstract', 'description'), ('language', 'lang'), ('license', 'rights')):
        if old in data:
            move(old, new, data[old])
    date = data.get('date')
    if isinstance(date, int) and not isinstance(date, bool):
        out['date'] = str(date)  # 'date: 2026', a year
    return out, out_lines, out_paths


def build_metadata(
    data: Mapping[str, Any],
    lines: Mapping[str, int],
    path: Path | None,
    modified: dt.datetime,
    key_paths: Mapping[str, Path] | None = None,
    overrides: PrintOverrides | None = None,
    title_hint: str | None = None,
    title_required: bool = True,
    fallback_title: tuple[str, str] | None = None,
) -> tuple[Metadata | None, list[Diagnostic]]:
    """Validate a metadata mapping; returns the metadata (if usable) and every problem.

    ``key_paths`` names the file a key was read from when it is not ``path``
    (metadata.yaml beside a first file's YAML block), so messages point at it;
    ``overrides`` are the command line's print settings, which win over the keys.
    ``title_hint`` says why the book has no title, when the reader knows;
    ``title_required`` is False when a metadata file could not be read (saying
    "no title" then would only mislead). A book with no title is called by
    ``fallback_title`` (the title, and where it comes from), with a warning.
    """
    data, lines, key_paths = from_pandoc(data, lines, key_paths or {})
    moved = print_keys(data)  # print settings under make-book: win over the top-level keys
    if moved:
        data = {**data, **moved}
        lines = {**lines, **{key: lines['make-book'] for key in moved if 'make-book' in lines}}
    reader = _MetadataReader(data, lines, path, key_paths)
    for key, message in unknown_book_keys(data):
        reader.complain(key, message, codes.UNKNOWN_KEY)
    title = reader.text('title')
    if title is None and not title_required:
        return None, reader.problems
    if title is None and not any(p.message.startswith("metadata 'title'") for p in reader.problems):
        name, origin = fallback_title or ('Untitled', 'for want of any other')
        why = title_hint or "add 'title:' to metadata.yaml or to the YAML block of the first file"
        reader.problems.append(codes.NO_TITLE(
            f"metadata: no 'title' for the book ({why}); it is called '{name}', {origin}", path))
        title = name
    language = reader.text('lang')
    if language is None:
        reader.complain('lang', "no language given; using 'en' (set 'lang:' so readers "
                        'hyphenate and speak the book correctly)', codes.NO_LANGUAGE)
        language = 'en'
    elif not is_language_tag(language):
        reader.complain('lang', f"'{clip(language)}' is not a BCP 47 language tag (like en, en-GB, fr-CA)",
                        codes.BAD_LANGUAGE)
    authors = reader.authors()
    trim = DEFAULT_TRIM
    if 'trim-size' in data:
        parsed = parse_trim(data['trim-size'])
        if parsed is None:
            reader.complain('trim-size', f"'{clip(data['trim-size'])}' is not a trim size; use one of "
                            f'{", ".join(TRIM_PRESETS)} or WIDTH x HEIGHT such as 5.5in x 8.5in',
                            codes.BAD_TRIM)
        else:
            trim = parsed
    fields = {key: reader.text(key) for key in
              ('subtitle', 'date', 'publisher', 'rights', 'description', 'identifier', 'cover-image')}
    written_date = fields['date']
    if written_date is not None:
        fields['date'] = iso_date(written_date)
        if fields['date'] is None:
            reader.complain('date', f"'{clip(data['date'])}' is not a date; write it as 2026, 2026-11 or "
                            '2026-11-28 (ISO 8601)', codes.BAD_DATE)
    subjects = reader.text_list('subject')
    print_settings = read_print_settings(data, reader.complain, overrides)
    labels = labels_for(language, read_labels(data.get('labels'), reader.complain))
    quotes = read_quotes(data.get('quotes'))
    if quotes is None and data.get('quotes') is not None:
        reader.complain('quotes', f"expected two or four quotation marks such as '»«›‹', got "
                        f"{data['quotes']!r}")
    if 'chapter-label' not in data:  # the language's "Chapter {n}" ('Chapitre {n}'...)
        print_settings = dataclasses.replace(print_settings, chapter_label=labels.words['chapter'])
    allow_remote = data.get('allow-remote', False)
    if not isinstance(allow_remote, bool):
        reader.complain('allow-remote', f'expected true or false, got {_describe(allow_remote)}')
    extra = _more_metadata(reader, fields, path)
    fonts_file = reader.key_paths.get('fonts', path)  # font paths are relative to their file
    fonts = read_fonts(data.get('fonts'), fonts_file.parent if fonts_file is not None else None,
                       reader.complain)
    template = reader.text('chapter-title-template')
    if template is not None and '{n}' not in template:
        reader.complain('chapter-title-template', f"'{template}' has no '{{n}}' for the chapter's number "
                        "(write, say, 'Chapter {n}')", codes.NOT_A_CHOICE)
    if title is None or any(p.severity is Severity.ERROR for p in reader.problems):
        return None, reader.problems
    original = _original_language(reader)
    identifier = fields['identifier'] or (f"urn:isbn:{extra['isbn']}" if extra['isbn'] else None) \
        or _derived_identifier(title, authors)
    # The display strings follow the language's spacing (a French title's ' ?' cannot break).
    conventions = conventions_for(language, quotes)
    written_title, title = title, typeset_text(title, conventions)
    fields = {key: typeset_text(value, conventions) if value and key in ('subtitle', 'rights') else value
              for key, value in fields.items()}
    texts: dict[str, Any] = {name: typeset_text(getattr(print_settings, name), conventions)
                             for name in ('dedication', 'epigraph', 'epigraph_source')
                             if getattr(print_settings, name)}
    print_settings = dataclasses.replace(print_settings, **texts)
    metadata = Metadata(
        title=title,
        language=language,
        identifier=identifier,
        authors=authors,
        modified=modified,
        subtitle=fields['subtitle'],
        date=fields['date'],
        publisher=fields['publisher'],
        rights=fields['rights'],
        description=fields['description'],
        subjects=subjects,
        cover_image=fields['cover-image'],
        trim=trim,
        print_settings=print_settings,
        allow_remote=allow_remote is True,
        series=extra['series'],
        series_index=extra['series_index'],
        isbn=extra['isbn'],
        direction=extra['direction'] or direction_of(language),
        footnote_numbering=extra['footnote_numbering'],
        cover_path=extra['cover_path'],
        stylesheets=extra['stylesheets'],
        labels=labels,
        chapter_title_template=template,
        quotes=quotes,
        written_title=written_title,
        fonts=fonts,
        original_language=original,
        short_title=reader.text('short-title'),
        original_language_name=source_language(original, language) if original else None,
        isbn_printed=hyphenated(extra['isbn']) if extra['isbn'] else None,
    )
    return metadata, reader.problems


def build_settings(data: Mapping[str, Any], lines: Mapping[str, int], path: Path | None,
                   project: Path, key_paths: Mapping[str, Path] | None = None,
                   ) -> tuple[BuildSettings, list[Diagnostic]]:
    """The metadata's ``make-book:`` settings (config/settings.py) and their problems, reported
    at the key's file and line like the rest of the metadata."""
    reader = _MetadataReader(data, lines, path, key_paths)
    return read_settings(data, project, reader.complain), reader.problems


def _original_language(reader: _MetadataReader) -> str | None:
    """'original-language': the tag of the language the book was translated from (title page)."""
    tag = reader.text('original-language')
    if tag is not None and not is_language_tag(tag):
        reader.complain('original-language', f"'{tag}' is not a BCP 47 language tag (like sv, de, "
                        'pt-BR)', codes.BAD_LANGUAGE)
        return None
    return tag


def _more_metadata(reader: _MetadataReader, fields: Mapping[str, str | None],
                   path: Path | None) -> dict[str, Any]:
    """Series, ISBN, text direction, footnote numbering and the cover file, validated."""
    out: dict[str, Any] = {'series': None, 'series_index': None, 'isbn': None, 'direction': None,
                           'footnote_numbering': 'chapter', 'cover_path': None}
    series = reader.data.get('series')
    if isinstance(series, Mapping):
        out['series'] = series.get('name') if isinstance(series.get('name'), str) else None
        if out['series'] is None:
            reader.complain('series', "a series mapping needs 'name:' (and may have 'index:')",
                            codes.BAD_SERIES)
        index = series.get('index')
    else:
        out['series'] = reader.text('series')
        index = reader.data.get('series-index')
    if index is not None:
        if isinstance(index, bool) or not isinstance(index, int | float | str) \
                or not re.fullmatch(r'[0-9]{1,9}(\.[0-9]{1,9})?', clip(index, 40)):
            reader.complain('series-index' if 'series-index' in reader.data else 'series',
                            f'the series index must be a number like 2 or 2.5, not {clip(index)}',
                            codes.BAD_SERIES)
        else:
            out['series_index'] = str(index)
    for key in ('isbn', 'identifier'):
        value = reader.text(key) if key == 'isbn' else fields['identifier']
        if value is None or (key == 'identifier' and not value.lower().startswith('urn:isbn:')):
            continue
        try:
            digits = parse_isbn(value)
        except ValueError as exc:
            reader.complain(key, str(exc), codes.BAD_ISBN)
            continue
        out['isbn'] = out['isbn'] or digits
    direction = reader.choice('dir', ('ltr', 'rtl'), 'is not a text direction; use rtl or ltr')
    if direction is not None:
        out['direction'] = direction
    numbering = reader.choice('footnote-numbering', ('chapter', 'book'), 'is not one of: chapter, book')
    if numbering is not None:
        out['footnote_numbering'] = numbering
    out['stylesheets'], sheet_problems = read_stylesheets(
        reader.data, path.parent if path is not None else None, reader.complain)
    reader.problems.extend(sheet_problems)
    if fields['cover-image'] and path is not None:
        found = find_cover(path.parent, fields['cover-image'])
        if isinstance(found, str):
            reader.complain('cover-image', found, codes.BAD_COVER)
        else:
            out['cover_path'] = found
    return out


def _derived_identifier(title: str, authors: tuple[Author, ...]) -> str:
    """A urn:uuid that depends only on title and authors: stable across builds."""
    key = '\n'.join([title, *(a.name for a in authors)])
    return f'urn:uuid:{uuid.uuid5(_IDENTIFIER_NAMESPACE, key)}'
