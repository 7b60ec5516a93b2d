from markdown.test_tools import TestCase


class TestPandocInline(TestCase):
    default_kwargs = {'extensions': ['footnotes', 'makebook.extensions.pandoc_inline']}

    def test_pandoc_escapes_lose_their_backslash(self):
        self.assertMarkdownRenders(r'\$5 \| \[x\] \~ \^ \@ \"q\"',
                                   '<p>$5 | [x] ~ ^ @ "q"</p>')

    def test_escaped_space_is_a_no_break_space(self):
        self.assertMarkdownRenders(r'Mr.\ Smith', '<p>Mr.\u00a0Smith</p>')

    def test_strike_sup_sub(self):
        self.assertMarkdownRenders('~~gone~~ H~2~O 2^10^ E=mc^2^',
                                   '<p><del>gone</del> H<sub>2</sub>O 2<sup>10</sup> '
                                   'E=mc<sup>2</sup></p>')

    def test_spaces_end_sub_and_sup(self):
        self.assertMarkdownRenders('a ~ b ~ c and x ^ y ^', '<p>a ~ b ~ c and x ^ y ^</p>')

    def test_footnote_refs_are_not_superscripts(self):
        html = self.default_kwargs
        import markdown
        out = markdown.markdown('Text[^1].\n\n[^1]: Note.', **html)
        assert 'class="footnote-ref"' in out
        assert '<sup>1]' not in out


# Strike, superscript and subscript take every match of a paragraph at once (LinearInline,
# makebook_at_once): the same XHTML as one match at a time, where matches touch each other and
# where subscript's look-back sees the end of the match before.
TOUCHING = ['~~a~~~~b~~', 'H~2~~3~O', 'x^2^^3^y', '~a~~b~', '~~a~~b~~c~~', '~~~a~~~', 'a~b~c~d~e',
            '^a^^b^^c^', '~~a~~ ~b~ ^c^~~d~~', '~~~~', '~a~~~b~~~c~', 'x~~*y*~~z', '~~[l](u)~~~s~',
            '~~' + 'long strike text ' * 10 + '~~~~second~~', '\\~~a~~ ~\\~b~']


def test_strike_sup_sub_at_once_are_one_at_a_time() -> None:
    import markdown

    from makebook.render.convert import markdown_extensions

    def convert(text: str, at_once: bool) -> str:
        md = markdown.Markdown(extensions=markdown_extensions(), output_format='xhtml')
        for name in ('strike', 'superscript', 'subscript'):
            md.inlinePatterns[name].makebook_at_once = at_once
        return md.convert(text)

    for text in TOUCHING:
        assert convert(text, True) == convert(text, False), text
    assert '<del>a</del><del>b</del>' in convert(TOUCHING[0], True)
