"""Each language's conventions on plain strings and on runs of one block (config/typography.py)."""

from __future__ import annotations

import pytest

from makebook.config.typography import (
    LEFT_DOUBLE,
    LEFT_SINGLE,
    RIGHT_DOUBLE,
    RIGHT_SINGLE,
    conventions_for,
    read_quotes,
    typeset,
    typeset_text,
)

NB, THIN = '\u00a0', '\u202f'
FR, DE, ES, EN = (conventions_for(tag) for tag in ('fr', 'de', 'es', 'en'))


def shown(text: str) -> str:
    """Spaces made visible: '␣' a no-break space, '⍽' a narrow one."""
    return text.replace(NB, '␣').replace(THIN, '⍽')


@pytest.mark.parametrize(('text', 'expected'), [
    ('Quoi ? Oui ! Bon : voyons ; hélas', 'Quoi⍽? Oui⍽! Bon␣: voyons⍽; hélas'),  # typed spaces, no-break
    ('Quoi? Oui! Bon: voyons; hélas', 'Quoi⍽? Oui⍽! Bon␣: voyons⍽; hélas'),  # added where none was typed
    ('« Bonjour » et «collé»', '«⍽Bonjour⍽» et «⍽collé⍽»'),
    ('Vraiment ?!', 'Vraiment⍽?!'),  # one space before the group, never twice
    ('Il était 22:30 sur http://example.com?q=1', 'Il était 22:30 sur http://example.com?q=1'),
    ('(?) et [!]', '(?) et [!]'),  # nothing to space from
    ('Quoi  ?', 'Quoi⍽?'),  # a run of spaces is one space
    ('Déjà⍽?'.replace('⍽', THIN), 'Déjà⍽?'),  # what is right stays right
    ('Bon' + NB + ': oui', 'Bon␣: oui'),
])
def test_french_spaces(text: str, expected: str) -> None:
    assert shown(typeset_text(text, FR)) == expected
    assert shown(typeset_text(typeset_text(text, FR), FR)) == expected  # setting twice changes nothing


def test_canada_and_switzerland_make_typed_spaces_no_break_but_add_none_before_question_marks() -> None:
    for tag in ('fr-CA', 'fr-CH'):
        set_text = typeset_text('Quoi? Bon: oui ; non !', conventions_for(tag))
        assert shown(set_text) == 'Quoi? Bon␣: oui⍽; non⍽!'


@pytest.mark.parametrize(('conventions', 'text', 'expected'), [
    (EN, 'He said "yes" and \'no\', it\'s fine', 'He said “yes” and ‘no’, it’s fine'),
    (DE, 'Er sagte: "Wie geht\'s?" und \'gut\'.', 'Er sagte: „Wie geht’s?“ und ‚gut‘.'),
    (FR, 'Il dit "oui" et \'non\', l\'été.', 'Il dit «⍽oui⍽» et “non”, l’été.'),
    (ES, '¿"Quién"? ¡"Yo"!', '¿“Quién”? ¡“Yo”!'),  # ¿ and ¡ kept; the quote after them opens
    (conventions_for('es', read_quotes('«»“”')), 'Dijo "sí".', 'Dijo «sí».'),  # the RAE's, if asked
    (conventions_for('pt-BR'), 'Ele disse "sim".', 'Ele disse “sim”.'),
    (conventions_for('pt-PT'), 'Ele disse "sim".', 'Ele disse «sim».'),
    (conventions_for('pt'), 'Ele disse "sim".', 'Ele disse «sim».'),  # Portugal, as its labels
    (conventions_for('it'), 'Disse "sì".', 'Disse «sì».'),
    (conventions_for('de-CH'), 'Er sagte "ja".', 'Er sagte «ja».'),
    (conventions_for('nl'), "Hij zei \"ja\" en 'nee'.", 'Hij zei “ja” en ‘nee’.'),
    (conventions_for('he'), 'הוא אמר "כן".', 'הוא אמר ”כן”.'),
    # A double quote between two Hebrew letters marks an acronym: gershayim, never a quote.
    (conventions_for('he'), 'אמר: "הוא גר בארה"ב" וצה"ל.', 'אמר: ”הוא גר בארה״ב” וצה״ל.'),
    (EN, 'Hebrew in English: צה"ל', 'Hebrew in English: צה”ל'),
    (conventions_for('ar'), 'قال "نعم".', 'قال «نعم».'),
    (conventions_for('ru'), 'Он сказал: "это \'Вектор\'".', 'Он сказал: «это „Вектор“».'),
    (conventions_for('de', read_quotes('»«›‹')), 'Er sagte "ja".', 'Er sagte »ja«.'),
])
def test_straight_quotes_become_the_language_s(conventions, text: str, expected: str) -> None:
    assert shown(typeset_text(text, conventions)) == expected


def test_curly_quotes_the_author_typed_are_kept() -> None:
    assert typeset_text('Er sagte: „Ja.“', DE) == 'Er sagte: „Ja.“'
    assert shown(typeset_text('Il dit “oui”.', FR)) == 'Il dit “oui”.'


def test_smarty_s_markers_are_resolved_across_runs_and_opaque_runs_stay_as_they_are() -> None:
    """'Quoi <em>?</em>', a quote around a link, code in the middle: one block, several runs."""
    runs = [(f'Il dit {LEFT_DOUBLE}', FR), ('un lien', FR), (f'{RIGHT_DOUBLE}? Voir ', FR),
            ('x: "y"?', None), ('?', FR)]
    assert [shown(t) for t in typeset(runs)] == ['Il dit «⍽', 'un lien', '⍽»⍽? Voir ', 'x: "y"?', '⍽?']


def test_smarty_s_decisions_stand_where_it_could_make_them() -> None:
    text = (f'the {RIGHT_SINGLE}80s, {LEFT_SINGLE}tis {LEFT_DOUBLE}a{RIGHT_DOUBLE} '
            f'({LEFT_DOUBLE}b{RIGHT_DOUBLE})')
    assert typeset([(text, EN)]) == ['the ’80s, ‘tis “a” (“b”)']


@pytest.mark.parametrize(('conventions', 'text', 'expected'), [
    # A space typed before the closing quote: smarty opens again, the pair closes (an Arabic
    # Markdown guide, dawin-editor/markdown-guide-arabic: '"# عنوان أول "،').
    (conventions_for('ar'), f'كالتالي: {LEFT_DOUBLE}# عنوان أول {LEFT_DOUBLE}، أو',
     'كالتالي: «# عنوان أول »، أو'),
    (EN, f'He said {LEFT_DOUBLE}yes {LEFT_DOUBLE}. And {LEFT_DOUBLE}no{RIGHT_DOUBLE}.',
     'He said “yes ”. And “no”.'),
    (FR, f'Il dit {LEFT_DOUBLE}oui {LEFT_DOUBLE}? Non.', 'Il dit «⍽oui⍽»⍽? Non.'),
    # After '=' a quote opens (an attribute written as text); inches stay closing quotes.
    (EN, f'file={RIGHT_DOUBLE}a.png{RIGHT_DOUBLE} is 5{RIGHT_DOUBLE} wide', 'file=“a.png” is 5” wide'),
])
def test_the_pair_decides_where_smarty_read_one_quote_alone(conventions, text: str, expected: str) -> None:
    assert shown(typeset([(text, conventions)])[0]) == expected


def test_an_apostrophe_is_never_taken_for_a_closing_quote_inside_a_word() -> None:
    text = f"Er sagte: {LEFT_SINGLE}Wie geht{RIGHT_SINGLE}s dir?{RIGHT_SINGLE}"
    assert typeset([(text, DE)]) == ['Er sagte: ‚Wie geht’s dir?‘']


@pytest.mark.parametrize(('value', 'quotes'), [
    ('»«›‹', '»«›‹'), ('» « › ‹', '»«›‹'), ('»«', '»«»«'), ('abc', None), ('»', None), (3, None),
])
def test_the_quotes_key(value: object, quotes: str | None) -> None:
    assert read_quotes(value) == quotes
