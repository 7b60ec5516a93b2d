"""The language's conventions on the rendered text: every block, every language, never code."""

from __future__ import annotations

from lxml import etree

from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS

NB, THIN = '\u00a0', '\u202f'
MARKERS = '\ue0d1\ue0d2\ue0d3\ue0d4'


def shown(text: str) -> str:
    return text.replace(NB, '␣').replace(THIN, '⍽')


def render(write_book, files: dict[str, str]):
    book = render_book(read_manuscript(write_book(files)))
    return book, [etree.fromstring(chapter.body) for chapter in book.chapters]


def texts(tree: etree._Element, path: str) -> list[str]:
    return [shown(''.join(node.itertext())) for node in tree.iterfind(path, NS)]


FRENCH = {'01.md': '---\ntitle: "Qui a peur ?"\nauthor: A\nlang: fr\n---\n# Un "titre" : essai\n\n'
                   'Il dit "Bonjour!" puis: *quoi*? Voir `x: "y"?` et [un lien](#un-titre-essai)?[^n]\n\n'
                   '```\necho "Quoi ?" ; a: b!\n```\n\n'
                   'En anglais : [He said "hello"!]{lang=en}\n\n'
                   '[^n]: Une note "citée" : oui!\n'}


def test_french_text_gets_french_quotes_and_spaces_but_code_is_left_as_written(write_book) -> None:
    book, (chapter,) = render(write_book, FRENCH)
    assert shown(book.chapters[0].title) == 'Un «⍽titre⍽»␣: essai'  # no-break spaces kept in titles
    paragraph = texts(chapter, 'x:p')[0]
    assert paragraph.startswith('Il dit «⍽Bonjour⍽!⍽» puis␣: quoi⍽? Voir x: "y"? et un lien⍽?1')
    assert chapter.findtext('.//x:p/x:code', namespaces=NS) == 'x: "y"?'
    assert texts(chapter, './/x:pre')[0] == 'echo "Quoi ?" ; a: b!\n'
    assert texts(chapter, './/x:span[@lang="en"]') == ['He said “hello”!']  # English rules inside
    assert texts(chapter, './/x:aside/x:p')[0].endswith('Une note «⍽citée⍽»␣: oui⍽!')
    assert not any(marker in book.chapters[0].body for marker in MARKERS)


def test_the_metadata_and_front_matter_titles_are_set_and_the_file_names_kept(write_book) -> None:
    book, _ = render(write_book, {
        'metadata.yaml': "title: \"Le Phare : carnet d'un gardien\"\nauthor: A\nlang: fr\n",
        '01.md': '---\ntitle: Qui a peur ?\n---\nTexte.\n'})
    assert shown(book.metadata.title) == 'Le Phare␣: carnet d’un gardien'
    assert book.metadata.slug == 'le-phare-carnet-d-un-gardien'  # as before: named after the written title
    assert shown(book.chapters[0].title) == 'Qui a peur⍽?'


def test_a_chapter_s_language_comes_from_its_front_matter_or_its_heading(write_book) -> None:
    _, (german, spanish, french) = render(write_book, {
        '01.md': '---\ntitle: T\nauthor: A\nlang: fr\n---\n',
        '02.md': '---\nlang: de\n---\n# Winter\n\nEr sagte: "Wie geht\'s?"\n',
        '03.md': '# Invierno {lang=es}\n\n¿"Quién"? ¡"Yo"!\n',
        '04.md': '# Hiver\n\nIl dit: "oui".\n'})
    assert texts(german, 'x:p') == ['Er sagte: „Wie geht’s?“']
    assert spanish.get('lang') == 'es'  # the whole chapter, in every edition, not only its heading
    assert texts(spanish, 'x:p') == ['¿“Quién”? ¡“Yo”!']
    assert texts(french, 'x:p') == ['Il dit␣: «⍽oui⍽».']


def test_an_english_book_is_set_as_before(write_book) -> None:
    _, (chapter,) = render(write_book, {'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\n'
                                                 'He said "it\'s fine" -- and \'80s music... Really?\n'})
    assert texts(chapter, 'x:p') == ['He said “it’s fine” – and ’80s music… Really?']


def test_links_written_for_other_tools_find_headings_as_the_author_typed_them(write_book) -> None:
    """mdBook slugs "1. Début?" as '1-début' (Python-Markdown and pandoc drop the number); the
    French space make-book adds before '?' must not move it (render/ids.py reads the heading as
    typed)."""
    book, (first, _) = render(write_book, {
        '01.md': '---\ntitle: T\nauthor: A\nlang: fr\n---\n# Un\n\nVoir [la suite](02.md#1-début) '
                 'et [la citation](02.md#le-mot-été).\n',
        '02.md': '# Deux\n\n## 1. Début?\n\nTexte.\n\n## Le "mot" été\n\nTexte.\n'})
    assert [d for d in book.diagnostics if d.code.startswith('MB30')] == []
    hrefs = [a.get('href') for a in first.iterfind('.//x:a', NS)]
    assert len(hrefs) == 2 and all(href.startswith('#') and len(href) > 1 for href in hrefs), hrefs


def test_straight_quotes_spaced_as_guillemets_are_paired(write_book) -> None:
    """French typists often space straight quotes as they would guillemets; smarty reads each
    quote alone ('" Bonjour "' came out '» Bonjour »')."""
    _, (chapter,) = render(write_book, {'01.md': '---\ntitle: T\nauthor: A\nlang: fr\n---\n'
                                        'Il dit " Bonjour " et part.\n\n" Oui ", dit-il.\n\n'
                                        'Il a crié : " Non ! "\n'})
    assert texts(chapter, 'x:p') == ['Il dit «⍽Bonjour⍽» et part.', '«⍽Oui⍽», dit-il.',
                                     'Il a crié␣: «⍽Non⍽!⍽»']


def test_hebrew_acronyms_keep_their_gershayim_inside_quotations(write_book) -> None:
    _, (chapter,) = render(write_book, {'01.md': '---\ntitle: T\nauthor: A\nlang: he\n---\n'
                                        'אמר: "הוא גר בארה"ב" ושירת בצה"ל.\n'})
    assert texts(chapter, 'x:p') == ['אמר: ”הוא גר בארה״ב” ושירת בצה״ל.']
