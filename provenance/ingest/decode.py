"""Bytes to text for every document form: BOM, declared charset, then detection.

Order of trust: a byte-order mark; the charset a document declares (HTTP ``Content-Type``,
``<meta charset>``/``http-equiv``, an XML declaration) when the bytes decode under it;
strict UTF-8; then charset-normalizer's detection for legacy encodings (cp1252,
Shift_JIS, GB2312/GBK, ...). Binary input (NUL bytes, known binary signatures, bytes no
encoding reads as text) raises one :class:`InputError` line, never a traceback.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from provenance.errors import InputError

__all__ = ["declared_charset", "decode_document"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
# WHATWG: labels browsers read as a wider encoding than they say.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
            "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
            "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "big5": "big5hkscs"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_SAMPLE = 512 * 1024
_MULTIBYTE = {"shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb2312", "gbk", "gb18030", "big5",
              "big5hkscs", "euc_kr", "cp949", "johab", "utf-8", "utf-16", "utf-32", "hz",
              "iso2022_kr", "cp950", "euc_jis_2004", "shift_jis_2004", "shift_jisx0213"}
_WESTERN = set("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
               "ŒœŠšŸŽž€‚„…†‡‰‹›‘’“”•–—™«»°±²³´µ¶·¸¹º¼½¾¿¡¢£¤¥¦§¨©ª¬®¯×÷\xa0")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The codec name a document declares (header first, then markup), if Python knows it."""
    if content_type:
        found = _HEADER_CHARSET.search(content_type)
        if found and _codec(found.group(1)):
            return _codec(found.group(1))
    head = data[:4096]
    for pattern in (_XML_DECL, _META_CHARSET):
        found_bytes = pattern.search(head)
        if found_bytes:
            codec = _codec(found_bytes.group(1).decode("ascii", "ignore"))
            if codec:
                return codec
    return None


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if b"\x00" in data[:8192]:
        return "a binary file"
    return None


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return bad <= max(2, len(sample) // 200)


def _clean(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, bad bytes) when ``data`` is UTF-8 with a few stray bytes, else ``None``.

    A file holding valid multi-byte UTF-8 sequences is UTF-8 unless its invalid bytes
    outnumber them: one stray byte never turns a UTF-8 file into cp1252 mojibake. A file
    with no valid multi-byte sequence at all is clearly another encoding.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if bad <= 0 or multibyte == 0 or bad > multibyte:
        return None
    return text, bad


def decode_document(data: bytes, source: str, content_type: str | None = None,
                    warnings: list[str] | None = None) -> str:
    """Decode a document's bytes to text, or raise one InputError line naming ``source``.

    What was repaired (bytes that are not valid UTF-8 in a UTF-8 file) is added to
    ``warnings`` when a list is given.
    """
    if not data.strip():
        raise InputError(source, "file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data[len(bom):].decode(codec))
            except UnicodeDecodeError:
                raise InputError(source, f"starts with a {codec} byte-order mark but is not "
                                 f"valid {codec}") from None
    kind = _binary_kind(data)
    if kind is not None:
        raise InputError(source, f"{kind}, not a text document")
    declared = declared_charset(data, content_type)
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            if _looks_like_text(text):
                return _clean(text)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_like_text(text):
            return _clean(text)
        raise InputError(source, "binary file, not a text document (control bytes in UTF-8)")
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        text, bad = mostly_utf8
        if warnings is not None:
            warnings.append(f"{bad:,} byte{'s' if bad != 1 else ''} not valid UTF-8 "
                            "replaced by U+FFFD (the rest of the file is UTF-8)")
        return _clean(text)
    legacy = _detect(data)
    if legacy is None:
        raise InputError(source, "binary file, not a text document (no text encoding fits)")
    try:
        text = data.decode(legacy)
    except UnicodeDecodeError:
        text = data.decode(legacy, errors="replace")
    if not _looks_like_text(text):
        raise InputError(source, f"binary file, not a text document (reads as {legacy} "
                         "only with control characters)")
    return _clean(text)


def _detect(data: bytes) -> str | None:
    """The legacy encoding of ``data``: charset-normalizer on a sample, cp1252 for Western text.

    Single-byte guesses are checked against cp1252: text whose non-ASCII characters are all
    Western accented letters and typographic punctuation, and a minority of its letters, is
    the most common legacy page, and detectors often take it for a neighbouring code page.
    """
    sample = data[:_SAMPLE]
    best = from_bytes(sample).best()
    encoding: str | None = best.encoding if best is not None else None
    if encoding is not None and codecs.lookup(encoding).name in _MULTIBYTE:
        return encoding
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return encoding
    high = [ch for ch in western if ord(ch) > 0x7F]
    letters = sum(ch.isalpha() for ch in western)
    if (high and sum(ch in _WESTERN for ch in high) >= 0.95 * len(high)
            and sum(ch.isalpha() for ch in high) <= 0.3 * max(letters, 1)):
        return "cp1252"
    return encoding
