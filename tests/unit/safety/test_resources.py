"""The one resolver: what a manuscript may name, and the WeasyPrint fetcher built on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from makebook.safety import resources
from makebook.safety.resources import Confinement, Refused


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / 'book'
    (root / 'images').mkdir(parents=True)
    (root / 'images' / 'a.png').write_bytes(b'png')
    (tmp_path / 'secret.txt').write_text('secret')
    (root / 'inside-link.png').symlink_to(root / 'images' / 'a.png')
    (root / 'outside-link.png').symlink_to(tmp_path / 'secret.txt')
    (root / 'images' / 'up').symlink_to(tmp_path)
    return root


def resolve(book: Path, reference: str, base: str = '') -> tuple[str, Path]:
    return resources.resolve(reference, base, Confinement.of([book]))


@pytest.mark.parametrize(('reference', 'base', 'relative'), [
    ('images/a.png', '', 'images/a.png'),
    ('a.png', 'images', 'images/a.png'),
    ('../images/a.png', 'chapters', 'images/a.png'),  # '..' that stays inside is fine
    ('images/./a.png?v=1#frag', '', 'images/a.png'),
    ('images/%61.png', '', 'images/a.png'),
    ('inside-link.png', '', 'inside-link.png'),
])
def test_relative_paths_inside_the_book_resolve(book: Path, reference: str, base: str, relative: str) -> None:
    assert resolve(book, reference, base) == (relative, (book / 'images' / 'a.png').resolve())


@pytest.mark.parametrize(('reference', 'reason'), [
    ('../secret.txt', "'..' leads outside"),
    ('images/../../secret.txt', "'..' leads outside"),
    ('..%2Fsecret.txt', "'..' leads outside"),
    ('/etc/passwd', 'absolute paths are refused'),
    ('C:\\Windows\\win.ini', 'absolute paths are refused'),
    ('images\\..\\..\\secret.txt', "use '/'"),
    ('file:///etc/passwd', 'file: URLs are refused'),
    ('FILE:/etc/passwd', 'file: URLs are refused'),
    ('http://127.0.0.1/x.png', 'remote resources are not fetched'),
    ('https://example.org/x.png', 'remote resources are not fetched'),
    ('//example.org/x.png', 'remote resources are not fetched'),
    ('ftp://example.org/x.png', 'remote resources are not fetched'),
    ('javascript:alert(1)', "'javascript:' URLs are not allowed"),
    ('data:image/png;base64,AAAA', 'inline data: images'),
    ('outside-link.png', 'symbolic link pointing outside'),
    ('images/up/secret.txt', 'symbolic link pointing outside'),
    ('images/missing.png', 'no such file'),
    ('images', 'not a regular file'),
    ('', 'names no file'),
])
def test_everything_else_is_refused_with_a_reason(book: Path, reference: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason.replace('(', r'\(')):
        resolve(book, reference)


def test_file_urls_from_weasyprint_are_confined(book: Path, tmp_path: Path) -> None:
    confinement = Confinement.of([book])
    assert resources.file_url_path((book / 'images' / 'a.png').as_uri(), confinement).name == 'a.png'
    for url in ((tmp_path / 'secret.txt').as_uri(), (book / 'outside-link.png').as_uri(),
                'file://evil.example/share/x.png', (book / 'images' / 'up' / 'secret.txt').as_uri()):
        with pytest.raises(Refused):
            resources.file_url_path(url, confinement)


def test_small_data_urls_only() -> None:
    assert resources.data_url('data:image/png;base64,aGVsbG8=') == ('image/png', b'hello')
    assert resources.data_url('data:,a%20b') == ('text/plain', b'a b')
    with pytest.raises(Refused, match='larger than'):
        resources.data_url('data:image/png;base64,' + 'A' * 400_000)


@pytest.mark.parametrize(('svg', 'problem'), [
    ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">'
     '<text>&x;</text></svg>', 'DTD or entities'),
    ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', 'DTD or entities'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', '<script>'),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler 'onload'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     '<image xlink:href="/etc/passwd"/></svg>', "loads '/etc/passwd'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1/x"/></svg>', 'loads'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>', 'stylesheet'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(http://x/y)"/></svg>', 'style'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', '<foreignObject>'),
    ('<svg', 'not well-formed'),
])
def test_svg_that_scripts_loads_or_declares_entities_is_refused(tmp_path: Path, svg: str,
                                                                 problem: str) -> None:
    path = tmp_path / 'x.svg'
    path.write_text(svg)
    problems = resources.svg_problems(path)
    assert any(problem in p for p in problems), problems


ILLUSTRATOR = (b'<?xml version="1.0" encoding="utf-8"?>\n'
               b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
               b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n'
               b'\t<!ENTITY ns_svg "http://www.w3.org/2000/svg">\n'
               b'\t<!ENTITY ns_xlink "http://www.w3.org/1999/xlink">\n]>\n'
               b'<svg version="1.1" xmlns="&ns_svg;" xmlns:xlink="&ns_xlink;" width="10" height="10">'
               b'<text>&ns_svg;</text></svg>\n')


@pytest.mark.parametrize('svg', [
    # Graphviz, Inkscape: the SVG 1.1 DOCTYPE, never loaded.
    b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
    b' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>',
    # Illustrator: namespace names declared as entities.
    ILLUSTRATOR,
])
def test_svg_as_drawing_programs_export_it_is_accepted_and_carried_without_its_dtd(
        tmp_path: Path, svg: bytes) -> None:
    path = tmp_path / 'drawing.svg'
    path.write_bytes(svg)
    assert resources.svg_problems(path) == []
    carried = resources.svg_content(path)
    assert b'DOCTYPE' not in carried and b'ENTITY' not in carried and b'&' not in carried
    root = etree.fromstring(carried)
    assert root.tag == '{http://www.w3.org/2000/svg}svg'
    if svg is ILLUSTRATOR:
        assert root.findtext('{http://www.w3.org/2000/svg}text') == 'http://www.w3.org/2000/svg'


@pytest.mark.parametrize(('declarations', 'why'), [
    ('<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">', "'b' holds other entities"),
    ('<!ENTITY x SYSTEM "file:///etc/passwd">', "'x' names a file or address"),
    ('<!ENTITY x PUBLIC "-//X//EN" "http://127.0.0.1/x">', "'x' names a file or address"),
    ('<!ENTITY % p SYSTEM "http://127.0.0.1/p.dtd"> %p;', 'a parameter entity'),
    ('<!ENTITY m "<g/>">', "'m' holds other entities, markup"),
    ('<!ENTITY long "' + 'x' * 5000 + '">', 'too much text'),
    (''.join(f'<!ENTITY e{n} "x">' for n in range(100)), '100 entities'),
])
def test_svg_entities_beyond_a_drawing_programs_are_refused(tmp_path: Path, declarations: str,
                                                            why: str) -> None:
    path = tmp_path / 'x.svg'
    path.write_text(f'<!DOCTYPE svg [{declarations}]><svg xmlns="http://www.w3.org/2000/svg"><text>x</text>'
                    '</svg>')
    problems = resources.svg_problems(path)
    assert any('DTD or entities' in p and why in p for p in problems), problems
    with pytest.raises(Refused):
        resources.svg_content(path)


def test_an_entity_used_but_not_declared_is_refused(tmp_path: Path) -> None:
    path = tmp_path / 'x.svg'
    path.write_text('<!DOCTYPE svg [<!ENTITY a "x">]><svg xmlns="http://www.w3.org/2000/svg">'
                    '<text>&b;</text></svg>')
    assert resources.svg_problems(path)


def test_a_plain_svg_with_internal_references_is_fine(tmp_path: Path) -> None:
    path = tmp_path / 'ok.svg'
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                    '<defs><linearGradient id="g"/></defs><rect style="fill: url(#g)"/>'
                    '<use xlink:href="#g"/></svg>')
    assert resources.svg_problems(path) == []


def test_the_pdf_fetcher_serves_only_the_book(book: Path, tmp_path: Path) -> None:
    from weasyprint import urls

    from makebook.pdf.engine import _fetcher_class
    fetcher = _fetcher_class(urls)(allowed=[book])
    assert fetcher.fetch((book / 'images' / 'a.png').as_uri()).read() == b'png'
    assert fetcher.fetch('data:text/plain,hi').read() == b'hi'
    for url in ((tmp_path / 'secret.txt').as_uri(), 'http://127.0.0.1:9/x.css',
                'https://example.org/', 'ftp://example.org/x', (book / 'outside-link.png').as_uri()):
        with pytest.raises(urls.FatalURLFetchingError):
            fetcher.fetch(url)


@pytest.mark.parametrize('name', ['/etc/hostname', 'outside-link.png',
                                  '../secret.txt', 'images/up/secret.txt'])
def test_mdbook_includes_use_the_resolver(book: Path, name: str) -> None:
    from makebook.source.includes import expand_includes
    problems = []
    text = expand_includes(f'a\n{{{{#include {name}}}}}', book / 'ch.md', book, problems)
    assert text == 'a\n'
    assert problems[0].line == 2
    assert 'inside the book folder' in problems[0].message


CSS = '''@import url("http://127.0.0.1/x.css");
@import "../../etc/x.css";
@font-face { src: url(/usr/share/fonts/x.ttf) format("truetype"), url('fonts/ok.ttf'); }
body { background: url( "file:///etc/passwd" ) }
p { background-image: image-set("a.png" 1x); }
a { fill: url(#grad) }
@media print { h1 { background: url(data:image/png;base64,AAAA) } li { list-style: url(../up.png) } }
'''


def test_every_url_a_stylesheet_loads_is_found_with_its_line() -> None:
    assert resources.css_references(CSS) == [
        ('http://127.0.0.1/x.css', 1), ('../../etc/x.css', 2), ('/usr/share/fonts/x.ttf', 3),
        ('fonts/ok.ttf', 3), ('file:///etc/passwd', 4), ('a.png', 5), ('#grad', 6),
        ('data:image/png;base64,AAAA', 7), ('../up.png', 7)]


def test_a_theme_may_load_only_its_own_files(tmp_path: Path) -> None:
    (tmp_path / 'fonts').mkdir()
    (tmp_path / 'fonts' / 'ok.ttf').write_bytes(b'font')
    (tmp_path / 'a.png').write_bytes(b'png')
    problems = resources.stylesheet_problems(CSS, '', Confinement.of([tmp_path]))
    assert [line for _, line in problems] == [1, 2, 3, 4, 7]
    assert 'remote resources are not fetched' in problems[0][0]


def test_the_shipped_theme_passes_its_own_check() -> None:
    from makebook import theme
    for name in ('epub.css', 'print.css', 'web.css'):
        assert theme.stylesheet(name)


@pytest.mark.parametrize(('svg', 'why'), [
    ('<?xml-stylesheet href="http://127.0.0.1/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     'processing instruction <?xml-stylesheet?>'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: u\\72l(http://127.0.0.1/a) }</style></svg>',
     'stylesheet that loads'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>@\\69mport "http://127.0.0.1/a.css";</style></svg>',
     'stylesheet that loads'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: u\\72l(http://x/a)"/></svg>', 'a style'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://127.0.0.1/p)"/></svg>',
     "attribute 'fill' that loads"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect filter="url( \'http://x/f\')"/></svg>',
     "attribute 'filter'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     '<image xlink:href="#a"><set attributeName="xlink:href" to="http://127.0.0.1/x.png"/></image></svg>',
     'animation <set>'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="#a"><animate attributeName="href" '
     'values="#a;http://127.0.0.1/x.png"/></image></svg>', 'animation <animate>'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>',
     'an SVG itself'),
    # The fourth session's variants. What a <style> holds after a comment, a CDATA section or a
    # child element is in no element's .text, but a browser reads it as the stylesheet.
    ('<svg xmlns="http://www.w3.org/2000/svg"><style><!-- c -->@import "http://127.0.0.1/a.css";'
     '</style></svg>', 'stylesheet that loads'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style><![CDATA[ a {} ]]><!--x-->rect { fill: '
     'url(http://127.0.0.1/p) }</style></svg>', 'stylesheet that loads'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>a {}<g/>@import "http://127.0.0.1/a.css";</style>'
     '</svg>', 'stylesheet that loads'),
    # An entity (plain text, so allowed) that spells what the checks look for.
    ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY i "@import \'http://127.0.0.1/a.css\';">]>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"><style>&i;</style></svg>', 'stylesheet that loads'),
    ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY u "url(http://127.0.0.1/p)">]>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: &u;"/></svg>', 'a style'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: image(\'http://127.0.0.1/p\')"/></svg>',
     'a style'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: src("http://127.0.0.1/p") }</style></svg>',
     'stylesheet that loads'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a href="#a"><set attributeName=" href " '
     'to="http://127.0.0.1/x"/></a></svg>', 'animation <set>'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect><animate attributeName="style" '
     'to="fill: image-set(\'http://127.0.0.1/x\' 1x)"/></rect></svg>', "attribute 'to'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><filter id="f"><feImage href="http://127.0.0.1/x"/></filter>'
     '</svg>', "loads 'http://127.0.0.1/x'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use '
     'xlink:href="other.svg#a"/></svg>', "loads 'other.svg#a'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><img xmlns="http://www.w3.org/1999/xhtml" '
     'src="http://127.0.0.1/x"/></foreignObject></svg>', '<foreignObject>'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA"><animate '
     'attributeName="href" values="data:image/png;base64,AAAA;http://127.0.0.1/x"/></image></svg>',
     'animation <animate>'),
    # The fifth session's: xml:base makes '#a' (or any reference) name another document.
    ('<svg xmlns="http://www.w3.org/2000/svg"><g xml:base="http://127.0.0.1/d/"><image href="#a"/>'
     '<use href="#b"/></g></svg>', "xml:base 'http://127.0.0.1/d/'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xml:base="file:///etc/"><use href="#passwd"/></svg>',
     "xml:base 'file:///etc/'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(#p)" xml:base="../../../etc/"/></svg>',
     "xml:base '../../../etc/'"),
    # XML Events and SVG Tiny 1.2 handlers: a script named by an address, or held.
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:ev="http://www.w3.org/2001/xml-events"><ev:listener '
     'event="load" handler="http://127.0.0.1/h.svg#h"/></svg>', 'a <listener> element'),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:ev="http://www.w3.org/2001/xml-events">'
     '<handler ev:event="load">alert(1)</handler></svg>', 'a <handler> element'),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:ev="http://www.w3.org/2001/xml-events">'
     '<rect ev:event="click" ev:handler="http://127.0.0.1/h#x"/></svg>', "event handler 'handler'"),
])
def test_an_svg_that_could_load_something_another_way_is_refused(tmp_path: Path, svg: str, why: str) -> None:
    """Issue 10's smaller leaks: escapes, stylesheet PIs, presentation attributes, SMIL, nested SVG."""
    path = tmp_path / 'x.svg'
    path.write_text(svg)
    problems = resources.svg_problems(path)
    assert any(why in p for p in problems), problems


def test_a_processing_instruction_is_found_in_any_encoding(tmp_path: Path) -> None:
    """A byte search for '<?' missed an <?xml-stylesheet?> in a UTF-16 file (the file is carried
    as it is), so they are found in the parsed document."""
    path = tmp_path / 'x.svg'
    path.write_bytes('<?xml version="1.0" encoding="UTF-16"?>\n<?xml-stylesheet href="http://127.0.0.1/x.css"?>'
                     '\n<svg xmlns="http://www.w3.org/2000/svg"/>'.encode('utf-16'))
    assert resources.svg_problems(path) == [
        'the SVG has a processing instruction <?xml-stylesheet?> (line 2); a drawing needs none '
        '(<?xml-stylesheet?> loads a file)']


def test_a_drawing_with_local_paints_and_animation_passes(tmp_path: Path) -> None:
    path = tmp_path / 'x.svg'
    path.write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><defs>'
                    '<linearGradient id="g"/></defs><rect fill="url(#g)" style="stroke: url(#g)">'
                    '<animate attributeName="x" '
                    'values="0;10" dur="1s"/></rect><path d="M0 0 L1 1"/></svg>')
    assert resources.svg_problems(path) == []


@pytest.mark.parametrize('rule', [
    'p { background-image: image-set("data:image/png;base64,AAAA" 1x, "http://127.0.0.1/b" 2x); }',
    'p { background-image: -webkit-image-set("http://127.0.0.1/b" 1x); }',
    'p { background-image: image(ltr "a.png", "http://127.0.0.1/b"); }',
    'p { background-image: cross-fade(url("a.png") 50%, -webkit-image-set("http://127.0.0.1/b" 1x)); }',
    'p { background-image: image-set("a.png" type("image/png"), "http://127.0.0.1/b" type("image/avif")); }',
])
def test_every_argument_of_an_image_function_is_a_url(rule: str) -> None:
    """Issue 10's smaller leaks: image-set() and its kin were checked on their first argument only."""
    assert ('http://127.0.0.1/b', 1) in resources.css_references(rule)


@pytest.mark.parametrize(('rule', 'why'), [
    (':root { --a: "http://127.0.0.1/b"; } p { background-image: image-set(var(--a) 1x); }', 'var()'),
    ('p { --a: "http://127.0.0.1/b"; background-image: -webkit-image-set(var(--a, "x.png") 1x); }', 'var()'),
    ('p { background-image: image(attr(data-src)); }', 'var()'),
    ('p { background-image: cross-fade(image-set(env(x) 1x), red); }', 'var()'),
    ('@import url("data:text/css,@import url(http://127.0.0.1/b);");', "inline 'text/css'"),
    ('p { background: url("data:text/html,<img src=http://127.0.0.1/b>"); }', "inline 'text/html'"),
    ("p { background: url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><image "
     "href='http://127.0.0.1/b'/></svg>\"); }", 'an inline SVG'),
    ("p { background: url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><style>"
     "@import 'http://127.0.0.1/b';</style></svg>\"); }", 'an inline SVG'),
    ('@media screen { @import "http://127.0.0.1/b"; }', 'remote'),
    ('@font-face { font-family: x; src: local(x), url(http://127.0.0.1/b) format("woff"); '
     'unicode-range: U+41; }', 'remote'),
    ('p { background: u\\72l(http://127.0.0.1/b); }', 'remote'),
    ('@\\69mport "http://127.0.0.1/b";', 'remote'),
    ('@import url(http://127.0.0.1/b) layer(a) supports(display: grid);', 'remote'),
    ('@namespace x url(http://127.0.0.1/b);', 'remote'),
])
def test_an_image_address_a_stylesheet_could_load_in_any_way_is_refused(tmp_path: Path, rule: str,
                                                                       why: str) -> None:
    """Issue 10's smaller leaks, the fourth session's variants: an address made by var(), env() or
    attr(), a data: URL that is a stylesheet, a page or an SVG that loads, an @import nested in a
    block, font-face sources, escapes."""
    problems = resources.stylesheet_problems(rule, '', Confinement.of([tmp_path]))
    assert len(problems) == 1 and problems[0][1] == 1, problems
    assert why in problems[0][0] or (why == 'var()' and resources.COMPUTED_HINT in problems[0][0]) \
        or (why == 'remote' and 'remote resources are not fetched' in problems[0][0]), problems


def test_an_inline_image_or_font_in_a_stylesheet_is_still_fine(tmp_path: Path) -> None:
    svg = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><rect fill='url(%23g)'/></svg>"
    css = (f'p {{ background: url("{svg}"); }} @font-face {{ font-family: x; src: '
           'url(data:font/woff2;base64,AAAA) format("woff2"); }')
    assert resources.stylesheet_problems(css, '', Confinement.of([tmp_path])) == []


# As diagrams.net (draw.io) exports a drawing (Norvig's PAIP has 39 such figures): every label
# HTML in a <foreignObject>, a plain <text> copy after it in a <switch>, the whole on one line,
# and a last switch whose fallback links to the program's site.
DRAWIO = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" '
    'height="60"><g><rect x="1" y="1" width="100" height="40" fill="none" stroke="black"/>'
    + ''.join(f'<switch><foreignObject requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility"'
              f' width="100%" height="100%"><div xmlns="http://www.w3.org/1999/xhtml">label {n}</div>'
              f'</foreignObject><text x="5" y="{10 * n}" font-family="Helvetica">label {n}</text></switch>'
              for n in (1, 2, 3))
    + '</g><switch><g requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility"/>'
    '<a transform="translate(0,-5)" xlink:href="https://www.diagrams.net/doc/faq/svg-export-text-problems" '
    'target="_blank"><text x="50%" y="100%">Text is not SVG - cannot display</text></a></switch></svg>')


def test_a_drawio_drawing_is_carried_as_its_plain_text_labels(tmp_path: Path) -> None:
    path = tmp_path / 'figure.svg'
    path.write_text(DRAWIO)
    assert resources.svg_problems(path) == []
    carried = resources.svg_content(path)
    root = etree.fromstring(carried)
    ns = {'s': 'http://www.w3.org/2000/svg'}
    assert root.xpath('//s:switch/s:text/text()', namespaces=ns) == ['label 1', 'label 2', 'label 3']
    assert not root.xpath('//s:foreignObject | //s:a', namespaces=ns)
    assert b'Text is not SVG' not in carried and b'diagrams.net' not in carried and b'DOCTYPE' not in carried


def test_html_in_an_svg_with_no_fallback_is_still_refused_and_said_once(tmp_path: Path) -> None:
    path = tmp_path / 'html.svg'
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg">'
                    + '<switch><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
                      '</switch>' * 3 + '<foreignObject/></svg>')
    assert resources.svg_problems(path) == ['the SVG has a <foreignObject> element (line 1)']


def test_an_svgs_stylesheet_loses_what_epub_css_may_not_hold(tmp_path: Path) -> None:
    # PAIP's diagram-18-05.svg: diagrams.net left MathJax's stylesheet in it (EPUBCheck CSS-001, 008).
    path = tmp_path / 'formula.svg'
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><style>.a {vertical-align: ; font-size: 90%}\n'
                    '.b {display: inline; direction: ltr; unicode-bidi: embed; margin: 0}</style>'
                    '<text class="a">x</text><style xmlns="http://www.w3.org/1999/xhtml">.c {direction: rtl}'
                    '</style></svg>')
    assert resources.svg_problems(path) == []
    style = etree.fromstring(resources.svg_content(path)).findtext('{http://www.w3.org/2000/svg}style')
    assert 'direction' not in style and 'unicode-bidi' not in style and 'vertical-align' not in style
    assert 'font-size: 90%' in style and 'display: inline' in style and 'margin: 0' in style
    assert b'direction' not in resources.svg_content(path)  # MathJax's <style> is XHTML's


@pytest.mark.parametrize('name', [b'02\xff.md', b'caf\xe9.md', b'\xed\xa0\x80.md', b'03 \xc3(.md'])
def test_a_file_whose_name_is_not_utf8_is_refused_by_name_not_a_traceback(
        capsys, write_book, tmp_path: Path, name: bytes) -> None:
    """Python reads such a name with surrogate escapes, which no UTF-8 encoder takes: the
    render cache's key gave a UnicodeEncodeError traceback."""
    import os

    from tests.tools import make_book

    folder = write_book({'metadata.yaml': 'title: T\nauthor: A\nlang: en\n', '01.md': '# One\n\nText.\n'})
    with open(os.path.join(os.fsencode(folder), name), 'wb') as chapter:
        chapter.write(b'# Two\n\nText.\n')
    (bad,) = [path for path in folder.iterdir() if path.name.startswith(os.fsdecode(name)[:2])]
    with pytest.raises(resources.Unreadable, match='name is not valid UTF-8'):
        resources.read_text(bad, 'chapter')
    run = make_book(capsys, 'build', folder, '-o', tmp_path / 'out', '-f', 'html')
    assert run.status == 1
    assert 'Traceback' not in run.err
    assert "MB200 error: the chapter's name is not valid UTF-8" in run.err
