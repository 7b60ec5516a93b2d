"""Audio and video a book cannot play, and mdBook's ``<Listing>``: kept as what they say.

* ``<audio>`` and ``<video>`` cannot play in an EPUB reader that has no media
  overlay support, nor on paper, and the sanitiser removes them; what used to
  remain was their fallback text ("Your browser does not support the audio
  element"), at the top of every chapter of one book. Each becomes a short
  note naming it by its title (or the file it plays), with a warning at its
  line: ``<span class="media-note media-audio">chapter-01.mp3</span>``; the
  renderer puts the word for it in the book's language before the name.
* mdbook-trpl's ``<Listing number="2-1" file-name="src/main.rs" caption="...">``
  (the Rust book and its translations) wraps a code listing; the sanitiser
  would drop the element, and with it the caption and file name the text refers
  to ("see Listing 2-1"). It becomes a ``<figure class="listing">`` whose
  caption says "Listing 2-1: caption" and names the file. Its caption is Markdown
  (```Mutex<T>``` in 265 of the Rust book's): the opening line is swapped for a
  numbered placeholder before Markdown reads the file (:func:`hide_listings`), so the
  caption reaches :func:`listings` whole, where its code spans and emphasis are set.

Both work on Markdown's HTML output, before the sanitiser sees it.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from lxml import etree

from makebook.model import XHTML_NS, Labels

_MEDIA = re.compile(r'<(?P<tag>audio|video)\b(?P<attrs>[^>]*)>(?P<inner>.*?)</(?P=tag)\s*>',
                    re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r'''([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))''')
_SOURCE = re.compile(r'<source\b([^>]*)>', re.IGNORECASE)
# Python-Markdown does not know <Listing> as a block: it sits alone in a paragraph.
_LISTING_OPEN = re.compile(r'(?:<p>\s*)?<Listing\b(?P<attrs>[^>]*)>(?:\s*</p>)?', re.IGNORECASE)
_LISTING_CLOSE = re.compile(r'(?:<p>\s*)?</Listing\s*>(?:\s*</p>)?', re.IGNORECASE)
# An opening <Listing> line as the author wrote it, before Markdown sets its caption's `code`.
_LISTING_LINE = re.compile(r'^(?P<indent>[ ]{0,3})<Listing\b(?P<attrs>[^\n]*?)>[ \t]*$',
                           re.IGNORECASE | re.MULTILINE)
_PLACEHOLDER = re.compile(r'\bdata-makebook-listing="(\d+)"')
# A caption's inline Markdown: code spans, then *emphasis* / _emphasis_ outside them.
_CODE_SPAN = re.compile(r'(`+)(.+?)\1')
_EMPHASIS = re.compile(r'(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])')


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None))
            for m in _ATTRIBUTE.finditer(text)}


def media_notes(markup: str, report: Callable[[str, str], None]) -> str:
    """``markup`` with each <audio> and <video> replaced by a note naming it; ``report(message,
    needle)`` is told of each, the needle finding its line."""
    def replace(match: re.Match[str]) -> str:
        tag = match.group('tag').lower()
        attributes = _attributes(match.group('attrs'))
        sources = [_attributes(m.group(1)).get('src', '') for m in _SOURCE.finditer(match.group('inner'))]
        address = attributes.get('src') or next((s for s in sources if s), '')
        name = attributes.get('title') or attributes.get('aria-label') or _file_name(address) or tag
        report(f'raw HTML: <{tag}> cannot play in a book; a note names it ({name}) in its place, '
               'without its fallback text', f'<{match.group("tag")}')
        return f'<span class="media-note media-{tag}">{html.escape(name)}</span>'
    return _MEDIA.sub(replace, markup) if '<audio' in markup.lower() or '<video' in markup.lower() else markup


def _file_name(address: str) -> str:
    return posixpath.basename(unquote(urlsplit(address).path)) if address else ''


def hide_listings(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` with each opening <Listing> line's attributes swapped for a numbered
    placeholder (the line stays where it was, so lines still count), and the attributes."""
    found: list[str] = []

    def hide(match: re.Match[str]) -> str:
        found.append(match.group('attrs'))
        return f'{match.group("indent")}<Listing data-makebook-listing="{len(found) - 1}">'
    return (_LISTING_LINE.sub(hide, text), tuple(found)) if '<listing' in text.lower() else (text, ())


def _caption_markup(caption: str) -> str:
    """A caption's inline Markdown (code spans, emphasis) as escaped XHTML."""
    parts = []
    for index, piece in enumerate(_CODE_SPAN.split(caption)):
        if index % 3 == 2:
            parts.append(f'<code>{html.escape(piece.strip() or piece)}</code>')
        elif index % 3 == 0:
            parts.append(_EMPHASIS.sub(r'<em>\2</em>', html.escape(piece, quote=False)))
    return ''.join(parts)


def listings(markup: str, hidden: tuple[str, ...] = ()) -> str:
    """mdbook-trpl's <Listing> as a figure: "Listing N: caption", with the file it shows;
    ``hidden``: the attributes :func:`hide_listings` took out of the text."""
    if '<listing' not in markup.lower():
        return markup

    def opening(match: re.Match[str]) -> str:
        placeholder = _PLACEHOLDER.search(match.group('attrs'))
        attributes = _attributes(hidden[int(placeholder.group(1))] if placeholder else match.group('attrs'))
        parts = []
        number = attributes.get('number')
        caption = attributes.get('caption', '')
        label = f'Listing {number}' if number else 'Listing'
        parts.append(f'<span class="listing-label">{html.escape(label)}</span>'
                     + (f': {_caption_markup(caption)}' if caption else ''))
        if attributes.get('file-name'):
            parts.append(f' <code class="listing-file">{html.escape(attributes["file-name"])}</code>')
        return f'<figure class="listing"><figcaption>{"".join(parts)}</figcaption>'
    return _LISTING_CLOSE.sub('</figure>', _LISTING_OPEN.sub(opening, markup))


def label_media_notes(section: etree._Element, labels: Labels) -> None:
    """Put the word for each note's medium, in the book's language, before its name."""
    for note in section.iter(f'{{{XHTML_NS}}}span'):
        classes = (note.get('class') or '').split()
        if 'media-note' in classes:
            kind = 'video' if 'media-video' in classes else 'audio'
            note.text = labels(f'{kind}-note', name=note.text or '')
