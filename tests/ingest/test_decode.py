"""Bytes to text: BOMs, declared charsets, legacy encodings detected, binary refused."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from provenance.errors import InputError
from provenance.ingest.decode import decode_document

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"
FRENCH = ("Le projet de loi sur le renseignement a été adopté à une très large majorité : "
          "les députés ont voté « pour » à 438 voix, malgré les critiques — déjà vives — de "
          "la CNIL et des associations. ")
JAPANESE = "日本語の文章です。東京都は日本の首都であり、多くの人々が住んでいます。今日は天気が良い。"
CHINESE = "中华人民共和国是一个位于东亚的国家，首都是北京。今天天气很好，我们去公园散步了。"
RUSSIAN = "Москва — столица России, крупнейший по численности населения город страны. "


@pytest.mark.parametrize(("text", "encoding"), [
    (FRENCH * 3, "cp1252"), (JAPANESE * 3, "shift_jis"), (CHINESE * 3, "gb2312"),
    (RUSSIAN * 3, "cp1251"), (FRENCH, "utf-8"),
])
def test_undeclared_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode_document(text.encode(encoding), "doc.txt") == text


def test_real_page_saved_in_cp1252_without_declaration() -> None:
    # The Ars article saved as Windows-1252 (characters outside it as HTML references, as a
    # browser would save it) with its UTF-8 declaration removed: detection must find cp1252.
    page = (ARTICLES / "ars_minecraft_exploit.html").read_text(encoding="utf-8")
    page = page.replace('charset="utf-8"', "").replace("charset=utf-8", "")
    data = page.encode("cp1252", errors="xmlcharrefreplace")
    assert any(byte > 0x7F for byte in data)
    assert decode_document(data, "ars.html") == data.decode("cp1252").replace("\r\n", "\n")


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"),
                                       (codecs.BOM_UTF16_LE, "utf-16-le"),
                                       (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_byte_order_marks(bom: bytes, codec: str) -> None:
    assert decode_document(bom + JAPANESE.encode(codec), "x") == JAPANESE


def test_declared_charsets_header_meta_and_xml() -> None:
    body = f"<html><head><meta charset=\"shift_jis\"></head><p>{JAPANESE}</p></html>"
    assert decode_document(body.encode("shift_jis"), "x") == body
    old = f'<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>{CHINESE}</p>'
    assert decode_document(old.encode("gb2312"), "x") == old
    xml = f'<?xml version="1.0" encoding="windows-1251"?><doc>{RUSSIAN}</doc>'
    assert decode_document(xml.encode("cp1251"), "x") == xml
    plain = FRENCH.encode("cp1252")
    assert decode_document(plain, "x", "text/html; charset=ISO-8859-1") == FRENCH


def test_wrong_declaration_falls_back_to_what_decodes() -> None:
    body = f"<meta charset=\"utf-8\"><p>{FRENCH}</p>"
    assert decode_document(body.encode("cp1252"), "x") == body


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"PK\x03\x04\x14\x00\x00\x00", "a ZIP archive"),
    (b"text then \x00\x00\x00 nul bytes", "a binary file"),
    (os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00", "a binary file"),
])
def test_binary_input_is_one_clear_error(data: bytes, kind: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_document(data, "blob.bin")
    assert str(caught.value).startswith(f"blob.bin: {kind}")
    assert "not a text document" in str(caught.value)


def test_control_garbage_without_nul_is_refused() -> None:
    data = bytes(range(1, 9)) * 500
    with pytest.raises(InputError, match="not a text document"):
        decode_document(data, "g")


def test_empty_input() -> None:
    with pytest.raises(InputError, match="empty"):
        decode_document(b"  \n", "e.txt")


def test_ten_megabytes_of_legacy_text_decode_whole() -> None:
    # Speed is measured in bench/, not here: this checks the whole file is decoded.
    data = (FRENCH * 80_000).encode("cp1252")
    assert len(data) > 10_000_000
    text = decode_document(data, "big.txt")
    assert text.startswith(FRENCH) and text.endswith(FRENCH)
