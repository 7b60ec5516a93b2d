from markdown.test_tools import TestCase

from makebook.extensions.code_info import normalise_info

HIGHLIGHT = {'extensions': ['fenced_code', 'attr_list', 'codehilite',
                            'makebook.extensions.code_info'],
             'extension_configs': {'codehilite': {'css_class': 'highlight', 'guess_lang': False}}}


class TestCodeInfo(TestCase):
    default_kwargs = {'extensions': ['fenced_code', 'attr_list', 'makebook.extensions.code_info']}

    def test_mdbook_comma_labels(self):
        self.assertMarkdownRenders(
            self.dedent("""
                ```rust,ignore
                fn main() {}
                ```
                """),
            '<pre class="ignore"><code class="language-rust">fn main() {}\n</code></pre>')

    def test_pandoc_attributes(self):
        self.assertMarkdownRenders(
            self.dedent("""
                ``` {.python .numberLines}
                x = 1
                ```
                """),
            '<pre class="numberLines"><code class="language-python">x = 1\n</code></pre>')

    def test_word_then_attributes(self):
        assert normalise_info('python {.numberLines startFrom="3"}') == '{.python .numberLines startFrom="3"}'

    def test_closing_fence_and_plain_language_untouched(self):
        self.assertMarkdownRenders('```python\nx\n```\n\n```\ny\n```',
                                   '<pre><code class="language-python">x\n</code></pre>\n'
                                   '<pre><code>y\n</code></pre>')

    def test_pygments_uses_classes_not_styles(self):
        self.default_kwargs = HIGHLIGHT
        import markdown
        html = markdown.markdown('```rust,ignore\nfn main() {}\n```', **HIGHLIGHT)
        assert '<span class="k">fn</span>' in html
        assert 'style=' not in html
        assert '<script' not in html

    def test_quarto_cell_is_shown_as_code(self):
        self.assertMarkdownRenders('```{python}\nprint(1)\n```',
                                   '<pre><code class="language-python">print(1)\n</code></pre>')
