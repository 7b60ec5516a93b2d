import pytest
from lxml import etree

from makebook.model import MATHML_NS, XHTML_NS
from makebook.render.mathml import convert_math, has_math, tex_problem
from makebook.safety.generated import MATHML_ATTRIBUTES


def _body(markup: str) -> etree._Element:
    return etree.fromstring(f'<body xmlns="{XHTML_NS}">{markup}</body>')


def test_formula_becomes_mathml_with_tex_as_alt_text():
    body = _body('<p>Let <span class="math inline">x^2</span> be. '
                 '<span class="math display">\\frac{a}{b}</span></p>')
    reports = []
    convert_math(body, lambda code, message, tex: reports.append(tex))
    maths = list(body.iter(f'{{{MATHML_NS}}}math'))
    assert [m.get('alttext') for m in maths] == ['x^2', '\\frac{a}{b}']
    assert [m.get('display') for m in maths] == ['inline', 'block']
    assert maths[0].tail == ' be. '
    assert reports == []
    assert has_math(body)


def test_malformed_formula_is_shown_as_code_and_reported():
    body = _body('<p><span class="math inline">\\frac{a</span> end</p>')
    reports = []
    convert_math(body, lambda code, message, tex: reports.append((message, tex)))
    code = body.find(f'.//{{{XHTML_NS}}}code')
    assert code.text == '\\frac{a'
    assert code.get('class') == 'math-error'
    assert reports[0][1] == '\\frac{a'
    assert 'never closed' in reports[0][0]
    assert not has_math(body)


def test_problems_latex2mathml_would_let_through():
    assert tex_problem('\\frac{a}{b}') is None
    assert 'unknown command' in tex_problem('\\foo x')
    assert 'argument' in tex_problem('\\frac{a}')
    assert "closes nothing" in tex_problem('a}')
    assert tex_problem('\\begin{matrix} a \\end{matrix}') is None


# ---- the sanitiser is never bypassed through TeX (issue 10)

ATTACKS = [
    r'\texttt{a<script>alert(1)</script>b}',
    r'\text{<script>fetch("http://127.0.0.1:9/x")</script>}',
    r'\mbox{<script>x</script>}\textbf{<b>bold</b>}',
    '\\texttt{<a\nxmlns="http://www.w3.org/1999/xhtml"\nhref="javascript:alert(1)"\nonclick="alert(2)">c</a>}',
    '\\text{<iframe\nxmlns="http://www.w3.org/1999/xhtml"\nsrc="http://127.0.0.1:9/f"></iframe>}',
    '\\text{<img\nxmlns="http://www.w3.org/1999/xhtml" src="p.png" onload="x()"/>}',
    r'\href{javascript:alert(1)}{x}',
    r'\href{JaVaScRiPt:alert(1)}{x}',
    r'\href{data:text/html;base64,PHNjcmlwdD4=}{x}',
    r'\style{background:url(http://127.0.0.1:9/s)}{x}',
    r'\style{background-image:image-set("http://127.0.0.1:9/i" 1x)}{x}',
    r'\style{position:fixed;top:0;left:0;width:100%;height:100%}{x}',
    r'\class{footnote noteref}{x}',
    r'\cssId{fn-1}{x}',
    r'\color{url(http://127.0.0.1:9/c)}{x}',
    r'\unicode{3C}script\unicode{3E}',
    # The fourth session's variants: macros that stand for \href, other text commands, foreign
    # namespaces inside text, CDATA ends and character references, colours that are CSS.
    r'\newcommand{\h}{\href}\h{http://127.0.0.1:9/m}{x}',
    r'\def\h{\href}\h{http://127.0.0.1:9/d}{x}',
    r'\operatorname{<a href="http://127.0.0.1:9/o">x</a>}',
    r'\mathrm{a<b}\mathrm{a&b}\mathrm{<i>}',
    r'\text{<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/v"/></svg>}',
    r'\text{<m:mtext xmlns:m="http://www.w3.org/1998/Math/MathML" href="http://127.0.0.1:9/t">x</m:mtext>}',
    r'\begin{array}{c}\text{<style>@import "http://127.0.0.1:9/a";</style>}\end{array}',
    r'\text{]]><script>alert(1)</script>}',
    r'\textbf{&#60;script&#62;alert(1)&#60;/script&#62;}',
    r'\color{red;background:url(http://127.0.0.1:9/k)}{x}',
    r'\textcolor{url(http://127.0.0.1:9/q)}{y}',
    r'x^{\text{<b onmouseover="alert(1)">x</b>}}\mathbin{\text{<img src=x onerror=y>}}',
    '\\href\n{javascript:alert(1)}{y}',
]


@pytest.mark.parametrize('tex', ATTACKS)
def test_a_formula_carries_no_markup_link_style_or_address(tex: str) -> None:
    body = _body('<p>a</p>')
    body[0].append(span := etree.Element(f'{{{XHTML_NS}}}span', {'class': 'math inline'}))
    span.text = tex
    convert_math(body, lambda code, message, tex: None)
    math = body.find(f'.//{{{MATHML_NS}}}math')
    assert math is not None
    assert {etree.QName(e).namespace for e in math.iter()} == {MATHML_NS}
    assert set().union(*(e.attrib for e in math.iter())) <= {'alttext', *MATHML_ATTRIBUTES}
    assert not {'href', 'style', 'class', 'id'} & set().union(*(e.attrib for e in math.iter()))
    markup = etree.tostring(body, encoding='unicode')
    for bad in ('<script', '<a ', '<iframe', '<img', ' style=', 'class="footnote', 'id="fn-1'):
        assert bad not in markup, bad  # as markup: '<' in a formula's text is '&lt;'
    if tex.startswith(('\\href', '\\style', '\\class', '\\cssId', '\\color', '\\textcolor')):
        # commands whose argument is an address or CSS (a macro standing for one keeps it as text):
        for bad in ('javascript:', 'data:text', '127.0.0.1', 'position:'):  # not even in the alt text
            assert bad.lower() not in markup.lower(), bad


@pytest.mark.parametrize(('tex', 'shown'), [
    (r'\text{a < b}', 'a\u00a0<\u00a0b'),
    (r'\text{Smith & Jones}', 'Smith\u00a0&\u00a0Jones'),
    (r'\text{&nbsp;}', '&nbsp;'),
    (r'\texttt{<b>}', '<b>'),
])
def test_text_in_a_formula_is_set_as_written(tex: str, shown: str) -> None:
    body = _body('<p><span class="math inline">x</span></p>')
    body[0][0].text = tex
    reports = []
    convert_math(body, lambda code, message, tex: reports.append(message))
    assert reports == []
    assert body.find(f'.//{{{MATHML_NS}}}mtext').text == shown


def test_link_style_class_and_id_commands_are_reported_and_reach_not_even_the_alt_text() -> None:
    body = _body('<p><span class="math inline">\\href{javascript:alert(1)}{x}+\\style{color:red}{y}'
                 '+\\class{c}{z}</span></p>')
    reports = []
    convert_math(body, lambda code, message, tex: reports.append((code.id, message)))
    math = body.find(f'.//{{{MATHML_NS}}}math')
    assert math.get('alttext') == '{x}+{y}+{z}'
    assert reports == [('MB315', "\\href, \\style, \\class left out of the formula (a book's formulas "
                                 'cannot link, style or name things): '
                                 '\\href{javascript:alert(1)}{x}+\\style{color:red}{y}+\\class{c}{z}')]


def test_a_formula_nested_too_deeply_or_too_long_is_a_warning_not_a_crash() -> None:
    assert tex_problem('{' * 5000 + 'x' + '}' * 5000) is not None
    assert 'longer than' in tex_problem('x+' * 20_000)


def test_each_formula_problem_is_reported_at_its_own_line(write_book) -> None:
    from makebook.render import render_book
    from makebook.source import read_manuscript

    text = '---\ntitle: T\nlang: en\n---\n# One\n\nA $\\frac{a}$ b.\n\nFiller.\n\nA $\\frac{a}$ b.\n\n' \
           'C $\\href{x}{y}$ and\n$\\text{multi\nline} \\frac{q}$ end.\n'
    book = render_book(read_manuscript(write_book({'01.md': text})))
    found = [(d.code, d.line) for d in book.diagnostics]
    assert found == [('MB311', 7), ('MB311', 11), ('MB315', 13), ('MB311', 14)]
