from markdown.test_tools import TestCase


class TestImplicitFigures(TestCase):
    default_kwargs = {'extensions': ['attr_list', 'makebook.extensions.figures']}

    def test_image_alone_becomes_a_figure_with_its_id(self):
        self.assertMarkdownRenders(
            '![The map](map.png){#fig-map}',
            '<figure id="fig-map"><img alt="The map" src="map.png" />'
            '<figcaption>The map</figcaption></figure>')

    def test_title_when_there_is_no_alt(self):
        self.assertMarkdownRenders(
            '![](map.png "A title")',
            '<figure><img alt="" src="map.png" title="A title" />'
            '<figcaption>A title</figcaption></figure>')

    def test_image_with_text_stays_inline(self):
        self.assertMarkdownRenders('An ![icon](i.png) here.',
                                   '<p>An <img alt="icon" src="i.png" /> here.</p>')

    def test_image_without_any_caption_stays_a_paragraph(self):
        self.assertMarkdownRenders('![](i.png)', '<p><img alt="" src="i.png" /></p>')
