"""German and French sentences of real articles stay whole where their abbreviations and
ordinal dates say so, and end where a citation marker closes them (fixtures/wikipedia)."""

from __future__ import annotations

from functools import cache

import pytest

from provenance.domain.documents import ParsedDocument
from provenance.ingest.claims.split import build_claims, strip_markers
from provenance.services.ingest import parse_text
from tests.ingest.self_truth import FIXTURES, read_fixture


@cache
def _parsed(name: str) -> ParsedDocument:
    return parse_text(read_fixture(FIXTURES / "wikipedia" / name), name)


# Each sentence as the article writes it, one claim whole (read against the page).
WHOLE = [
    ("de_albert_einstein.parsoid.html.gz",  # ordinal date after "am", in parentheses
     ("Albert Einstein (* 14. März 1879 in Ulm, Königreich Württemberg; † 18. April 1955 in "
      "Princeton, New Jersey) war ein gebürtiger deutscher Physiker mit Schweizer und "
      "US-amerikanischer Staatsbürgerschaft.")),
    ("de_albert_einstein.parsoid.html.gz",  # "im 17. Jahrhundert"
     ("Der erste namentlich nachgewiesene Vorfahre Albert Einsteins, ein aus dem Bodenseeraum "
      "stammender Pferde- und Tuchhändler namens Baruch Moses Ainstein, wurde im 17. Jahrhundert "
      "in die Gemeinde aufgenommen.")),
    ("de_albert_einstein.parsoid.html.gz",  # "Am 20. März", "Nr. 8"
     ("Am 20. März hatte man Einsteins Haus in Caputh durchsucht, im April auch seine "
      "Stadtwohnung in der Berliner Haberlandstraße 5 (heute Neubau, Nr. 8).")),
    ("de_albert_einstein.parsoid.html.gz",  # "Am 12. November", "Dr. med. h.c."
     ("1919: Am 12. November wurde Einstein zum 500-jährigen Bestehen der Universität Rostock "
      "die Ehrendoktorwürde der Medizin (Dr. med. h.c.) verliehen auf Anregung von Moritz "
      "Schlick; dies war die einzige deutsche Ehrendoktorwürde, die Einstein erhalten hat.")),
    ("de_albert_einstein.wikitext.gz",  # the same ordinal in the wikitext form
     ("Er lebte mit ihr in Ulm im Haus Bahnhofstraße 20 (B135), wo Albert Einstein am 14. März "
      "1879 zur Welt kam.")),
    ("fr_calvi.parsoid.html.gz",  # "av. J.-C."
     ("Les fouilles archéologiques, conduites le long du cordon littoral et dans l’arrière-pays, "
      "montrent que la baie fut occupée dès l’époque néolithique (5 000 à 2 500 ans av. J.-C.).")),
    ("fr_anarchisme.parsoid.html.gz",  # "p. 117–142"
     ("Christophe Bourseiller, Les anarchismes, in Extrémismes : enquête sur une grande peur "
      "contemporaine, CNRS Éditions, 2012, p. 117–142, [lire en ligne].")),
    ("fr_josephine_baker.parsoid.html.gz",  # "trad.", "ill." (illustrated by), "p."
     ("Patricia Hruby Powell et Laurana Serres-Giardi (Adaptation) (trad. de l'anglais, ill. "
      "Christian Robinson), Joséphine : Joséphine Baker, la danse, la Résistance et les enfants, "
      "Voisins-le-Bretonneux, Rue du monde, 16 avril 2015, 101 p. (ISBN 978-2355043697).")),
    ("fr_josephine_baker.parsoid.html.gz",  # a French quotation "« …" opens the next one
     ("« Mention Spéciale » Non Fiction Award, à la Foire internationale du livre de jeunesse de "
      "Bologne 2014.")),
    ("fr_anarchisme.parsoid.html.gz",  # an initial "M."
     ("L'anarchisme insurrectionnel qui prône l'insurrection, la révolte (auteurs : Wolfi "
      "Landstreicher, Alfredo M. Bonanno).")),
]


@pytest.mark.parametrize(("name", "sentence"), WHOLE, ids=[s[:30] for _, s in WHOLE])
def test_real_sentence_is_one_claim(name: str, sentence: str) -> None:
    assert sentence in [c.text for c in _parsed(name).claims]


def test_no_claim_of_a_german_article_is_a_date_cut_in_two() -> None:
    for name in ("de_albert_einstein.parsoid.html.gz", "de_albert_einstein.wikitext.gz"):
        texts = [c.text for c in _parsed(name).claims]
        months = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                  "September", "Oktober", "November", "Dezember", "Jahrhundert")
        assert not any(t.startswith(months) for t in texts), name


@pytest.mark.parametrize(("language", "text", "expected"), [
    # German: ordinal dates, "S.", "Nr.", "c." (from the article's own sentences and refs)
    ("de", "Einstein wurde am 14. März 1879 in Ulm geboren.[1]Er starb 1955.",
     ["Einstein wurde am 14. März 1879 in Ulm geboren.", "Er starb 1955."]),
    ("de", "Nr. 18, 1916, S. 121 ff. beschreibt die Emission. Der Laser kam 1960.",
     ["Nr. 18, 1916, S. 121 ff. beschreibt die Emission.", "Der Laser kam 1960."]),
    ("de", "Die Gemeinde entstand c. 1040 am Fluss. Später wuchs sie.",
     ["Die Gemeinde entstand c. 1040 am Fluss.", "Später wuchs sie."]),
    # French: "p.", "M.", "av. J.-C."; a marker then a capital ends the sentence
    ("fr", ("M. Dupont cite la p. 12 du livre.[2]La baie fut occupée av. J.-C. par des "
            "pêcheurs."),
     ["M. Dupont cite la p. 12 du livre.", "La baie fut occupée av. J.-C. par des pêcheurs."]),
    # a French « … » or German „…“ quotation closing the sentence ends it
    ("fr", "M. Dupont a déclaré : « Nous agirons vite. » Les syndicats restent prudents.",
     ["M. Dupont a déclaré : « Nous agirons vite. »", "Les syndicats restent prudents."]),
    ("de", "Er sagte: „Wir handeln schnell.“ Die Gewerkschaften bleiben vorsichtig.",
     ["Er sagte: „Wir handeln schnell.“", "Die Gewerkschaften bleiben vorsichtig."]),
])
def test_markers_end_sentences_abbreviations_do_not(language: str, text: str,
                                                    expected: list[str]) -> None:
    plain = strip_markers(text)
    claims = build_claims("Lead", plain.text, plain.markers, language=language)
    assert [c.text for c in claims] == expected
    # a marker belongs to the sentence it closes
    assert [x.label for x in claims[0].citations] == [m.label for m in plain.markers]
