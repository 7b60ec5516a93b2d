"""A French book, with a German and a Spanish chapter, read in all three editions as its
readers would: make-book's own words in French, each language's quotes and spaces, code as
written (tests/books/languages); an Arabic book's EPUB and web edition, right to left, one
label replaced by its metadata (tests/books/languages-ar). EPUBCheck and Ace run on both in
test_epub_features.py."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from tests.tools import NS, Epub, epub_documents, pdf_chars, pdf_pages_text

SLUG = 'le-phare-carnet-d-un-gardien'  # named after the title as written: "carnet d'un gardien"
NB, THIN = '\u00a0', '\u202f'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def shown(text: str) -> str:
    return text.replace(NB, '␣').replace(THIN, '⍽')


def folded(node: etree._Element) -> str:
    return shown(re.sub(r'[ \t\r\n]+', ' ', ''.join(node.itertext())).strip())


def test_the_epub_speaks_french_everywhere(languages_build: Path) -> None:
    epub = Epub(languages_build / f'{SLUG}.epub')
    nav = epub.item('nav.xhtml')
    assert nav.findtext('.//x:title', namespaces=NS) == 'Table des matières'
    assert nav.findtext('.//x:nav[@epub:type="toc"]/x:h1', namespaces=NS) == 'Table des matières'
    assert [a.text for a in nav.iterfind('.//x:nav[@epub:type="landmarks"]//x:a', NS)] == [
        'Couverture', 'Page de titre', 'Table des matières', 'Début du texte']
    assert nav.findtext('.//x:nav[@epub:type="landmarks"]/x:h2', namespaces=NS) == 'Repères'
    assert [r.get('title') for r in epub.opf.iterfind('.//opf:guide/opf:reference', NS)][:4] == [
        'Couverture', 'Page de titre', 'Copyright', 'Table des matières']
    copyright_page = [folded(p) for p in epub.item('copyright.xhtml').iterfind('.//x:p', NS)]
    assert 'Première publication en 2026' in copyright_page  # issue 15's words, in the same table
    assert 'Carnets de la côte, tome 2' in copyright_page
    assert 'Composé en Source Serif Pro et Source Code Pro (SIL Open Font License 1.1).' in copyright_page
    assert epub.item('titlepage.xhtml').findtext('.//x:p[@class="contributor"]', namespaces=NS) \
        == 'Traduit par Jonas Berg'
    assert epub.item('titlepage.xhtml').findtext('.//x:p[@class="subtitle"]', namespaces=NS) \
        == f'Qui veille la nuit{NB}?'  # U+202F where the book face has none: U+00A0
    summary = epub.opf.find('.//opf:meta[@property="schema:accessibilitySummary"]', NS)
    assert summary.text.startswith('Table des matières. Contient des titres')
    # Nothing is marked English but the font licence's own text.
    marked = {href: [n.tag for n in doc.iter() if n.get('lang') == 'en' and n.get(XML_LANG) == 'en']
              for href, doc in epub_documents(epub).items()}
    assert {href: set(tags) for href, tags in marked.items() if tags} == {
        'font-licence.xhtml': {f'{{{NS["x"]}}}pre'}}  # each face's licence


def test_each_chapter_is_set_in_its_own_language_and_code_as_written(languages_build: Path) -> None:
    epub = Epub(languages_build / f'{SLUG}.epub')
    french, german, spanish = epub.chapter_documents()
    paragraphs = [folded(p) for p in french.iterfind('.//x:p', NS)]
    assert paragraphs[0].startswith('Le gardien ouvrit le carnet et écrivit␣: «␣Tempête au large␣; '
                                    'aucun navire.␣» Puis il ajouta, pour lui-même␣: “demain, peut-être”. '
                                    'Qui viendra␣? Personne␣! Il était 22:30.')
    assert paragraphs[1] == '«␣Tu restes␣?␣» demanda sa femme. «␣Toujours␣», répondit-il.'
    assert french.findtext('.//x:p/x:code', namespaces=NS) == 'phare --allume "nuit"?'
    assert folded(french.find('.//x:pre', NS)) == 'echo "Quoi ?" ; phare: allume!'
    assert 'voir la figure 1 et la note␣?' in paragraphs[4]
    assert folded(french.find('.//x:figcaption', NS)) == 'Figure 1. Le phare vu du large'
    german_text = [folded(p) for p in german.iterfind('.//x:p', NS)]
    assert german_text[0] == ('Der Wärter sagte: „Das Licht brennt.“ Seine Frau fragte: „Und morgen? '
                              '‚Wer weiß‘, sagt der Fischer.“ Er lachte: „Wie geht’s dir?“')
    assert german_text[1] == 'Ein englischer Satz: She said “hello” to me.'
    section = spanish.find('.//x:section', NS)
    assert (section.get('lang'), section.get(XML_LANG)) == ('es', 'es')  # '# Invierno {lang=es}'
    assert folded(spanish.find('.//x:p', NS)) == '¿“Quién enciende la lámpara”? ¡“Yo”, dijo el farero! ' \
        'Y añadió: ‘siempre’.'


def test_the_web_edition_speaks_french(languages_build: Path) -> None:
    index = etree.parse(str(languages_build / 'html' / 'index.html'))
    assert index.findtext('.//x:nav[@id="contents"]/x:h2', namespaces=NS) == 'Table des matières'
    assert any(folded(p).startswith('«␣Tu restes␣?␣»') for p in index.iterfind('.//x:p', NS))


def test_the_pdf_speaks_french_and_keeps_question_marks_with_their_word(languages_build: Path) -> None:
    pdf = languages_build / f'{SLUG}.pdf'
    pages = [' '.join(text.split()) for text in pdf_pages_text(pdf)]
    assert any(page.startswith('Table des matières Hiver') for page in pages)
    assert any(page.startswith('CHAPITRE 1 Hiver') for page in pages)
    assert any(page.startswith('CHAPITRE 3 Invierno en la costa ¿“Quién') for page in pages)
    assert any('Traduit par Jonas Berg' in page for page in pages)
    assert any('voir la figure 1 et la note ?' in page for page in pages)  # print.css's words, in French
    # The space before '?' is the narrow one in print (the face lacks U+202F; HarfBuzz draws it):
    # under 0.15 em (a word space is about 0.25 em) and never stretched by justification, so
    # narrower than the word spaces of its line however tight the paragraph set it.
    chars_by_page, _ = pdf_chars(pdf)
    line = next(chars for chars in chars_by_page if 'viendra' in ''.join(c['text'] for c in chars))
    text = ''.join(c['text'] for c in line)
    start = text.index('Qui viendra')
    qui_end, viendra, a_end, mark = (line[start + 2], line[start + 4], line[start + 10],
                                     line[start + 11 + (text[start + 11] == ' ')])
    assert mark['text'] == '?'
    word_space, narrow = viendra['x0'] - qui_end['x1'], mark['x0'] - a_end['x1']
    assert 0 < narrow < 0.15 * mark['size']
    assert narrow < word_space


def test_an_arabic_book_speaks_arabic_right_to_left(languages_ar_build: Path) -> None:
    epub = Epub(languages_ar_build / 'book.epub')  # an Arabic title has no letter to name files after
    assert epub.opf.find('.//opf:spine', NS).get('page-progression-direction') == 'rtl'
    assert {href: doc.get('dir') for href, doc in epub_documents(epub).items()
            if doc.get('dir') != 'rtl'} == {}
    nav = epub.item('nav.xhtml')
    assert nav.findtext('.//x:nav[@epub:type="toc"]/x:h1', namespaces=NS) == 'الفهرس'  # 'labels:'
    assert nav.findtext('.//x:nav[@epub:type="landmarks"]/x:h2', namespaces=NS) == 'المعالم'
    assert [a.text for a in nav.iterfind('.//x:nav[@epub:type="landmarks"]//x:a', NS)] == [
        'الغلاف', 'صفحة العنوان', 'الفهرس', 'بداية النص']
    assert epub.item('cover.xhtml').find('.//x:img', NS).get('alt') == \
        'غلاف كتاب دفتر المنارة، تأليف سلمى الحداد وعمر يوسف'
    assert epub.item('titlepage.xhtml').findtext('.//x:p[@class="author"]', namespaces=NS) == \
        'سلمى الحداد وعمر يوسف'
    summary = epub.opf.find('.//opf:meta[@property="schema:accessibilitySummary"]', NS)
    assert summary.text.startswith('جدول محتويات يوفر الوصول إلى جميع فصول النص')


def test_an_arabic_book_s_text_takes_arabic_quotes_and_code_stays_as_written(
        languages_ar_build: Path) -> None:
    first, second = Epub(languages_ar_build / 'book.epub').chapter_documents()
    paragraphs = [folded(p) for p in first.iterfind('.//x:p', NS)]
    # A space typed before the closing quote, as an Arabic Markdown guide writes '"# عنوان "،'.
    assert paragraphs[0] == ('قالت سلمى: «البحر هادئ الليلة». وكتبت في الدفتر كما يكتب الدليل '
                             'مثاله: «# ريح خفيفة »، ثم نامت.')
    assert first.findtext('.//x:p/x:code', namespaces=NS) == 'echo "مرحبا"'
    assert folded(first.find('.//x:a[@href="#fig-manara"]', NS)) == 'الشكل 1'
    assert folded(first.find('.//x:figcaption', NS)) == 'شكل 1. المنارة من البحر'
    assert folded(second.find('.//x:p', NS)) == 'قال عمر: «غدًا تهب الريح ”من الشمال“».'
    index = etree.parse(str(languages_ar_build / 'html' / 'index.html')).getroot()
    assert (index.get('lang'), index.get('dir')) == ('ar', 'rtl')
    assert index.findtext('.//x:nav[@id="contents"]/x:h2', namespaces=NS) == 'الفهرس'
