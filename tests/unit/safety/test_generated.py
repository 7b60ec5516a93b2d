"""Markup a library generates goes through an allowlist of its own: MathML from latex2mathml,
SVG from ziamath. Every text stays text; every element, attribute and value off the lists goes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from lxml import etree

from makebook.model import MATHML_NS
from makebook.safety.generated import SVG_NS, mathml_from, svg_from

M = f'{{{MATHML_NS}}}'


def cleaned_math(markup: str) -> tuple[etree._Element, list[str]]:
    result = mathml_from(ET.fromstring(markup))
    return result.element, result.removed


def test_text_that_looks_like_markup_stays_text() -> None:
    tree = ET.Element('math')
    row = ET.SubElement(tree, 'mtext')
    row.text = 'a<script>alert(1)</script>&#x000A0;<b>&amp;'  # as latex2mathml leaves \text{...}
    math = mathml_from(tree).element
    assert math.find(f'{M}mtext').text == 'a<script>alert(1)</script>\u00a0<b>&amp;'
    assert next(math.iter('{*}script'), None) is None
    assert b'<script' not in etree.tostring(math)


@pytest.mark.parametrize(('markup', 'removed'), [
    ('<math><mrow href="javascript:alert(1)"><mi>x</mi></mrow></math>', ['\\href']),
    ('<math><mrow style="background:url(http://x/)"><mi>x</mi></mrow></math>', ['\\style']),
    ('<math><mrow class="footnote" id="fn-1"><mi>x</mi></mrow></math>', ['\\class', '\\cssId']),
    ('<math><mi onclick="alert(1)" xlink:href="http://x" xmlns:xlink="http://www.w3.org/1999/xlink">x</mi>'
     '</math>', ['the attribute onclick', 'the attribute href']),
    ('<math><mstyle mathcolor="url(#x)" mathbackground="red"><mi>x</mi></mstyle></math>',
     ['the attribute mathcolor']),
    ('<math><mspace width="expression(alert(1))"/></math>', ['the attribute width']),
])
def test_attributes_off_the_list_or_with_a_bad_value_are_left_out_and_named(markup: str,
                                                                         removed: list[str]) -> None:
    math, found = cleaned_math(markup)
    assert found == removed
    attributes = {name for element in math.iter() for name in element.attrib}
    assert attributes <= {'mathbackground'}


@pytest.mark.parametrize('markup', [
    '<math><script>alert(1)</script><mi>x</mi></math>',
    '<math><h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="http://x/"/></math>',
    '<math><semantics><annotation-xml encoding="text/html"><h:a xmlns:h="http://www.w3.org/1999/xhtml" '
    'href="javascript:x">y</h:a></annotation-xml></semantics></math>',
    '<math><maction actiontype="statusline"><mi>x</mi><mtext>y</mtext></maction></math>',
])
def test_elements_off_the_list_or_in_a_foreign_namespace_become_plain_rows(markup: str) -> None:
    math, removed = cleaned_math(markup)
    assert removed
    assert {etree.QName(e).namespace for e in math.iter()} == {MATHML_NS}
    assert all(etree.QName(e).localname in {'math', 'mrow', 'mi', 'mtext'} for e in math.iter())
    assert not {name for e in math.iter() for name in e.attrib} & {'src', 'href', 'actiontype', 'encoding'}


def test_a_deeply_nested_fragment_is_copied_without_recursion() -> None:
    tree = ET.Element('math')
    node = tree
    for _ in range(5000):
        node = ET.SubElement(node, 'mrow')
    node.text = 'x'
    math = mathml_from(tree).element
    assert sum(1 for _ in math.iter()) == 5001
    assert ''.join(math.itertext()) == 'x'


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">'


def test_what_ziamath_draws_is_kept_whole() -> None:
    from ziamath.zmath import Math

    drawn = Math(f'<math xmlns="{MATHML_NS}"><mfrac><mi>a</mi><mn>2</mn></mfrac></math>').svg()
    result = svg_from(drawn)
    assert result.removed == []
    assert etree.tostring(result.element) == etree.tostring(etree.fromstring(drawn.encode()))


@pytest.mark.parametrize('extra', [
    '<script>fetch("http://x/")</script>',
    '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="http://x/"/></foreignObject>',
    '<style>@import "http://x/";</style>',
    '<image href="http://x/a.png" width="1" height="1"/>',
    '<use href="http://x/a.svg#g"/>',
    '<use xlink:href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#g"/>',
    '<rect fill="url(http://x/#p)" width="1" height="1"/>',
    '<rect style="fill:u\\72l(http://x/)" width="1" height="1"/>',
    '<rect onload="alert(1)" width="1" height="1"/>',
    '<set attributeName="href" to="http://x/"/>',
    '<animate attributeName="href" values="http://x/"/>',
    '<path d="M0 0" transform="url(http://x/)"/>',
])
def test_anything_in_an_svg_that_could_load_or_run_is_left_out(extra: str) -> None:
    result = svg_from(f'{SVG}<path d="M 0 0 L 1 1 Z"/>{extra}</svg>')
    assert result.removed
    markup = etree.tostring(result.element).decode()
    for bad in ('http://x', 'data:', 'script', 'iframe', 'style', 'onload', 'url(', 'attributeName'):
        assert bad not in markup, (bad, markup)
    assert {etree.QName(e).namespace for e in result.element.iter()} == {SVG_NS}
    assert result.element.find(f'{{{SVG_NS}}}path').get('d') == 'M 0 0 L 1 1 Z'


def test_a_processing_instruction_or_a_dtd_never_reaches_the_copy() -> None:
    result = svg_from('<?xml version="1.0"?><?xml-stylesheet href="http://x/a.css"?>'
                      '<!DOCTYPE svg [<!ENTITY e "boom">]>' + SVG + '<desc>&e;</desc></svg>')
    assert b'xml-stylesheet' not in etree.tostring(result.element)
    assert b'boom' not in etree.tostring(result.element)


def test_an_svg_that_is_not_xml_is_refused() -> None:
    with pytest.raises(ValueError, match='not well-formed'):
        svg_from('<svg><path></svg>')
