"""Confidentiality scan (保密审查) of a note's title and body.

Hits, each shown with its context:

* a sensitive term from ``Settings.sensitive_terms`` (秘密, 机密, 内部资料 …);
* 身份证号: 18 characters, 17 digits + a digit or X, whose ISO 7064 MOD 11-2 check
  character is right (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; codes "10X98765432");
* 手机号: 1[3-9] + 9 digits (spaces or hyphens allowed as 3-4-4), not part of a longer number;
* 银行卡号: 16–19 digits (spaces or hyphens between groups allowed) passing the Luhn check,
  and not already reported as an ID number.

Numbers that fail the checksums (a price series, a date stamp) are not hits; so an
arbitrary 18-digit number is reported only when its check character is right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .figures import context, normalise_text, sentence

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![\d])(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![\d])")
_CARD = re.compile(r"(?<![\d])(\d(?:[ -]?\d){15,18})(?![\d])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CODES = "10X98765432"


def id_checksum_ok(number: str) -> bool:
    n = number.upper()
    if len(n) != 18 or not n[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(n[:17], _ID_WEIGHTS, strict=True))
    return _ID_CODES[total % 11] == n[17]


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@dataclass(frozen=True)
class Hit:
    kind: str  # term | id_number | phone | bank_card
    text: str
    context: str
    where: str  # 标题 | 正文
    #: the whole sentence it stands in (what a refusal quotes)
    sentence: str = ""

    @property
    def kind_name(self) -> str:
        return {"term": "敏感词", "id_number": "身份证号", "phone": "手机号",
                "bank_card": "银行卡号"}[self.kind]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "kind_name": self.kind_name, "text": self.text,
                "context": self.context, "where": self.where, "sentence": self.sentence}


def scan_text(text: str, terms: tuple[str, ...] | list[str], where: str = "正文") -> list[Hit]:
    """Hits in ``text``; matching runs on the NFKC-folded text, quotes come from the original
    (the fold keeps every character's position)."""
    t = normalise_text(text)
    hits: list[Hit] = []

    def hit(kind: str, found: str, s: int, e: int) -> Hit:
        return Hit(kind, found, context(text, s, e), where, sentence(text, s, e))

    for term in terms:
        term = normalise_text(term.strip())
        if not term:
            continue
        start = 0
        while (i := t.find(term, start)) >= 0:
            hits.append(hit("term", term, i, i + len(term)))
            start = i + len(term)
    id_spans = []
    for m in _ID.finditer(t):
        if id_checksum_ok(m.group(1)):
            id_spans.append(m.span(1))
            hits.append(hit("id_number", m.group(1), *m.span(1)))
    for m in _PHONE.finditer(t):
        hits.append(hit("phone", m.group(1), *m.span(1)))
    for m in _CARD.finditer(t):
        digits = re.sub(r"[ -]", "", m.group(1))
        if not 16 <= len(digits) <= 19 or not luhn_ok(digits):
            continue
        s, e = m.span(1)
        if any(a < e and s < b for a, b in id_spans):
            continue
        hits.append(hit("bank_card", m.group(1), s, e))
    return hits


def scan_note(title: str, body: str, terms: tuple[str, ...] | list[str]) -> list[Hit]:
    return scan_text(title, terms, "标题") + scan_text(body, terms, "正文")
