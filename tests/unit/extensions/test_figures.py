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

    def test_dimensions_with_units_become_a_style(self):
        self.assertMarkdownRenders(
            'An ![icon](i.png){width=50% height=2.5in style="border: 0"} and '
            '![b](b.png){width=300px height=20} and ![c](c.png){width=huge}.',
            '<p>An <img alt="icon" src="i.png" style="border: 0; width: 50%; height: 2.5in" /> and '
            '<img alt="b" height="20" src="b.png" width="300" /> and <img alt="c" src="c.png" />.</p>')

    def test_many_figures_among_paragraphs_take_each_paragraph_s_place(self):
        """Each figure is put in its paragraph's place by index (remove() looked for the
        paragraph among all its siblings: quadratic in the figures of a chapter)."""
        blocks = [f'![Map {i}](m{i}.png)\n\nText {i}.' if i % 3 else f'![](n{i}.png)' for i in range(300)]
        expected = [f'<figure><img alt="Map {i}" src="m{i}.png" /><figcaption>Map {i}</figcaption>'
                    f'</figure>\n<p>Text {i}.</p>' if i % 3 else f'<p><img alt="" src="n{i}.png" /></p>'
                    for i in range(300)]
        self.assertMarkdownRenders('\n\n'.join(blocks), '\n'.join(expected))
