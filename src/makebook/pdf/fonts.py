"""The book's faces in the print edition: @font-face rules, script rules, and a check of the
fonts really embedded in the finished PDF."""

from __future__ import annotations

import io
import re
from typing import Any

from makebook import codes
from makebook.errors import OutputError
from makebook.model import RenderedBook
from makebook.theme.faces import Face, font_face_css, script_faces


def font_face_rules(faces: tuple[Face, ...]) -> str:
    """@font-face rules pointing WeasyPrint at the font files themselves."""
    return font_face_css(faces, lambda _, font: font.path.resolve().as_uri())


def face_css(book: RenderedBook, faces: tuple[Face, ...]) -> str:
    """Print rules for right-to-left books and scripts without case or hyphenation dictionaries.

    WeasyPrint lays pages out right to left when the root's ``direction`` is
    rtl: the first page is then a left page, ``recto`` breaks go to left pages,
    and the ``:left``/``:right`` margins (gutter on the spine side) stay
    right, so the binding is on the right. The running heads follow: the book
    title on the verso, now the right-hand page.
    """
    rules = []
    if book.metadata.direction == 'rtl':
        rules.append(
            'html { direction: rtl; }\n'
            '@page :right { @top-center { content: string(book-title); } }\n'
            '@page :left { @top-center { content: string(chapter-title); } }\n'
            'h2, pre, .line-block, .copyright p, nav.toc a { text-align: right; }\n'
            '.epigraph-source { text-align: left; }\n')
    scripts = {face.script for face in faces}
    selectors = [f':lang({lang})' for face in script_faces() if face.script in scripts
                 for lang in sorted(face.languages)]
    if selectors:
        # pyphen has no Hebrew or Arabic dictionary; letter-spacing breaks Arabic joining.
        group = ', '.join(selectors)
        rules.append(f'{group} {{ hyphens: manual; }}\n'
                     + ', '.join(f'{s}, {s} *, {s} p::first-line' for s in selectors)
                     + ' { letter-spacing: 0; }\n')
    return ''.join(rules)


def check_fonts(pdf: bytes, families: list[str]) -> list[str]:
    """The fonts embedded in ``pdf``; raises if one is not from the requested families.

    WeasyPrint falls back silently to any system font for a glyph the book face
    lacks (or for a family it could not load), so the check reads the PDF itself.
    """
    return check_embedded(embedded_fonts(pdf), families)


def check_embedded(embedded: list[tuple[str, bool]], families: list[str]) -> list[str]:
    """The names of the ``embedded`` fonts (:func:`embedded_fonts`, :func:`document_fonts`);
    raises if one is not from the requested families, or is not embedded."""
    wanted = [_squash(family) for family in families]
    strangers = sorted({name for name, _ in embedded
                        if not any(_squash(name).startswith(w) for w in wanted)})
    unembedded = sorted({name for name, is_embedded in embedded if not is_embedded})
    if strangers:
        raise OutputError(f'PDF: text was set in {", ".join(strangers)} instead of '
                          f'{", ".join(families)} (a font file did not load, or the text uses a '
                          'character the book face lacks)', code=codes.PDF_STRANGE_FONT.id)
    if unembedded:
        raise OutputError(f'PDF: fonts not embedded: {", ".join(unembedded)}',
                          code=codes.PDF_UNEMBEDDED_FONT.id)
    return sorted({name for name, _ in embedded})


def embedded_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without its subset tag, embedded?) for every font the pages use."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get('/Resources')
        fonts = resources.get_object().get('/Font') if resources else None
        for font in (fonts.get_object().values() if fonts else ()):
            font = font.get_object()
            if '/DescendantFonts' in font:
                descriptor = font['/DescendantFonts'][0].get_object().get('/FontDescriptor')
            else:
                descriptor = font.get('/FontDescriptor')
            descriptor = descriptor.get_object() if descriptor is not None else {}
            is_embedded = any(key in descriptor for key in ('/FontFile', '/FontFile2', '/FontFile3'))
            found.append((str(font.get('/BaseFont', '')).lstrip('/').split('+')[-1], is_embedded))
    return found


def document_fonts(pdf: Any) -> list[tuple[str, bool]]:
    """What :func:`embedded_fonts` finds, read from WeasyPrint's PDF (a ``pydyf.PDF``) as it is
    about to be written (a ``write_pdf`` finisher sees it), not from the file read back: pypdf
    parses every object of the file for that, which cost a tenth of a long book's PDF time.
    WeasyPrint writes one font resource for all the pages, so every font object is a font the
    pages use; a composite font's descendant is read through its parent, as pypdf's walk does."""
    def resolved(value: Any) -> Any:
        reference = value.decode() if isinstance(value, bytes) else value
        if isinstance(reference, str) and re.fullmatch(r'\d+ \d+ R', reference):
            return pdf.objects[int(reference.split()[0])]
        return value

    found = []
    for font in pdf.objects:
        if (not isinstance(font, dict) or font.get('Type') != '/Font'
                or font.get('Subtype') in ('/CIDFontType0', '/CIDFontType2')):
            continue
        if 'DescendantFonts' in font:
            descriptor = resolved(resolved(font['DescendantFonts'][0]).get('FontDescriptor'))
        else:
            descriptor = resolved(font.get('FontDescriptor'))
        is_embedded = isinstance(descriptor, dict) and any(
            key in descriptor for key in ('FontFile', 'FontFile2', 'FontFile3'))
        name = font.get('BaseFont', '')
        name = name.decode() if isinstance(name, bytes) else str(name)
        found.append((name.lstrip('/').split('+')[-1], is_embedded))
    return found


def _squash(name: str) -> str:
    return re.sub(r'[^a-z0-9]', '', name.lower())
