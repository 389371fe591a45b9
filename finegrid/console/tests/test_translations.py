"""Chinese first, English complete: every text of the console's templates goes through gettext,
and every message has its Chinese translation. A bare English word in a template, or a msgid
without a msgstr, fails here."""

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.translation.template import templatize

ROOTS = [Path(__file__).resolve().parents[1] / "templates", Path(__file__).resolve().parents[2] / "core" / "templates"]
TEMPLATES = sorted(p for root in ROOTS for p in root.rglob("*.html"))
# Words that are the same in both languages: file formats, and the product's name in a URL.
SAME_IN_BOTH = {"Excel", "xlsx", "CSV", "PDF", "JPEG", "PNG", "WebP"}
MESSAGE = re.compile(r"\b(?:gettext|pgettext|_)\((?:u?'[^']*',\s*)?u?'((?:[^'\\]|\\.)*)'\)")
PLURAL = re.compile(r"\bngettext\(u?'((?:[^'\\]|\\.)*)',\s*u?'((?:[^'\\]|\\.)*)',")


def visible_text(source: str) -> str:
    """The text a reader sees, without tags, scripts, styles, comments and template code."""
    parts, inside_block = [], False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            inside_block = name in ("blocktranslate", "blocktrans") or (inside_block and not name.startswith("end"))
        elif token.token_type == TokenType.TEXT and not inside_block:  # {% blocktranslate %} text is a message
            parts.append(token.contents)
    text = "".join(parts)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)  # tags, with their attributes (translated ones are template code)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", text)


def _unescape(message: str) -> str:
    return message.encode().decode("unicode_escape").encode("latin-1").decode()


def messages_of(source: str) -> list[str]:
    return [_unescape(m) for m in MESSAGE.findall(templatize(source))]


def plurals_of(source: str) -> list[tuple[str, str]]:
    """The (singular, plural) pairs of {% blocktranslate count %}."""
    return [(_unescape(a), _unescape(b)) for a, b in PLURAL.findall(templatize(source))]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_bare_english_in_templates(path):
    words = set(re.findall(r"[A-Za-z]{2,}", visible_text(path.read_text()))) - SAME_IN_BOTH
    assert not words, f"{path.name}: wrap these in {{% translate %}}: {sorted(words)}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_message_has_a_chinese_translation(path):
    missing = []
    with translation.override("zh-hans"):
        for message in messages_of(path.read_text()):
            if re.search(r"[A-Za-z]", message) and translation.gettext(message) == message:
                missing.append(message)
        for singular, plural in plurals_of(path.read_text()):
            if translation.ngettext(singular, plural, 2) in (singular, plural):
                missing.append(plural)
    assert not missing, f"{path.name}: no Chinese for {missing}"


def test_the_check_finds_an_untranslated_word():
    assert re.findall(r"[A-Za-z]{2,}", visible_text("<p>{% translate 'Cases' %} Overdue</p>")) == ["Overdue"]
    assert messages_of("{% translate 'No such message anywhere' %}") == ["No such message anywhere"]
    source = "{% blocktranslate count n=x %}{{ n }} thing{% plural %}{{ n }} things{% endblocktranslate %}"
    assert plurals_of(source) == [("%(n)s thing", "%(n)s things")]
