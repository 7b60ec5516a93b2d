from markdown.test_tools import TestCase


class TestCrossRefs(TestCase):
    default_kwargs = {'extensions': ['makebook.extensions.crossrefs']}

    def test_figure_and_section_references(self):
        self.assertMarkdownRenders('See @fig-map and @sec-intro.',
                                   '<p>See <a class="xref" href="#fig-map"></a> and '
                                   '<a class="xref" href="#sec-intro"></a>.</p>')

    def test_addresses_and_other_handles_are_prose(self):
        self.assertMarkdownRenders('me@sec-x.org and @someone',
                                   '<p>me@sec-x.org and @someone</p>')
