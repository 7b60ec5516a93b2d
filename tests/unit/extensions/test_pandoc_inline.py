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
