from markdown.test_tools import TestCase


class TestMath(TestCase):
    default_kwargs = {'extensions': ['makebook.extensions.math',
                                     'makebook.extensions.pandoc_inline']}

    def test_inline_and_display(self):
        self.assertMarkdownRenders(
            r'Let $a_b * c_d$ and $$\sum_{i=1}^n i$$',
            '<p>Let <span class="math inline">a_b * c_d</span> and '
            '<span class="math display">\\sum_{i=1}^n i</span></p>')

    def test_prices_are_not_math(self):
        self.assertMarkdownRenders('It costs $5 and $10, or $ 3 $.',
                                   '<p>It costs $5 and $10, or $ 3 $.</p>')

    def test_closing_dollar_followed_by_digit_is_not_math(self):
        self.assertMarkdownRenders('from $x$ to $20$3', '<p>from <span class="math inline">x</span> '
                                   'to $20$3</p>')

    def test_escaped_dollars(self):
        self.assertMarkdownRenders(r'\$x\$ and \$5', '<p>$x$ and $5</p>')

    def test_braces_inside_math_stay_tex(self):
        self.assertMarkdownRenders(r'$\{x\}$', '<p><span class="math inline">\\{x\\}</span></p>')

    def test_code_keeps_its_dollars(self):
        self.assertMarkdownRenders('`$x$`', '<p><code>$x$</code></p>')
