"""Checkable facts of a claim."""

from provenance.support.facts import claim_facts
from provenance.support.text import normalize
from provenance.support.types import FactKind


def kinds(claim: str) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in claim_facts(normalize(claim))]


def test_names_dates_numbers_quotes() -> None:
    got = kinds(
        'North Korean supreme leader Kim Jong-un met Xi Jinping on March 25–28, 2018, '
        'calling it "a new chapter" with 3 aides.'
    )
    assert ("name", "Kim Jong-un") in got
    assert ("name", "Xi Jinping") in got
    assert ("date", "March 25-28, 2018") in got
    assert ("quote", "a new chapter") in got
    assert ("number", "3") in got


def test_number_units_and_ages() -> None:
    facts = claim_facts(normalize("The trip began on Kim's 35th birthday, a three-day visit."))
    age = next(f for f in facts if f.kind is FactKind.AGE)
    assert age.value == 35
    three = next(f for f in facts if f.kind is FactKind.NUMBER)
    assert three.value == 3 and three.unit[0] == "day"


def test_sentence_initial_word_is_not_a_name() -> None:
    assert not any(k == "name" for k, _ in kinds("Academically, he was good at math."))
