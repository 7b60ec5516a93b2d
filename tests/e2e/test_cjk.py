"""A Chinese book with a Japanese chapter (tests/books/cjk), built unedited: the PDF sets its
text in Noto Sans CJK SC made for the book (theme/cjk.py), embedded, and the text comes
back out of it; the EPUB and the web edition carry the same face and its licence."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.tools import Epub

PARAGRAPHS = ('夜里，海面很平静。灯塔的光一圈一圈地扫过水面，远处的渔船亮着小小的灯。',
              '拝啓、お元気ですか。こちらは毎晩、灯台の光が海を照らしています。',
              '海鸥第二天又来了，还带着另一只。')


def pdffonts(pdf: Path) -> list[tuple[str, str, bool]]:
    """(font name without subset tag, type, embedded?) per pdffonts line."""
    assert shutil.which('pdffonts'), 'apt-get install poppler-utils'
    lines = subprocess.run(['pdffonts', str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [(line.split()[0].split('+')[-1], line[37:55].strip(), line.split()[-5] == 'yes')
            for line in lines]


def test_the_pdf_embeds_the_chinese_face_made_for_the_book(cjk_build: Path) -> None:
    fonts = pdffonts(cjk_build / 'book.pdf')
    assert all(embedded for _, _, embedded in fonts), fonts
    cjk = [(name, kind) for name, kind, _ in fonts if name.startswith('Noto-Sans-CJK')]
    assert cjk and all(name.startswith('Noto-Sans-CJK-SC') for name, _ in cjk), fonts
    assert all(kind.startswith('CID Type 0C') for _, kind in cjk), cjk  # CFF, not CFF2
    assert {name.split('-')[0] for name, _, _ in fonts} <= {'Noto', 'Source'}  # no system font


def test_the_chinese_and_japanese_text_comes_out_of_the_pdf(cjk_build: Path) -> None:
    text = subprocess.run(['pdftotext', str(cjk_build / 'book.pdf'), '-'], capture_output=True,
                          text=True, check=True).stdout
    joined = re.sub(r'\s+', '', text)  # lines break between any two characters: no spaces
    for paragraph in PARAGRAPHS:
        assert paragraph in joined, paragraph
    assert '灯塔日记' in joined and '灯台守の手紙' in joined


def test_the_epub_and_web_edition_carry_the_face_made_for_the_book(cjk_build: Path) -> None:
    epub = Epub(cjk_build / 'book.epub')
    fonts = [item.get('href') for item in epub.manifest().values()
             if item.get('media-type', '').startswith('font/')]
    assert any(href.startswith('fonts/NotoSansCJKsc-400-') for href in fonts), fonts
    assert list((cjk_build / 'html' / 'fonts').glob('NotoSansCJKsc-400-*.otf'))
    assert "'Noto Sans CJK SC'" in (cjk_build / 'html' / 'style.css').read_text(encoding='utf-8')


def test_a_space_between_chinese_and_latin_is_no_box(write_book, tmp_path, capsys) -> None:
    # Pango keeps the CJK face for the space after 和 (it looks no font up for a space): the
    # made face must have it, or WeasyPrint draws .notdef (a box in the bold heading).
    from tests.tools import make_book

    book = write_book({'book.md': '---\ntitle: 灯塔\nauthor: 林海\n---\n# 灯塔和 JavaScript 的关系\n\n'
                                  '一个常见的问题是，ECMAScript 和 JavaScript 到底是什么关系？\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'pdf')
    assert run.status == 0, run.err
    assert '.notdef' not in run.err
