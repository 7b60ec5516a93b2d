"""Every word make-book prints or writes itself, in the book's language: one table per language.

The words a book's own text does not give ("Contents", "Chapter 3", the
landmarks, the copyright page's lines...) are looked up here, by key, in the
table of the book's language (``lang: fr-CA`` reads the ``fr`` table), and an
author may replace any of them in the metadata::

    labels:
      contents: Sommaire
      chapter: "Chapitre {n}"

:func:`labels_for` resolves the tables and the overrides into the
:class:`~makebook.model.Labels` carried on the metadata, so every stage (the
XHTML pages, the EPUB's navigation, the print stylesheet's generated words)
asks ``metadata.labels('contents')`` and nothing else. A key missing from a
language's table falls back to English and is marked ``lang="en"`` where it is
printed (WCAG 3.1.2), as is every label of a language with no table.

Why here, in config: the labels are a function of the metadata (its ``lang``
and ``labels:`` keys), resolved and validated with the rest of it; the value
travels on :class:`~makebook.model.Metadata`, which the stages below config
(xhtml.py) can read.

Adding a word: add its key to ``_EN`` with its placeholders in braces, then to
every other table (or leave one out: it falls back to English); README lists
the keys. Adding a language: a table with every key, and an entry in ``TABLES``.

Where the words come from (say so when you add one):

* *Contents, Chapter, Figure, Table, Equation, Page, Part*: pandoc's ``data/translations/*.yaml``
  (from LaTeX babel and polyglossia), except where trade books print a
  shorter word than the academic one: German "Inhalt" (Suhrkamp, Hanser and
  Fischer print it; babel's "Inhaltsverzeichnis" is a thesis's), Dutch "Inhoud"
  (not "Inhoudsopgave"), Portuguese "Índice" in Portugal and "Sumário" in
  Brazil (ABNT NBR 6027), Arabic "الفصل" for a chapter (polyglossia's "باب" is
  a classical book's division), Russian "Содержание" and "Рис." (GOST 7.0.4 and
  Russian publishers' usage; babel's "Рисунок" is the long form).
* *Landmarks*: Thorium Reader's (EDRLab) locales, ``reader.marks.landmarks``.
* *The accessibility summary*: the W3C's localised Accessibility Metadata
  Display Guide (w3c/publ-a11y-display-guide-localizations, W3C Software and
  Document License): EDRLab's French, Fondazione LIA's Italian, VitalSource's
  professional translations for the others (``_A11Y`` below).
* *First published*, *translated from*: the forms of trade books' copyright and
  title pages in each language ("Première publication en", "Erstausgabe",
  "Primera edición", "Aus dem Schwedischen von", "Traduit du suédois par",
  "Traduzione dallo svedese di"); the source language's name is CLDR's, from
  Babel (config/language.py), with the article the language wants.
* *The copyright page's lines*: the forms publishers in each language print
  ("Traduit par", "Übersetzt von", "Traducción de", "Traduzione di", "Tradução
  de", "Vertaald door", "תרגום:", "ترجمة:"), the Hebrew and Arabic names of the
  ISBN ("מסת״ב", "ردمك") as Israeli and Arab publishers print them.
* *List patterns* ("A, B and C"): CLDR's ``listPatterns`` (standard), with
  ICU's two exceptions (Spanish "e" before an /i/ sound, Hebrew "ו-" before a
  name not written in Hebrew), applied by :meth:`~makebook.model.Labels.join`.

French words keep French spacing (a no-break space before ``:``), written
into the table as ``\\u00a0``.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Callable, Mapping
from typing import Any

from makebook import codes
from makebook.model import Labels

_NBSP = '\u00a0'
_NNBSP = '\u202f'  # French: the narrow no-break space inside « »

_EN: dict[str, str] = {
    # The table of contents, the EPUB's landmarks and page-list (nav.xhtml, toc.ncx, the guide).
    'contents': 'Contents',
    'landmarks': 'Landmarks',
    'cover': 'Cover',
    'title-page': 'Title Page',
    'copyright': 'Copyright',
    'start-of-content': 'Start of Content',
    'pages': 'Pages',
    # The text: chapter openers, notes, figures and cross-references.
    'chapter': 'Chapter {n}',
    'notes': 'Notes',
    'continued': '(cont.)',  # a footnote continued at the foot of the next page (PDF)
    'figure-caption': 'Figure {n}.',
    'figure-ref': 'figure {n}',  # a reference to a numbered figure, in running text
    'figure': 'figure',  # a reference to an unnumbered figure without a caption
    'here': 'here',  # an empty link to an anchor with no text of its own
    'table-caption': 'Table {n}.',
    'table-ref': 'table {n}',
    'equation-ref': 'equation {n}',
    'audio-note': 'Audio: {name}',  # an <audio> a book cannot play, named
    'video-note': 'Video: {name}',
    'page-ref': 'page {n}',  # PDF: a reference to a place, by its page
    'section-page-ref': '{title}, page {n}',  # PDF: a reference to a section, by title and page
    'dedication': 'Dedication',  # the hidden headings of the metadata's dedication and epigraph
    'epigraph': 'Epigraph',
    # The cover image's description, the title page and the copyright page.
    'cover-alt': 'Cover of {title}, by {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'Edited by {name}',
    'translated-by': 'Translated by {name}',
    'illustrated-by': 'Illustrated by {name}',
    'series-book': '{series}, book {n}',
    'published': 'Published {date}',
    'first-published': 'First published in {year}',
    'first-published-by': 'First published in {year} by {publisher}',
    'translated-from': 'Translated from the {language} by {name}',
    'isbn': 'ISBN {isbn}',
    'identifier': 'Identifier: {identifier}',
    'set-in': 'Set in {faces}, used under the {licence}.',
    'font-licence': '{face}: licence',
    'font-licences': 'Font licences',
    # Lists of names ("A and B", "A, B, and C"): CLDR's list patterns.
    'list-two': '{0} and {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0}, and {1}',
}

_FR: dict[str, str] = {
    'contents': 'Table des matières',
    'landmarks': 'Repères',
    'cover': 'Couverture',
    'title-page': 'Page de titre',
    'copyright': 'Copyright',  # "la page de copyright": the word is French too (Larousse)
    'start-of-content': 'Début du texte',
    'pages': 'Pages',
    'chapter': 'Chapitre {n}',
    'notes': 'Notes',
    'continued': '(suite)',
    'figure-caption': 'Figure {n}.',
    'figure-ref': 'figure {n}',
    'figure': 'figure',
    'here': 'ici',
    'table-caption': 'Tableau {n}.',
    'table-ref': 'tableau {n}',
    'equation-ref': 'équation {n}',
    'audio-note': 'Audio\u00a0: {name}',
    'video-note': 'Vidéo\u00a0: {name}',
    'page-ref': 'page {n}',
    'section-page-ref': '{title}, page {n}',
    'dedication': 'Dédicace',
    'epigraph': 'Épigraphe',
    'cover-alt': f'Couverture de «{_NNBSP}{{title}}{_NNBSP}», par {{authors}}',
    'title-subtitle': f'{{title}}{_NBSP}: {{subtitle}}',
    'edited-by': 'Textes réunis par {name}',
    'translated-by': 'Traduit par {name}',
    'illustrated-by': 'Illustré par {name}',
    'series-book': '{series}, tome {n}',
    'published': f'Date de publication{_NBSP}: {{date}}',
    'first-published': 'Première publication en {year}',
    'first-published-by': 'Première publication en {year} par {publisher}',
    'translated-from': 'Traduit {language} par {name}',  # du suédois, de l’anglais
    'isbn': 'ISBN {isbn}',
    'identifier': f'Identifiant{_NBSP}: {{identifier}}',
    'set-in': 'Composé en {faces} ({licence}).',
    'font-licence': f'{{face}}{_NBSP}: licence',
    'font-licences': 'Licences des polices',
    'list-two': '{0} et {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} et {1}',
}

_DE: dict[str, str] = {
    'contents': 'Inhalt',
    'landmarks': 'Navigationspunkte',
    'cover': 'Cover',
    'title-page': 'Titelseite',
    'copyright': 'Impressum',
    'start-of-content': 'Textanfang',
    'pages': 'Seiten',
    'chapter': 'Kapitel {n}',
    'notes': 'Anmerkungen',
    'continued': '(Forts.)',
    'figure-caption': 'Abbildung {n}.',
    'figure-ref': 'Abbildung {n}',
    'figure': 'Abbildung',
    'here': 'hier',
    'table-caption': 'Tabelle {n}.',
    'table-ref': 'Tabelle {n}',
    'equation-ref': 'Gleichung {n}',
    'audio-note': 'Audio: {name}',
    'video-note': 'Video: {name}',
    'page-ref': 'Seite {n}',
    'section-page-ref': '{title}, Seite {n}',
    'dedication': 'Widmung',
    'epigraph': 'Motto',
    'cover-alt': 'Cover: {title} von {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'Herausgegeben von {name}',
    'translated-by': 'Übersetzt von {name}',
    'illustrated-by': 'Illustriert von {name}',
    'series-book': '{series}, Band {n}',
    'published': 'Erscheinungsdatum: {date}',
    'first-published': 'Erstausgabe {year}',
    'first-published-by': 'Erstausgabe {year} bei {publisher}',
    'translated-from': 'Aus dem {language} von {name}',  # aus dem Schwedischen
    'isbn': 'ISBN {isbn}',
    'identifier': 'Kennung: {identifier}',
    'set-in': 'Gesetzt aus der {faces} ({licence}).',
    'font-licence': '{face}: Lizenz',
    'font-licences': 'Schriftlizenzen',
    'list-two': '{0} und {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} und {1}',
}

_ES: dict[str, str] = {
    'contents': 'Índice',
    'landmarks': 'Puntos de referencia',
    'cover': 'Cubierta',  # the "portada" of a Spanish book is its title page
    'title-page': 'Portada',
    'copyright': 'Créditos',
    'start-of-content': 'Inicio del texto',
    'pages': 'Páginas',
    'chapter': 'Capítulo {n}',
    'notes': 'Notas',
    'continued': '(cont.)',
    'figure-caption': 'Figura {n}.',
    'figure-ref': 'figura {n}',
    'figure': 'figura',
    'here': 'aquí',
    'table-caption': 'Tabla {n}.',
    'table-ref': 'tabla {n}',
    'equation-ref': 'ecuación {n}',
    'audio-note': 'Audio: {name}',
    'video-note': 'Vídeo: {name}',
    'page-ref': 'página {n}',
    'section-page-ref': '{title}, página {n}',
    'dedication': 'Dedicatoria',
    'epigraph': 'Epígrafe',
    'cover-alt': 'Cubierta del libro {title}, de {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'Edición de {name}',
    'translated-by': 'Traducción de {name}',
    'illustrated-by': 'Ilustraciones de {name}',
    'series-book': '{series}, libro {n}',
    'published': 'Fecha de publicación: {date}',
    'first-published': 'Primera edición: {year}',
    'first-published-by': 'Primera edición: {year}, {publisher}',
    'translated-from': 'Traducción del {language} de {name}',
    'isbn': 'ISBN {isbn}',
    'identifier': 'Identificador: {identifier}',
    'set-in': 'Compuesto en {faces} ({licence}).',
    'font-licence': '{face}: licencia',
    'font-licences': 'Licencias de las fuentes',
    'list-two': '{0} y {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} y {1}',
}

_IT: dict[str, str] = {
    'contents': 'Indice',
    'landmarks': 'Punti di riferimento',
    'cover': 'Copertina',
    'title-page': 'Frontespizio',
    'copyright': 'Copyright',
    'start-of-content': 'Inizio del testo',
    'pages': 'Pagine',
    'chapter': 'Capitolo {n}',
    'notes': 'Note',
    'continued': '(segue)',
    'figure-caption': 'Figura {n}.',
    'figure-ref': 'figura {n}',
    'figure': 'figura',
    'here': 'qui',
    'table-caption': 'Tabella {n}.',
    'table-ref': 'tabella {n}',
    'equation-ref': 'equazione {n}',
    'audio-note': 'Audio: {name}',
    'video-note': 'Video: {name}',
    'page-ref': 'pagina {n}',
    'section-page-ref': '{title}, pagina {n}',
    'dedication': 'Dedica',
    'epigraph': 'Epigrafe',
    'cover-alt': 'Copertina del libro {title} di {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'A cura di {name}',
    'translated-by': 'Traduzione di {name}',
    'illustrated-by': 'Illustrazioni di {name}',
    'series-book': '{series}, volume {n}',
    'published': 'Data di pubblicazione: {date}',
    'first-published': 'Prima edizione: {year}',
    'first-published-by': 'Prima edizione: {year}, {publisher}',
    'translated-from': 'Traduzione {language} di {name}',  # dallo svedese, dall’inglese
    'isbn': 'ISBN {isbn}',
    'identifier': 'Identificativo: {identifier}',
    'set-in': 'Composto in {faces} ({licence}).',
    'font-licence': '{face}: licenza',
    'font-licences': 'Licenze dei caratteri',
    'list-two': '{0} e {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} e {1}',
}

_PT: dict[str, str] = {  # Portugal; Brazil's differences are in _PT_BR
    'contents': 'Índice',
    'landmarks': 'Pontos de referência',
    'cover': 'Capa',
    'title-page': 'Página de rosto',
    'copyright': 'Ficha técnica',
    'start-of-content': 'Início do texto',
    'pages': 'Páginas',
    'chapter': 'Capítulo {n}',
    'notes': 'Notas',
    'continued': '(cont.)',
    'figure-caption': 'Figura {n}.',
    'figure-ref': 'figura {n}',
    'figure': 'figura',
    'here': 'aqui',
    'table-caption': 'Tabela {n}.',
    'table-ref': 'tabela {n}',
    'equation-ref': 'equação {n}',
    'audio-note': 'Áudio: {name}',
    'video-note': 'Vídeo: {name}',
    'page-ref': 'página {n}',
    'section-page-ref': '{title}, página {n}',
    'dedication': 'Dedicatória',
    'epigraph': 'Epígrafe',
    'cover-alt': 'Capa do livro {title}, de {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'Edição de {name}',
    'translated-by': 'Tradução de {name}',
    'illustrated-by': 'Ilustrações de {name}',
    'series-book': '{series}, livro {n}',
    'published': 'Data de publicação: {date}',
    'first-published': 'Primeira edição: {year}',
    'first-published-by': 'Primeira edição: {year}, {publisher}',
    'translated-from': 'Tradução do {language} de {name}',
    'isbn': 'ISBN {isbn}',
    'identifier': 'Identificador: {identifier}',
    'set-in': 'Composto em {faces} ({licence}).',
    'font-licence': '{face}: licença',
    'font-licences': 'Licenças dos tipos de letra',
    'list-two': '{0} e {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} e {1}',
}

_PT_BR: dict[str, str] = {
    **_PT,
    'contents': 'Sumário',
    'title-page': 'Folha de rosto',
    'copyright': 'Créditos',
    'font-licences': 'Licenças das fontes',
}

_NL: dict[str, str] = {
    'contents': 'Inhoud',
    'landmarks': 'Structuurelementen',
    'cover': 'Omslag',
    'title-page': 'Titelpagina',
    'copyright': 'Colofon',  # a Dutch book's copyright page is its colofon
    'start-of-content': 'Begin van de tekst',
    'pages': "Pagina's",
    'chapter': 'Hoofdstuk {n}',
    'notes': 'Noten',
    'continued': '(vervolg)',
    'figure-caption': 'Figuur {n}.',
    'figure-ref': 'figuur {n}',
    'figure': 'figuur',
    'here': 'hier',
    'table-caption': 'Tabel {n}.',
    'table-ref': 'tabel {n}',
    'equation-ref': 'vergelijking {n}',
    'audio-note': 'Audio: {name}',
    'video-note': 'Video: {name}',
    'page-ref': 'pagina {n}',
    'section-page-ref': '{title}, pagina {n}',
    'dedication': 'Opdracht',
    'epigraph': 'Motto',
    'cover-alt': 'Omslag van {title} door {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'Onder redactie van {name}',
    'translated-by': 'Vertaald door {name}',
    'illustrated-by': 'Illustraties van {name}',
    'series-book': '{series}, deel {n}',
    'published': 'Verschenen: {date}',
    'first-published': 'Eerste uitgave {year}',
    'first-published-by': 'Eerste uitgave {year} bij {publisher}',
    'translated-from': 'Vertaald uit het {language} door {name}',
    'isbn': 'ISBN {isbn}',
    'identifier': 'Identificatie: {identifier}',
    'set-in': 'Gezet uit de {faces} ({licence}).',
    'font-licence': '{face}: licentie',
    'font-licences': 'Letterlicenties',
    'list-two': '{0} en {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} en {1}',
}

_HE: dict[str, str] = {
    'contents': 'תוכן העניינים',
    'landmarks': 'ציוני דרך',
    'cover': 'כריכה',
    'title-page': 'שער',
    'copyright': 'זכויות יוצרים',
    'start-of-content': 'תחילת הטקסט',
    'pages': 'עמודים',
    'chapter': 'פרק {n}',
    'notes': 'הערות',
    'continued': '(המשך)',
    'figure-caption': 'איור {n}.',
    'figure-ref': 'איור {n}',
    'figure': 'איור',
    'here': 'כאן',
    'table-caption': 'טבלה {n}.',
    'table-ref': 'טבלה {n}',
    'equation-ref': 'משוואה {n}',
    'audio-note': 'שמע: {name}',
    'video-note': 'וידאו: {name}',
    'page-ref': 'עמוד {n}',
    'section-page-ref': '{title}, עמוד {n}',
    'dedication': 'הקדשה',
    'epigraph': 'מוטו',
    'cover-alt': 'כריכת הספר {title} מאת {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'עריכה: {name}',
    'translated-by': 'תרגום: {name}',
    'illustrated-by': 'איורים: {name}',
    'series-book': '{series}, ספר {n}',
    'published': 'תאריך פרסום: {date}',
    'first-published': 'מהדורה ראשונה: {year}',
    'first-published-by': 'מהדורה ראשונה: {year}, {publisher}',
    'translated-from': 'תרגום מ{language}: {name}',  # תרגום משוודית
    'isbn': 'מסת״ב {isbn}',
    'identifier': 'מזהה: {identifier}',
    'set-in': 'גופן: {faces} ({licence}).',
    'font-licence': '{face}: רישיון',
    'font-licences': 'רישיונות הגופנים',
    'list-two': '{0} ו{1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} ו{1}',
}

_AR: dict[str, str] = {
    'contents': 'المحتويات',
    'landmarks': 'المعالم',
    'cover': 'الغلاف',
    'title-page': 'صفحة العنوان',
    'copyright': 'حقوق النشر',
    'start-of-content': 'بداية النص',
    'pages': 'الصفحات',
    'chapter': 'الفصل {n}',
    'notes': 'الهوامش',
    'continued': '(تابع)',
    'figure-caption': 'شكل {n}.',
    'figure-ref': 'الشكل {n}',
    'figure': 'الشكل',
    'here': 'هنا',
    'table-caption': 'جدول {n}.',
    'table-ref': 'جدول {n}',
    'equation-ref': 'معادلة {n}',
    'audio-note': 'صوت: {name}',
    'video-note': 'فيديو: {name}',
    'page-ref': 'صفحة {n}',
    'section-page-ref': '{title}، صفحة {n}',
    'dedication': 'إهداء',
    'epigraph': 'تصدير',
    'cover-alt': 'غلاف كتاب {title}، تأليف {authors}',
    'title-subtitle': '{title}: {subtitle}',
    'edited-by': 'تحرير: {name}',
    'translated-by': 'ترجمة: {name}',
    'illustrated-by': 'رسوم: {name}',
    'series-book': '{series}، الجزء {n}',
    'published': 'تاريخ النشر: {date}',
    'first-published': 'الطبعة الأولى: {year}',
    'first-published-by': 'الطبعة الأولى: {year}، {publisher}',
    'translated-from': 'ترجمة عن {language}: {name}',  # ترجمة عن السويدية
    'isbn': 'ردمك {isbn}',
    'identifier': 'المعرّف: {identifier}',
    'set-in': 'الخط: {faces} ({licence}).',
    'font-licence': '{face}: الترخيص',
    'font-licences': 'تراخيص الخطوط',
    'list-two': '{0} و{1}',
    'list-start': '{0} و{1}',
    'list-middle': '{0} و{1}',
    'list-end': '{0} و{1}',
}

_RU: dict[str, str] = {
    'contents': 'Содержание',
    'landmarks': 'Ориентиры',
    'cover': 'Обложка',
    'title-page': 'Титульный лист',
    'copyright': 'Выходные сведения',
    'start-of-content': 'Начало текста',
    'pages': 'Страницы',
    'chapter': 'Глава {n}',
    'notes': 'Примечания',
    'continued': '(продолжение)',
    'figure-caption': 'Рис. {n}.',
    'figure-ref': 'рис. {n}',
    'figure': 'рисунок',
    'here': 'здесь',
    'table-caption': 'Таблица {n}.',
    'table-ref': 'табл. {n}',
    'equation-ref': 'формула {n}',
    'audio-note': 'Аудио: {name}',
    'video-note': 'Видео: {name}',
    'page-ref': 'с. {n}',
    'section-page-ref': '{title}, с. {n}',
    'dedication': 'Посвящение',
    'epigraph': 'Эпиграф',
    # A name after a label, not inside the sentence: Russian declines names ("под редакцией
    # Ивана Петрова"), which a table cannot; imprints print "Перевод: …", "Редактор: …".
    'cover-alt': 'Обложка книги «{title}», автор: {authors}',
    'title-subtitle': '{title}. {subtitle}',
    'edited-by': 'Редактор: {name}',
    'translated-by': 'Перевод: {name}',
    'illustrated-by': 'Иллюстрации: {name}',
    'series-book': '{series}, книга {n}',
    'published': 'Дата публикации: {date}',
    'first-published': 'Впервые опубликовано в {year} году',
    'first-published-by': 'Впервые опубликовано в {year} году, издательство {publisher}',
    'translated-from': 'Перевод {language}: {name}',  # с английского (config/language.py)
    'isbn': 'ISBN {isbn}',
    'identifier': 'Идентификатор: {identifier}',
    'set-in': 'Набрано шрифтами {faces} ({licence}).',
    'font-licence': '{face}: лицензия',
    'font-licences': 'Лицензии шрифтов',
    'list-two': '{0} и {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} и {1}',
}

# Chinese, Japanese and Korean: the words of the text only (the contents, chapter openers,
# notes, captions, cross-references, lists of names); the others (landmarks, the copyright
# page's lines, the cover's description) are English, marked lang="en", until a table that
# publishers' usage confirms is added. Contents, Figure, Table, Page: pandoc's
# data/translations (ja.yaml, ko.yaml, zh-Hans.yaml, zh-Hant.yaml); a chapter as trade books
# number it ("第3章", "제3장": pandoc's bare "章"/"장" is the word, not the opener); Notes: the
# heading CJK books print over endnotes (注, 注释, 註釋, 주); the list patterns: CLDR's.
_JA: dict[str, str] = {
    'contents': '目次',
    'chapter': '第{n}章',
    'notes': '注',
    'figure-caption': '図{n}',
    'figure-ref': '図{n}',
    'table-caption': '表{n}',
    'table-ref': '表{n}',
    'page-ref': '{n}頁',
    'section-page-ref': '{title}（{n}頁）',
    'list-two': '{0}、{1}',
    'list-start': '{0}、{1}',
    'list-middle': '{0}、{1}',
    'list-end': '{0}、{1}',
}

_ZH_HANS: dict[str, str] = {
    'contents': '目录',
    'chapter': '第{n}章',
    'notes': '注释',
    'figure-caption': '图{n}',
    'figure-ref': '图{n}',
    'table-caption': '表{n}',
    'table-ref': '表{n}',
    'page-ref': '第{n}页',
    'section-page-ref': '{title}，第{n}页',
    'list-two': '{0}和{1}',
    'list-start': '{0}、{1}',
    'list-middle': '{0}、{1}',
    'list-end': '{0}和{1}',
}

_ZH_HANT: dict[str, str] = {
    'contents': '目錄',
    'chapter': '第{n}章',
    'notes': '註釋',
    'figure-caption': '圖{n}',
    'figure-ref': '圖{n}',
    'table-caption': '表{n}',
    'table-ref': '表{n}',
    'page-ref': '第{n}頁',
    'section-page-ref': '{title}，第{n}頁',
    'list-two': '{0}和{1}',
    'list-start': '{0}、{1}',
    'list-middle': '{0}、{1}',
    'list-end': '{0}和{1}',
}

_KO: dict[str, str] = {
    'contents': '차례',
    'chapter': '제{n}장',
    'notes': '주',
    'figure-caption': '그림 {n}',
    'figure-ref': '그림 {n}',
    'table-caption': '표 {n}',
    'table-ref': '표 {n}',
    'page-ref': '{n}쪽',
    'section-page-ref': '{title}, {n}쪽',
    'list-two': '{0} 및 {1}',
    'list-start': '{0}, {1}',
    'list-middle': '{0}, {1}',
    'list-end': '{0} 및 {1}',
}

# By language tag, most specific first when looked up ('pt-BR' before 'pt').
TABLES: Mapping[str, Mapping[str, str]] = {
    'en': _EN, 'fr': _FR, 'de': _DE, 'es': _ES, 'it': _IT, 'pt': _PT, 'pt-br': _PT_BR,
    'nl': _NL, 'he': _HE, 'iw': _HE, 'ar': _AR, 'ru': _RU,
    'ja': _JA, 'ko': _KO, 'zh': _ZH_HANS, 'zh-hans': _ZH_HANS, 'zh-hant': _ZH_HANT,
    'zh-tw': _ZH_HANT, 'zh-hk': _ZH_HANT, 'zh-mo': _ZH_HANT,
}
KEYS: tuple[str, ...] = tuple(_EN)


def table_language(language: str) -> str | None:
    """The key of the table a language tag reads ('fr-CA' -> 'fr', 'pt-BR' -> 'pt-br'), or None."""
    parts = language.lower().split('-')
    for size in range(len(parts), 0, -1):
        tag = '-'.join(parts[:size])
        if tag in TABLES:
            return tag
    return None


def labels_for(language: str, overrides: Mapping[str, str] | None = None) -> Labels:
    """The words for a book in ``language``, with the metadata's ``labels:`` over them.

    A key the language's table lacks (or every key, for a language with no
    table) is English, and :meth:`~makebook.model.Labels.lang_of` says so.
    """
    tag = table_language(language)
    table = TABLES[tag] if tag is not None else {}
    words = {key: table.get(key, _EN[key]) for key in KEYS}
    english = frozenset(key for key in KEYS if key not in table and tag != 'en')
    if overrides:
        words.update(overrides)
        english -= set(overrides)
    return Labels(words=words, language=language, english=english)


def read_labels(value: Any, complain: Callable[..., None]) -> dict[str, str]:
    """The ``labels:`` mapping of the metadata, checked: known keys, text, the same placeholders."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        complain('labels', "expected a mapping of label names to words, such as 'contents: Sommaire'")
        return {}
    found: dict[str, str] = {}
    for key, words in value.items():
        name = str(key)
        if name not in _EN:
            close = difflib.get_close_matches(name, KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f' (the names: {", ".join(KEYS)})'
            complain('labels', f"'{name}' is not a label make-book prints{hint}", codes.UNKNOWN_LABEL)
            continue
        if not isinstance(words, str) or not words.strip():
            complain('labels', f"'{name}': expected text")
            continue
        words = ' '.join(words.split())
        wanted, given = placeholders(_EN[name]), _placeholders_or_none(words)
        if given is None or not given <= wanted or ('n' in wanted and 'n' not in given):
            shown = ', '.join('{' + p + '}' for p in sorted(wanted)) or 'none'
            complain('labels', f"'{name}': '{words}' must use only the placeholders {shown}"
                     + (' and keep {n}' if 'n' in wanted else ''), codes.BAD_LABEL)
            continue
        found[name] = words
    return found


def placeholders(template: str) -> frozenset[str]:
    """The ``{names}`` a label's words hold."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)


def _placeholders_or_none(template: str) -> frozenset[str] | None:
    try:
        return placeholders(template)
    except ValueError:  # an unmatched brace
        return None


def accessibility_sentences(language: str) -> Mapping[str, str] | None:
    """The W3C display guide's sentences for the accessibility summary in ``language``, or None
    (English has make-book's own summary, epub/accessibility.py; other languages fall back to it)."""
    tag = table_language(language)
    return _A11Y.get(tag) if tag is not None else None


# The accessibility summary's sentences, from the W3C Accessibility Metadata Display Guide's
# localisations (github w3c/publ-a11y-display-guide-localizations, lang/*/display_guide_vocabulary_*
# .json, the 'descriptive' statements): navigation-toc, navigation-structural,
# ways-of-reading-visual-adjustments-modifiable, ways-of-reading-nonvisual-reading-alt-text and
# -not-fully, navigation-page-navigation, rich-content-accessible-math-as-mathml, conformance-aa.
_A11Y: Mapping[str, Mapping[str, str]] = {
    'fr': {  # The European Digital Reading Lab (EDRLab), fr-FR
        'toc': 'Table des matières',
        'structure': 'Contient des titres pour une navigation structurée',
        'adjustable': (
            "L'apparence du texte et la mise en page peuvent être modifiées en fonction des "
            'capacités du système de lecture (famille et taille des polices, espaces entre les '
            'paragraphes, les phrases, les mots et les lettres, ainsi que la couleur de '
            "l'arrière-plan et du texte)"
        ),
        'alt-text': 'Les images sont décrites par un texte',
        'not-fully': 'Tous les contenus ne pourront pas être lus en voix de synthèse ou en braille',
        'page-list': "Permet d'accéder aux pages de la version source imprimée",
        'math': 'Formules mathématiques en format accessible (MathML)',
        'conforms': (
            "La publication indique qu'elle respecte les règles d'accessibilité EPUB et WCAG 2 "
            'niveau AA'
        ),
    },
    'de': {  # VitalSource, de-DE
        'toc': 'Inhaltsverzeichnis zu allen Kapiteln des Textes über Links',
        'structure': 'Elemente wie Überschriften, Tabellen usw. für eine strukturierte Navigation',
        'adjustable': (
            'Das Erscheinungsbild des Textes und das Seitenlayout können entsprechend den '
            'Möglichkeiten des Lesesystems angepasst werden (Schriftfamilie und Schriftgröße, '
            'Abstände zwischen Absätzen, Sätzen, Wörtern und Buchstaben sowie die Farbe von '
            'Hintergrund und Text)'
        ),
        'alt-text': 'Verfügt über alternative Textbeschreibungen für Bilder',
        'not-fully': (
            'Nicht alle Inhalte können als Sprachausgabe oder in dynamischer Braille-Schrift '
            'wiedergegeben werden'
        ),
        'page-list': 'Seitenliste, um zu Seiten der Druckquelle zu gelangen',
        'math': 'Mathematische Formeln in einem barrierefreien Format (MathML)',
        'conforms': (
            'Die Veröffentlichung enthält eine Konformitätserklärung, dass sie den Standards EPUB'
            ' Accessibility und WCAG 2 Level AA entspricht'
        ),
    },
    'es': {  # VitalSource, es-ES
        'toc': 'Índice de todos los capítulos del texto mediante enlaces',
        'structure': 'Elementos como encabezados, tablas, etc. para navegar de forma estructurada',
        'adjustable': (
            'El aspecto del texto y el diseño de la página se pueden modificar según las '
            'capacidades del sistema de lectura (tipo y tamaño de fuente, espacios entre '
            'párrafos, frases, palabras y letras, así como el color del fondo y del texto)'
        ),
        'alt-text': 'Tiene descripciones de texto alternativas para las imágenes',
        'not-fully': 'No todo el contenido será legible como discurso leído en voz alta o braille dinámico',
        'page-list': 'Lista de páginas para acceder a las páginas de la versión impresa original',
        'math': 'Fórmulas matemáticas en formato accesible (MathML)',
        'conforms': (
            'La publicación incluye una declaración de conformidad que asegura el cumplimiento '
            'del estándar de accesibilidad EPUB y WCAG 2 Nivel AA'
        ),
    },
    'it': {  # Fondazione LIA, it-IT
        'toc': 'L’indice permette l’accesso diretto a tutti i capitoli tramite link',
        'structure': 'Elementi come titoli, elenchi e tabelle permettono una navigazione strutturata',
        'adjustable': (
            'La formattazione del testo e il layout della pagina possono essere modificati in '
            'base alle funzionalità presenti nella soluzione di lettura (ingrandimento dei '
            'caratteri del testo, modifica dei colori e dei contrasti per il testo e lo sfondo, '
            'modifica degli spazi tra lettere, parole, frasi e paragrafi)'
        ),
        'alt-text': 'Le immagini presentano delle descrizioni testuali alternative',
        'not-fully': (
            'Non tutto il contenuto è leggibile con la lettura ad alta voce o con il display '
            'braille'
        ),
        'page-list': 'Sono presenti i riferimenti ai numeri di pagina della corrispondente versione a stampa',
        'math': 'Le formule matematiche sono in formato accessibile (MathML)',
        'conforms': (
            'La pubblicazione contiene una dichiarazione di conformità che attesta la rispondenza'
            ' agli standard EPUB Accessibility e WCAG 2 Livello AA'
        ),
    },
    'pt': {  # VitalSource, pt-PT
        'toc': 'Índice de todos os capítulos do texto através de ligações',
        'structure': 'Elementos como cabeçalhos, tabelas, etc. para navegação estruturada',
        'adjustable': (
            'A aparência do texto e a disposição da página podem ser modificadas de acordo com as'
            ' capacidades do sistema de leitura (família de tipos de letra e tamanho do tipo de '
            'letra, espaços entre parágrafos, frases, palavras e letras, assim como cor do fundo '
            'e do texto)'
        ),
        'alt-text': 'Tem descrições de texto alternativas para imagens',
        'not-fully': 'Nem todo o conteúdo poderá ser lido como voz alta ou braille dinâmico',
        'page-list': 'Lista de páginas para aceder às páginas da versão impressa de origem',
        'math': 'Fórmulas matemáticas em formato acessível (MathML)',
        'conforms': (
            'A publicação contém uma declaração de conformidade de que cumpre os padrões de '
            'acessibilidade EPUB e WCAG 2 Nível AA'
        ),
    },
    'pt-br': {  # VitalSource, pt-BR
        'toc': 'Índice de todos os capítulos do texto via links',
        'structure': 'Elementos como cabeçalhos, tabelas, etc. para navegação estruturada',
        'adjustable': (
            'A aparência do texto e do layout da página pode ser modificada de acordo com os '
            'recursos do sistema de leitura (família e tamanho da fonte, espaços entre '
            'parágrafos, frases, palavras e letras, bem como a cor do plano de fundo e do texto)'
        ),
        'alt-text': 'Tem descrições de texto alternativas para imagens',
        'not-fully': 'Nem todo o conteúdo pode ser lido em voz alta nem braille dinâmico',
        'page-list': 'Lista de páginas para acessar páginas da versão impressa de origem',
        'math': 'Fórmulas matemáticas em formato acessível (MathML)',
        'conforms': (
            'A publicação contém uma declaração de conformidade dentro das normas de '
            'acessibilidade EPUB e WCAG 2 Nível AA'
        ),
    },
    'nl': {  # VitalSource, nl-NL
        'toc': 'Inhoudsopgave naar alle hoofdstukken van de tekst via links',
        'structure': 'Elementen zoals koppen, tabellen, enz. voor gestructureerde navigatie',
        'adjustable': (
            'Het uiterlijk van de tekst en de paginalay-out kunnen worden aangepast aan de '
            'mogelijkheden van het leessysteem (lettertypefamilie en lettergrootte, spaties '
            "tussen alinea's, zinnen, woorden en letters, evenals de kleur van achtergrond en "
            'tekst)'
        ),
        'alt-text': 'Heeft alternatieve tekstbeschrijvingen voor afbeeldingen',
        'not-fully': 'Niet alle inhoud zal leesbaar zijn als voorgelezen spraak of dynamische braille',
        'page-list': "Paginalijst om naar pagina's van de gedrukte bronversie te navigeren",
        'math': 'Wiskundige formules in toegankelijk formaat (MathML)',
        'conforms': (
            'De publicatie bevat een conformiteitsverklaring dat deze voldoet aan de EPUB-'
            'toegankelijkheidsnorm en de WCAG 2 Level AA-standaard'
        ),
    },
    'he': {  # VitalSource, he-IL
        'toc': 'תוכן העניינים לכל פרקי הטקסט באמצעות קישורים',
        'structure': "רכיבים כמו כותרות, טבלאות וכו' לניווט מובנה",
        'adjustable': (
            'ניתן לשנות את מראה הטקסט ואת פריסת הדף בהתאם ליכולות של מערכת הקריאה (משפחת גופנים '
            'וגודל גופן, רווחים בין פסקאות, משפטים, מילים ואותיות, כמו גם צבע הרקע והטקסט)'
        ),
        'alt-text': 'יש תיאורי טקסט חלופיים לתמונות',
        'not-fully': 'ניתן לקרוא רק חלק מהתוכן בקול או בכתב ברייל דינמי',
        'page-list': 'רשימת דפים למעבר לדפים מגרסת המקור המודפסת',
        'math': 'נוסחאות מתמטיות בפורמט נגיש (MathML)',
        'conforms': 'הפרסום מכיל הצהרת תאימות שהוא עומד בתקן הנגישות של EPUB ובתקן WCAG 2 רמה AA',
    },
    'ar': {  # VitalSource, ar-SA
        'toc': 'جدول محتويات يوفر الوصول إلى جميع فصول النص عبر الروابط',
        'structure': 'عناصر مثل العناوين والجداول وما إلى ذلك للتنقل المنظم',
        'adjustable': (
            'يمكن تعديل مظهر النص وتخطيط الصفحة وفقًا لإمكانيات نظام القراءة (عائلة الخطوط وحجم '
            'الخط، والمسافات بين الفقرات والجمل والكلمات والحروف، وكذلك لون الخلفية والنص)'
        ),
        'alt-text': 'يوفر أوصاف نصية بديلة للصور',
        'not-fully': 'لن يكون كل المحتوى قابلاً للقراءة ككلام مقروء بصوت عالٍ أو بطريقة برايل التفاعلية',
        'page-list': 'قائمة الصفحات للانتقال إلى الصفحات من النسخة المطبوعة',
        'math': 'صيغ الرياضيات بتنسيق يمكن الوصول إليه (MathML)',
        'conforms': 'يتضمن المنشور بيان مطابقة يؤكد أنه يلتزم بمعايير إمكانية الوصول EPUB وWCAG 2 المستوى AA',
    },
}
