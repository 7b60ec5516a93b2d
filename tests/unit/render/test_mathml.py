from lxml import etree

from makebook.model import MATHML_NS, XHTML_NS
from makebook.render.mathml import convert_math, has_math, tex_problem


def _body(markup: str) -> etree._Element:
    return etree.fromstring(f'<body xmlns="{XHTML_NS}">{markup}</body>')


def test_formula_becomes_mathml_with_tex_as_alt_text():
    body = _body('<p>Let <span class="math inline">x^2</span> be. '
                 '<span class="math display">\\frac{a}{b}</span></p>')
    reports = []
    convert_math(body, lambda message, tex: reports.append(tex))
    maths = list(body.iter(f'{{{MATHML_NS}}}math'))
    assert [m.get('alttext') for m in maths] == ['x^2', '\\frac{a}{b}']
    assert [m.get('display') for m in maths] == ['inline', 'block']
    assert maths[0].tail == ' be. '
    assert reports == []
    assert has_math(body)


def test_malformed_formula_is_shown_as_code_and_reported():
    body = _body('<p><span class="math inline">\\frac{a</span> end</p>')
    reports = []
    convert_math(body, lambda message, tex: reports.append((message, tex)))
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
