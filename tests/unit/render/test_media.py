"""Audio and video a book cannot play, mdBook's <Listing>, and figures as other tools' books write them."""

from __future__ import annotations

from lxml import etree

from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS


def section(write_book, text: str, lang: str = 'en'):
    book = render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nauthor: A\nlang: {lang}\n---\n# One\n\n{text}\n'})))
    return book, etree.fromstring(book.chapters[0].body)


def test_audio_and_video_become_a_note_naming_them_not_their_fallback_text(write_book) -> None:
    text = ('```{=html}\n<p>\n<audio controls>\n  <source src="audio/chapter-01.mp3" type="audio/mpeg">\n'
            '  Your browser does not support the audio element.\n</audio>\n</p>\n```\n\n'
            '<video src="film.webm" title="The launch">Get a better browser.</video>\n')
    book, chapter = section(write_book, text)
    notes = [n.text for n in chapter.iterfind('.//x:span[@class]', NS) if 'media-note' in n.get('class')]
    assert notes == ['Audio: chapter-01.mp3', 'Video: The launch']
    assert 'browser' not in ''.join(chapter.itertext())
    assert [(d.code, d.line) for d in book.diagnostics] == [('MB310', 10), ('MB310', 17)]
    _, french = section(write_book, text, 'fr')
    assert french.find('.//x:span', NS).text == 'Audio\u00a0: chapter-01.mp3'


def test_an_mdbook_listing_keeps_its_number_caption_and_file(write_book) -> None:
    text = ('<Listing number="2-1" file-name="src/main.rs" caption="Code that reads a guess">\n\n'
            '```rust\nfn main() {}\n```\n\n</Listing>\n\nSee Listing 2-1.\n')
    book, chapter = section(write_book, text)
    assert book.diagnostics == ()
    figure = chapter.find('x:figure', NS)
    assert figure.get('class') == 'listing'
    assert ' '.join(''.join(figure.find('x:figcaption', NS).itertext()).split()) == \
        'Listing 2-1: Code that reads a guess src/main.rs'
    assert figure.find('.//x:pre', NS) is not None and chapter.find('x:p/x:figure', NS) is None


def test_a_listing_caption_keeps_its_code_and_emphasis(write_book) -> None:
    # The Rust book's captions are Markdown: 265 hold code such as `Mutex<T>`, which used to
    # cut the caption at its '>' and leave '<T>' to be removed as raw HTML.
    text = ('<Listing number="16-12" file-name="src/main.rs" caption="Exploring the API of `Mutex<T>` '
            'in *Cargo.toml* &amp; more">\n\n```rust\nfn main() {}\n```\n\n</Listing>\n')
    book, chapter = section(write_book, text)
    assert book.diagnostics == ()
    caption = chapter.find('x:figure/x:figcaption', NS)
    assert ' '.join(''.join(caption.itertext()).split()) == \
        'Listing 16-12: Exploring the API of Mutex<T> in Cargo.toml & more src/main.rs'
    assert [c.text for c in caption.iterfind('x:code', NS)] == ['Mutex<T>', 'src/main.rs']
    assert caption.find('x:em', NS).text == 'Cargo.toml'


def test_a_figure_spaced_with_breaks_after_its_caption_keeps_the_caption(write_book) -> None:
    # You Don't Know JS (a GitHub-rendered book) closes each figure with '<br><br>' after its caption.
    text = ('<figure>\n    <img src="a.png" width="650" alt="Compiled and interpreted">\n'
            '    <figcaption><em>Fig. 1: Compiled vs. Interpreted Code</em></figcaption>\n'
            '    <br><br>\n</figure>\n')
    book, chapter = section(write_book, text)
    assert 'MB309' not in [d.code for d in book.diagnostics]
    figure = chapter.find('x:figure', NS)
    assert [etree.QName(c).localname for c in figure] == ['img', 'figcaption']
    assert figure.find('x:figcaption/x:em', NS).text == 'Fig. 1: Compiled vs. Interpreted Code'
