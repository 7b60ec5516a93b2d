from markdown.test_tools import TestCase


class TestLineBlocks(TestCase):
    default_kwargs = {'extensions': ['tables', 'makebook.extensions.line_blocks']}

    def test_breaks_and_indentation_are_kept(self):
        self.assertMarkdownRenders(
            self.dedent("""
                | The *first* line
                |    indented
                | a long line
                  continued
                """),
            '<div class="line-block">The <em>first</em> line<br />\n\u00a0\u00a0\u00a0indented'
            '<br />\na long line continued</div>')

    def test_a_table_is_still_a_table(self):
        self.assertMarkdownRenders(
            self.dedent("""
                | a | b |
                |---|---|
                | 1 | 2 |
                """),
            self.dedent("""
                <table>
                <thead>
                <tr>
                <th>a</th>
                <th>b</th>
                </tr>
                </thead>
                <tbody>
                <tr>
                <td>1</td>
                <td>2</td>
                </tr>
                </tbody>
                </table>
                """))
