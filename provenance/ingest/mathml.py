"""MathML as one line of plain text: ``<msub><mi>a</mi><mrow><mi>i</mi><mi>j</mi></mrow>
</msub>`` reads ``a_ij``, ``<msup>`` ``A^H``, ``<mfrac>`` ``(x)/(y)``; the TeX annotation is
left out. Used where a text browser printed a formula's MathML source (lynx's ``[MATH: …
:MATH]``), so the formula reads as the page shows it instead of as TeX.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["mathml_text"]

# operators written with a space on each side ("a = b", "A ⟺ B")
_MINUS = "\u2212"
_SPACED = frozenset("=<>≤≥≠≈≡∝⟺⇔⇒→←↔∈∉⊂⊆⊃⊇+-×·±∓∧∩"
                    "\u223c\u2212\u2228\u222a")  # and the tilde operator, minus, or, union
_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
_ACCENTS = {"¯": "\u0304", "^": "\u0302", "~": "\u0303", "˙": "\u0307", "→": "\u20d7"}


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _signed(text: str) -> str:
    """A leading minus is a sign, not a subtraction: "- 1" reads "-1" (either minus)."""
    return re.sub(f"^([{_MINUS}-]) ", r"\1", text.strip())


def _script(text: str) -> str:
    """A sub- or superscript: bare when it is one word, else in parentheses."""
    text = _signed(text)
    return text if text and " " not in text else f"({text})"


def _render(element: etree._Element) -> str:
    name = _local(element)
    if name in ("annotation", "annotation-xml") or not name:
        return ""
    if name in _TOKENS:
        text = " ".join((element.text or "").split())
        if name == "mo" and text in _SPACED:
            return f" {text} "
        if name == "mo" and text == ",":
            return ", "
        if name == "mtext":
            return f" {text} " if text else " "
        return text
    if name == "mspace":
        return " "
    children = [_render(child) for child in element]
    if name in ("msub", "msup") and len(children) == 2:
        return children[0] + ("_" if name == "msub" else "^") + _script(children[1].strip())
    if name == "msubsup" and len(children) == 3:
        return f"{children[0]}_{_script(children[1].strip())}^{_script(children[2].strip())}"
    if name in ("mover", "munder", "munderover") and children:
        base = children[0]
        marks = [c.strip() for c in children[1:]]
        if len(marks) == 1 and marks[0] in _ACCENTS:  # the accent over the base's last sign
            return base.strip() + _ACCENTS[marks[0]]
        return base + "".join(f"^{_script(m)}" if m else "" for m in marks)
    if name == "mfrac" and len(children) == 2:
        return f"({children[0].strip()})/({children[1].strip()})"
    if name == "msqrt" and children:
        return f"√({_signed(''.join(children))})"
    if name == "mroot" and len(children) == 2:
        return f"{_script(children[1])}√({children[0].strip()})"
    if name == "mtr":
        return " ".join(c.strip() for c in children) + "; "
    return "".join(children)


def mathml_text(source: str) -> str:
    """The formula a MathML fragment (``<semantics>…`` or ``<math>…``) shows, as one line;
    "" when it cannot be read."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(f"<math>{source}</math>".encode(), parser)
    except etree.XMLSyntaxError:
        return ""
    if root is None:
        return ""
    text = " ".join(_render(root).split())
    return text.rstrip("; ").replace(" ,", ",")
