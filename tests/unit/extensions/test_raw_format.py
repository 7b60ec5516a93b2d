import markdown
from markdown.test_tools import TestCase


class TestRawFormat(TestCase):
    default_kwargs = {'extensions': ['fenced_code', 'makebook.extensions.raw_format']}

    def test_raw_html_block_passes_through(self):
        self.assertMarkdownRenders(
            self.dedent("""
                ```{=html}
                <div class="x"><b>raw</b></div>
                ```
                """),
            '<div class="x"><b>raw</b></div>')

    def test_raw_html_inline_passes_through(self):
        self.assertMarkdownRenders('A `<b>`{=html}bold`</b>`{=html} word.',
                                   '<p>A <b>bold</b> word.</p>')

    def test_other_formats_are_dropped_with_a_warning(self):
        converter = markdown.Markdown(extensions=self.default_kwargs['extensions'])
        html = converter.convert('Before.\n\n```{=latex}\n\\newpage\n```\n\nA `\\LaTeX`{=latex} end.')
        assert html == '<p>Before.</p>\n<p>A  end.</p>'
        assert [(code, needle) for code, _, needle in converter.makebook_warnings] == [
            ('MB312', '```{=latex}'), ('MB312', '`\\LaTeX`{=latex}')]

    def test_ordinary_code_is_still_code(self):
        self.assertMarkdownRenders('`<b>` stays code',
                                   '<p><code>&lt;b&gt;</code> stays code</p>')
