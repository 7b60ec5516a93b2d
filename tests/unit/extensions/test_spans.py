from markdown.test_tools import TestCase


class TestBracketedSpans(TestCase):
    default_kwargs = {'extensions': ['makebook.extensions.spans']}

    def test_smallcaps(self):
        self.assertMarkdownRenders('[Small caps]{.smallcaps} here.',
                                   '<p><span class="smallcaps">Small caps</span> here.</p>')

    def test_anchor_with_inline_markup_inside(self):
        self.assertMarkdownRenders('[a *b* [c](d)]{#here}',
                                   '<p><span id="here">a <em>b</em> <a href="d">c</a></span></p>')

    def test_links_and_plain_brackets_are_untouched(self):
        self.assertMarkdownRenders('[link](x.md) and [plain] and ![img](i.png)',
                                   '<p><a href="x.md">link</a> and [plain] and '
                                   '<img alt="img" src="i.png" /></p>')
