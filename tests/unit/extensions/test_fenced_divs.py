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


def test_fences_never_closed_past_the_nesting_limit_are_text_and_memory_stays_small():
    """250 '::: box' never closed: markdown-it nests 110 divs (reader.MAX_LEVEL) and leaves
    the rest as text, which stays text (fenced_divs read each as a div again; from about 300,
    Python-Markdown ran out of recursion and the chapter was left empty); each div opened is
    reported at its line, the nesting past 100 is MB308, and no div holds its own copy of the
    rest of the file (5,000 took 177 MB; the peak is counted by tracemalloc, not timed)."""
    import tracemalloc
    from pathlib import Path

    from makebook.model import SourceFile
    from makebook.render.convert import convert_file

    text = '\n\n'.join(['::: box'] * 250) + '\n\nThe end.\n'
    convert_file(SourceFile(Path('/b/ch.md'), 'ch.md', 'Warm up.', 1, {}))  # modules loaded first
    tracemalloc.start()
    try:
        converted = convert_file(SourceFile(Path('/b/ch.md'), 'ch.md', text, 1, {}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    body = ''.join(converted.body.itertext())
    assert body.count('::: box') == 250 - 110 and 'The end.' in body
    unclosed = [problem.line for problem in converted.problems if problem.code == 'MB313']
    assert unclosed == list(range(1, 2 * 110, 2))
    assert [problem.code for problem in converted.problems if problem.code != 'MB313'] == ['MB308']
    assert peak < 300 * len(text), peak  # 1,280 times the text before
