"""Every input read in time linear in its size with bounded memory, or refused in one line."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from provenance.errors import InputError
from provenance.ingest.claims.sentences import split_sentences
from provenance.ingest.decode import decode_document
from provenance.ingest.files import read_document_file
from provenance.ingest.forms.front_matter import MAX_ALIASES
from provenance.ingest.forms.markdown import parse as parse_markdown
from tests.cli.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "seeds" / "000_b07d10da4452e945.txt"


def test_a_20_megabyte_single_sentence_is_one_claim_span() -> None:
    text = ("claims rest on sources that move and vanish while nobody looks " * 330_000)
    assert len(text) > 20_000_000
    assert split_sentences(text) == [(0, len(text) - 1)]  # one span, trailing space stripped


def test_dev_zero_is_refused_not_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="character device, not a regular file"):
        read_document_file(Path("/dev/zero"), 1_000_000)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: _catch(fifo, result), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "reading a FIFO blocked"
    assert isinstance(result[0], InputError) and "FIFO" in str(result[0])


def _catch(path: Path, into: list[BaseException]) -> None:
    try:
        read_document_file(path, 1_000)
    except InputError as err:
        into.append(err)


def test_size_is_checked_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1000)
    with pytest.raises(InputError, match="over the limit of 100"):
        read_document_file(big, 100)


def test_path_errors_are_one_line_and_the_batch_goes_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Title\n\nA claim about the world.\n", encoding="utf-8")
    locked = tmp_path / "locked.md"
    locked.write_text("x", encoding="utf-8")
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    too_long = str(tmp_path / ("a" * 5000 + ".md"))
    result = run_cli(capsys, monkeypatch, f"sqlite:///{tmp_path / 'db.sqlite'}", "ingest",
                     too_long, "/dev/zero", str(fifo), str(good))
    output = result.out + result.err
    assert result.code == 2
    assert "Traceback" not in output
    assert "path is too long" in output
    assert "character device" in output and "FIFO" in output
    assert "created document" in output  # the good file after the bad ones
    assert max(len(line) for line in output.splitlines()) < 400


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\ntitle: *i\n---\n\nThe body is one claim.\n"
    doc = parse_markdown(text)
    assert doc.title is None
    assert any(f"more than {MAX_ALIASES}" in w for w in doc.warnings)
    assert [c.text for c in doc.claims] == ["The body is one claim."]


def test_a_long_title_in_front_matter_is_not_taken() -> None:
    doc = parse_markdown("---\ntitle: " + "x" * 5000 + "\n---\n\nBody.\n")
    assert doc.title is None and any("over 1,000" in w for w in doc.warnings)


def test_toml_front_matter_post() -> None:
    text = (ROOT / "fixtures" / "markdown" / "binance_basics.toml.md").read_text("utf-8")
    doc = parse_markdown(text)
    assert doc.title == "Binance basics"
    assert doc.authors == ("Piraeus West Jr.",)
    assert str(doc.published) == "2022-04-24"
    assert not any("+++" in c.text or "title =" in c.text for c in doc.claims)
    assert doc.claims[0].text.startswith("Ik heb mijn crypto trading")
    assert [r.fields.url for r in doc.references] == [
        "https://accounts.binance.com/en/register?ref=376981966"]


def test_a_stray_byte_in_utf8_is_replaced_with_a_warning_not_mojibake() -> None:
    data = SEED.read_bytes()
    at = data.index(b"'")
    broken = data[:at] + b"\x92" + data[at + 1:]  # one cp1252 apostrophe in a UTF-8 file
    warnings: list[str] = []
    text = decode_document(broken, "seed", warnings=warnings)
    assert "Kim–Xi meetings" in text and "â€" not in text
    assert text.count("\ufffd") == 1
    assert warnings == ["1 byte not valid UTF-8 replaced by U+FFFD (the rest of the file is UTF-8)"]


def test_a_whole_cp1252_file_is_still_read_as_cp1252() -> None:
    text = "Les députés ont adopté « le projet » — déjà critiqué. " * 20
    assert decode_document(text.encode("cp1252"), "page.txt") == text


def test_stray_byte_warning_reaches_the_ingest_output(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = SEED.read_bytes()
    at = data.index(b"'")
    path = tmp_path / "seed.txt"
    path.write_bytes(data[:at] + b"\x92" + data[at + 1:])
    result = run_cli(capsys, monkeypatch, f"sqlite:///{tmp_path / 'db.sqlite'}", "ingest",
                     str(path))
    output = result.out + result.err
    assert result.code == 0, output
    assert "not valid UTF-8" in output
    assert "Kim–Xi meetings" in output


def test_w3m_dump_of_a_wikipedia_page() -> None:
    """w3m: "^[12]" markers, "History[edit]" headings, wrapped reference entries ("2016.")."""
    from provenance.services.ingest import parse_text

    path = ROOT / "fixtures" / "dumps" / "en_mozilla.w3m.txt"
    doc = parse_text(path.read_text(encoding="utf-8"), path.name)
    assert doc.title == "Mozilla"
    labels = [r.label for r in doc.references]
    assert labels == [str(n) for n in range(1, 73)]  # no "2016" from a wrapped line
    cited = {c.label for claim in doc.claims for c in claim.citations}
    assert set(labels) <= cited
    assert not any("^" in c.text for c in doc.claims)
    assert {"History", "Values", "Firefox"} <= {c.section for c in doc.claims}
    assert doc.references[3].raw.endswith("Retrieved 1 May 2016.")


def test_lynx_dump_loses_its_link_numbers_and_link_list() -> None:
    from provenance.services.ingest import parse_text

    path = ROOT / "fixtures" / "dumps" / "en_hermitian_matrix.lynx.txt"
    doc = parse_text(path.read_text(encoding="utf-8"), path.name)
    assert doc.title == "Hermitian matrix"
    assert not any("file:///" in r.raw for r in doc.references)
    assert not any("[MATH:" in c.text or "Visible links" in c.text for c in doc.claims)
    physics = next(c for c in doc.claims if c.text.startswith("In theoretical physics"))
    assert [x.label for x in physics.citations] == ["1", "2"]


def test_detection_reads_the_end_of_a_long_scrape() -> None:
    """A reference list 300,000 characters in still makes the text a Wikipedia scrape."""
    from provenance.ingest.detect import detect_format

    prose = "The river floods every spring and the town rebuilds its bridges again.\n" * 4500
    text = ("The town stands on a river.[1]\n\n" + prose
            + "\nReferences\n\n1. Smith, J. (2001). Rivers. Penguin.\n")
    assert len(text) > 300_000
    assert detect_format(text, "scrape.txt") == "wikipedia-text"


def test_reference_ten_thousand_is_not_lost() -> None:
    from provenance.ingest.forms.wiki_text import parse as parse_scrape

    entries = "".join(f"{n}. ^ Source number {n}. Publisher. 2001.\n" for n in range(1, 10_002))
    markers = "".join(f"[{n}]" for n in (9_999, 10_000, 10_001))
    doc = parse_scrape(f"Rivers\n\nThe river is long and it floods.{markers}\n\nReferences\n\n"
                       + entries)
    assert len(doc.references) == 10_001
    assert [c.label for c in doc.claims[0].citations] == ["9999", "10000", "10001"]
