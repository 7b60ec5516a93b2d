from markdown.test_tools import TestCase


class TestFencedDivs(TestCase):
    default_kwargs = {'extensions': ['makebook.extensions.fenced_divs']}

    def test_classes_and_id(self):
        self.assertMarkdownRenders(
            self.dedent("""
                ::: {.epigraph #opening lang=fr}
                Some *text*.
                :::

                After.
                """),
            self.dedent("""
                <div class="epigraph" id="opening" lang="fr">
                <p>Some <em>text</em>.</p>
                </div>
                <p>After.</p>
                """))

    def test_nested_divs_and_blank_lines(self):
        self.assertMarkdownRenders(
            self.dedent("""
                :::: {.sidebar}
                Outer.

                ::: inner
                Inner.
                :::

                Outer again.
                ::::
                """),
            self.dedent("""
                <aside class="sidebar">
                <p>Outer.</p>
                <div class="inner">
                <p>Inner.</p>
                </div>
                <p>Outer again.</p>
                </aside>
                """))

    def test_epub_type_makes_a_section(self):
        self.assertMarkdownRenders(
            self.dedent("""
                ::: {.dedication epub:type=dedication}
                For N.
                :::
                """),
            self.dedent("""
                <section class="dedication" epub:type="dedication" role="doc-dedication">
                <p>For N.</p>
                </section>
                """))

    def test_colons_in_prose_are_prose(self):
        self.assertMarkdownRenders('Ratio 3:::4 here.', '<p>Ratio 3:::4 here.</p>')

    def test_unclosed_div_runs_to_the_end_with_a_warning(self):
        md = self.default_kwargs['extensions']
        import markdown
        converter = markdown.Markdown(extensions=md)
        html = converter.convert('::: note\nText.\n')
        assert html == '<aside class="note" role="note">\n<p>Text.</p>\n</aside>'
        assert converter.makebook_warnings[0][::2] == ('MB313', '::: note')
