"""Wikitext: a real article (Goryeo ware) and the reference forms MediaWiki's Cite supports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from provenance.ingest.forms.wikitext import parse

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"


def test_goryeo_ware_article() -> None:
    source = ARTICLES / "goryeo_ware.wikitext"
    expected = json.loads((ARTICLES / "goryeo_ware.expected.json").read_text(encoding="utf-8"))
    doc = parse(source.read_text(encoding="utf-8"))
    assert doc.format == expected["format"]
    assert doc.title == expected["title"]
    assert [c.text for c in doc.claims] == [c["starts"] for c in expected["claims"]]
    for claim, want in zip(doc.claims, expected["claims"], strict=True):
        assert claim.section == want["section"]
        assert [x.label for x in claim.citations] == want["citations"]
    facts = dict(doc.facts)
    for key, value in expected["facts"].items():
        assert facts[key] == value
    assert "img" not in facts and "caption" not in facts
    refs = {r.label: r for r in doc.references}
    assert sorted(refs) == [r["label"] for r in expected["references"]]
    for want in expected["references"]:
        fields = refs[want["label"]].fields
        assert fields.title == want["title"]
        assert fields.url == want["url"]
        assert list(fields.authors) == want["authors"]
        assert list(refs[want["label"]].tags) == want["tags"]
        if "language" in want:
            assert fields.language == want["language"]
            assert fields.publisher == want["publisher"]
            assert fields.access_date == date.fromisoformat(want["access_date"])
    assert refs["1"].fields.extra["name"] == "Nate Brit"
    text = " ".join(c.text for c in doc.claims)
    for absent in expected["not_claims"]:
        assert absent not in text
    assert doc.warnings == ()


def labels(doc, start: str) -> list[str]:
    claim = next(c for c in doc.claims if c.text.startswith(start))
    return [x.label for x in claim.citations]


def test_named_reuse_before_definition_and_undefined_name() -> None:
    doc = parse(
        "First fact.<ref name=later /> Second fact.<ref>Plain note.</ref>\n\n"
        "Third fact.<ref name=later>{{cite news |title=Later |url=http://a.example/l "
        "|work=The Paper |date=5 June 2001}}</ref> Fourth fact.<ref name=ghost /> Fifth.\n")
    assert labels(doc, "First fact.") == ["1"]
    assert labels(doc, "Second fact.") == ["2"]
    assert labels(doc, "Third fact.") == ["1"]
    assert labels(doc, "Fourth fact.") == ["ghost"]  # matches no reference: dangling
    assert labels(doc, "Fifth.") == []
    assert [r.label for r in doc.references] == ["1", "2"]
    later = doc.references[0].fields
    assert (later.title, later.work, later.date) == ("Later", "The Paper", date(2001, 6, 5))
    assert any("ghost" in w for w in doc.warnings)


def test_cite_parameters_all_author_forms() -> None:
    doc = parse(
        "A.<ref>{{cite web |last1=Park |first1=Yuna |last2=Campbell |first2=Joseph "
        "|author-link1=Yuna Park |title=Kim in Beijing |trans-title=Kim goes |website=Reuters "
        "|date=March 2018 |access-date=6 April 2018 |archive-url=https://web.archive.org/web/2018/x "
        "|archive-date=8 May 2018 |url-status=dead |language=Chinese |url=https://r.example/x}}</ref>"
        " B.<ref>{{cite journal |vauthors=Smith AB, Jones CD |title=T |journal=J |year=1999 "
        "|doi=10.1/x |pages=3–5}}</ref> C.<ref>{{cite book |author=Human Rights Watch "
        "|author2=Doe, Jane |title=Book |publisher=Pub |accessdate=2009-10-06}}</ref>"
        " D.<ref>{{Citation |surname=Lee |given=Min |title=Cit}}</ref>"
        " E.<ref>{{cite news |authors=A. One; B. Two |title=News}}</ref>\n")
    refs = {r.label: r.fields for r in doc.references}
    first = refs["1"]
    assert first.authors == ("Park, Yuna", "Campbell, Joseph")
    assert (first.title, first.trans_title, first.work) == ("Kim in Beijing", "Kim goes", "Reuters")
    assert first.date == date(2018, 3, 1) and first.extra["date_precision"] == "month"
    assert first.access_date == date(2018, 4, 6)
    assert first.archive_url == "https://web.archive.org/web/2018/x"
    assert first.archive_date == date(2018, 5, 8)
    assert first.extra["url_status"] == "dead"
    assert first.language == "zh"
    assert refs["2"].authors == ("Smith AB", "Jones CD")
    assert refs["2"].extra["doi"] == "10.1/x" and refs["2"].extra["pages"] == "3–5"
    assert refs["2"].date == date(1999, 1, 1)
    assert refs["3"].authors == ("Human Rights Watch", "Doe, Jane")
    assert refs["3"].access_date == date(2009, 10, 6)
    assert refs["4"].authors == ("Lee, Min",)
    assert refs["5"].authors == ("A. One", "B. Two")


def test_flags_empty_refs_and_inline_templates() -> None:
    doc = parse(
        "Claim one.{{cn|date=May 2020}} Claim two.<ref></ref> Claim three.<ref>{{cite web}}</ref>"
        " Claim four.<ref>[http://dead.example/x Gone page] {{dead link|date=May 2019}}</ref>"
        "{{better source needed}}\n")
    assert next(c for c in doc.claims if c.text == "Claim one.").tags == ("citation-needed",)
    assert next(c for c in doc.claims if c.text == "Claim four.").tags == (
        "better-source-needed",)
    refs = {r.label: r for r in doc.references}
    assert refs["1"].tags == ("empty",)
    assert refs["2"].tags == ("empty",)
    assert refs["3"].tags == ("dead-link",)
    assert refs["3"].fields.url == "http://dead.example/x"
    assert refs["3"].fields.title == "Gone page"


def test_sfn_and_harvnb_tied_to_full_citation() -> None:
    doc = parse(
        "Early claim.{{sfn|Cumings|1997|p=12}} Later claim.{{sfn|Cumings|1997|p=12}}"
        " Other claim.{{sfn|Nobody|2000}} Harv claim.<ref>{{harvnb|Cumings|1997|pp=3–5}}</ref>\n\n"
        "== Sources ==\n* {{cite book |last=Cumings |first=Bruce |year=1997 "
        "|title=Korea's Place in the Sun |publisher=Norton}}\n")
    assert labels(doc, "Early claim.") == ["1"]
    assert labels(doc, "Later claim.") == ["1"]  # identical sfn calls are one footnote
    assert labels(doc, "Other claim.") == ["2"]
    assert labels(doc, "Harv claim.") == ["3"]
    refs = {r.label: r.fields for r in doc.references}
    assert refs["1"].title == "Korea's Place in the Sun"
    assert refs["1"].authors == ("Cumings, Bruce",)
    assert refs["1"].extra["pages"] == "12"
    assert refs["2"].extra["full_citation"] == "not found"
    assert refs["3"].title == "Korea's Place in the Sun" and refs["3"].extra["pages"] == "3–5"


def test_efn_groups_lists_and_markup() -> None:
    doc = parse(
        "{{Infobox country |name=Examplia |capital=[[Exampleton]] |image_flag=Flag.svg}}\n"
        "'''Examplia''' is a ''small'' [[country|nation]] in [[Europe]].{{efn|Founded 1901.}}"
        "<ref group=\"note\">Group note.</ref> It covers {{convert|42|km2}}.\n"
        "[[File:Map.png|thumb|A map caption.]]\n\n"
        "== Economy ==\n"
        "* Exports fish.<ref>Fish ref.</ref>\n* Tourism\n"
        "{| class=\"wikitable\"\n|-\n| Table cell text.\n|}\n\n"
        "== See also ==\n* [[Other place]].\n\n[[Category:Countries]]\n{{Europe-stub}}\n")
    assert doc.title == "Examplia"
    assert ("capital", "Exampleton") in doc.facts
    assert all(key != "image_flag" for key, _ in doc.facts)
    claim = doc.claims[0]
    assert claim.text == "Examplia is a small nation in Europe."
    assert [(c.label, c.group) for c in claim.citations] == [("a", "lower-alpha"),
                                                              ("note 1", "note")]
    assert doc.claims[1].text == "It covers 42 km2."
    assert [c.text for c in doc.claims[2:]] == ["Exports fish."]
    assert doc.claims[2].section == "Economy"
    refs = {(r.group, r.label): r for r in doc.references}
    assert set(refs) == {("lower-alpha", "a"), ("note", "note 1"), ("", "1")}
    assert refs[("lower-alpha", "a")].raw == "Founded 1901."


def test_list_defined_reference_takes_its_lists_group() -> None:
    """A reference defined inside <references group="note">, {{notelist|notes=…}} or
    {{reflist|group=…|refs=…}} without a group of its own is in the list's group (as Cite
    reads it), so the markers that use it find it."""
    doc = parse('A claim.<ref group="note" name="n1" /> B claim.<ref name="r" /> '
                'C claim.{{efn|name=e}} D claim.<ref group="g" name="x" />\n\n'
                '<references group="note">\n<ref name="n1">Note one.</ref>\n</references>\n'
                '{{reflist|refs=<ref name="r">R.</ref>}}{{notelist|notes=<ref name="e">E.</ref>}}'
                '{{reflist|group=g|refs=<ref name="x">X.</ref>}}')
    assert [(r.group, r.label, r.raw) for r in doc.references] == [
        ("", "1", "R."), ("g", "g 1", "X."), ("lower-alpha", "a", "E."),
        ("note", "note 1", "Note one.")]
    assert [[(c.label, c.group) for c in claim.citations] for claim in doc.claims] == [
        [("note 1", "note")], [("1", "")], [("a", "lower-alpha")], [("g 1", "g")]]
    assert not doc.warnings


def test_entities_become_characters_but_escaped_markup_stays_text() -> None:
    """Named and numeric entities in text, link targets, link labels and reference fields
    read as their characters; an escaped ``&lt;ref&gt;`` in ``<nowiki>`` is shown text, never
    a reference (real case: de "Albert Einstein", ``[[KZ&nbsp;Theresienstadt]]``)."""
    doc = parse(
        "Sie wurde in das [[KZ&nbsp;Theresienstadt]] deportiert, am 29.&#160;Mai 1919"
        " &ndash; nicht 1920 &#x2013; sagt er.<ref>{{cite web|url=https://a.example/?x=1&amp;y=2"
        "|title=Caf&eacute; &amp; Bar}}</ref>\n\n"
        "Man schreibt <nowiki>&lt;ref&gt;x&lt;/ref&gt;</nowiki> in den Text.\n")
    texts = [c.text for c in doc.claims]
    assert texts[0] == ("Sie wurde in das KZ Theresienstadt deportiert, am 29. Mai 1919 – nicht"
                        " 1920 – sagt er.")
    assert texts[1] == "Man schreibt <ref>x</ref> in den Text."
    assert [r.label for r in doc.references] == ["1"]
    fields = doc.references[0].fields
    assert (fields.url, fields.title) == ("https://a.example/?x=1&y=2", "Café & Bar")
    assert not doc.warnings


@pytest.mark.parametrize(("wikitext", "shown"), [
    ("elle meurt le {{date|12 avril}} à Paris", "elle meurt le 12 avril à Paris"),
    ("le {{date|12|avril|1975}}, le {{date-|17|11|1994}}", "le 12 avril 1975, le 17 novembre 1994"),
    ("le {{date|1|mai|1936}}, le {{1er|mai}}", "le 1er mai 1936, le 1er mai"),
    ("née le {{date de naissance|3 juin 1906}}, morte le {{date de décès|12 avril 1975}}",
     "née le 3 juin 1906, morte le 12 avril 1975"),
    ("du {{date|22 septembre 1925-}} au {{date|septembre 1939|guerre mondiale}}",
     "du 22 septembre au septembre 1939"),
    ("au {{s-|XX}}, au {{-s-|III}}, au {{s|I}}, le 2{{e}} bureau",
     "au XXe siècle, au IIIe siècle av. J.-C., au Ier siècle, le 2e bureau"),
    ("no {{séc|XVIII}}, en el {{siglo|XX}}", "no século XVIII, en el siglo XX"),
    ("Er ist am {{Datum|3|6|1906}} mit dem Zug und nicht mit der Post gekommen",
     "Er ist am 3. Juni 1906 mit dem Zug und nicht mit der Post gekommen"),
    ("el {{fecha|12|4|1975}}, {{Datum|1990}}", "el 12 de abril de 1975, 1990"),
    ("born {{birth date|1906|6|3}}, died {{death date and age|1975|4|12|1906|6|3}}",
     "born June 3, 1906, died April 12, 1975 (aged 68)"),
    ("started {{start date|2010|5|1|df=y}}", "started 1 May 2010"),
    ("un salaire de {{unité|37920|dollars}} et {{nombre|douze|enfants}}",
     "un salaire de 37 920 dollars et douze enfants"),
    ("s'associe aux {{Lien|langue=en|trad=The Chocolate Dandies|texte=Chocolate Dandies}}",
     "s'associe aux Chocolate Dandies (en)"),
    ("la {{1ère}} division, la {{3ème}} armée", "la 1re division, la 3e armée"),
    ("elle {{incise|tout juste âgée de {{nombre|16|ans}}}} part", "elle — tout juste âgée de 16 ans — part"),
])
def test_inline_templates_read_as_the_page_shows_them(wikitext: str, shown: str) -> None:
    assert [c.text for c in parse(wikitext + ".\n").claims] == [shown + "."]


def test_edition_numbers_and_notes() -> None:
    """Numbers are grouped as the page's edition writes them (its category namespace tells);
    a French {{Note}} and a Portuguese {{nre}} are notes, their text never in the claim."""
    pt = parse("A área é {{fmtn|92090|km²}} e {{formatnum:1933677}} habitantes.{{nre|Nota "
               "explicativa.}}\n\n[[Categoria:Portugal]]\n")
    assert [c.text for c in pt.claims] == ["A área é 92 090 km² e 1 933 677 habitantes."]
    assert [(r.group, r.label, r.raw) for r in pt.references] == [
        ("lower-alpha", "a", "Nota explicativa.")]
    fr = parse("Elle repose symboliquement{{Note|Le corps est à [[Monaco]].}} au Panthéon "
               "{{refnec|avec deux autres}}.<ref>Un.</ref>{{,}}{{Note|texte=Une autre.|groupe=alpha}}\n\n"
               "[[Catégorie:Danseuse]]\n")
    assert [c.text for c in fr.claims] == [
        "Elle repose symboliquement au Panthéon avec deux autres."]
    assert [x.label for x in fr.claims[0].citations] == ["a", "1", "b"]
    assert fr.claims[0].tags == ("citation-needed",)
    assert [(r.label, r.raw) for r in fr.references] == [
        ("1", "Un."), ("a", "Le corps est à [[Monaco]]."), ("b", "Une autre.")]
    en = parse("About {{formatnum:1933677}} people.{{note|a}}\n\n[[Category:X]]\n")
    assert [c.text for c in en.claims] == ["About 1,933,677 people."] and not en.references


def test_a_reference_inside_a_note_is_its_own_and_the_note_cites_it() -> None:
    """{{efn}} and French {{Note}} are MediaWiki's {{#tag:ref}}: a <ref> inside one is a
    reference numbered where the note stands (fr "Joséphine Baker" lost 4 so), and the note
    is a claim citing it."""
    doc = parse("A first claim.<ref>One.</ref> Then a second.{{efn|The note says so.<ref>"
                "Two.</ref>}} A third.<ref>Three.</ref>\n")
    assert [(r.group, r.label, r.raw) for r in doc.references] == [
        ("", "1", "One."), ("", "2", "Two."), ("", "3", "Three."),
        ("lower-alpha", "a", "The note says so.<ref>Two.</ref>")]
    assert [(c.section, c.text, [x.label for x in c.citations]) for c in doc.claims] == [
        ("Lead", "A first claim.", ["1"]), ("Lead", "Then a second.", ["a"]),
        ("Lead", "A third.", ["3"]), ("Notes", "The note says so.", ["2"])]
    assert not doc.warnings
