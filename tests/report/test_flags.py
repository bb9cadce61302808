"""Flag rules: pure functions of the stored facts."""

from __future__ import annotations

from provenance.report import flags as F


def _ref(**kw):  # type: ignore[no-untyped-def]
    base = {"raw": "Some reference text, 2018.", "url": None, "title": "T", "tags": (),
            "cited": True}
    base.update(kw)
    return F.ReferenceFacts(**base)


def test_reference_flags() -> None:
    assert F.reference_flags(_ref(raw="", title=None), False) == ["empty"]
    assert F.reference_flags(_ref(raw="{{cite web}}", title=None, tags=("empty",)),
                             False) == ["empty"]
    assert F.reference_flags(_ref(), False) == ["no-url"]
    assert F.reference_flags(_ref(url="https://a.example/", cited=False), True) == [
        "unused", "duplicate"]
    assert F.reference_flags(_ref(url="https://a.example/", link_state="dead",
                                  title_mismatch=True), False) == ["dead-link", "title-mismatch"]
    # an empty reference repaired by hand is no longer empty
    assert F.reference_flags(_ref(raw="", title=None, url="https://a.example/",
                                  tags=("empty",)), False) == []


def test_claim_flags() -> None:
    assert F.claim_flags(F.ClaimFacts((), (), [])) == ["uncited"]
    assert F.claim_flags(F.ClaimFacts(("Xinhua reported",), (), [])) == [
        "unlinked-attribution", "uncited"]
    assert F.claim_flags(F.ClaimFacts(("Xinhua reported",), (), [False])) == []
    assert F.claim_flags(F.ClaimFacts((), (), [False, None])) == ["dangling-citation"]
    assert F.claim_flags(F.ClaimFacts((), ("citation-needed",), [True])) == [
        "cites-empty", "citation-needed"]


def test_duplicates_by_url_or_text() -> None:
    a = F.duplicate_keys("Jiang, Steven (9 May 2018). Kim meets Xi. CNN.", "https://CNN.com/a#x")
    b = F.duplicate_keys("other text entirely, long enough", "https://cnn.com/a")
    assert set(a) & set(b)
    assert not F.duplicate_keys("short", None)


def test_cleanup_tags_of_the_source_are_claim_flags() -> None:
    facts = F.ClaimFacts((), ("better-source-needed", "dead-link"), [False])
    assert F.claim_flags(facts) == ["better-source-needed", "dead-link"]
