"""Django merges every app's catalogue into one: where two translate the same English words
differently, the app listed first wins everywhere — the task app's 目标值 once turned the audit
log's "Target" column, and its 已销号 every "Closed" case. So one words, one translation; an app
that means something else says it in other words (or with a msgctxt)."""

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = re.compile(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"\nmsgstr "(.+)"$', re.M)


def test_no_two_catalogues_translate_the_same_words_differently():
    found = defaultdict(dict)
    for po in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for context, msgid, msgstr in ENTRY.findall(po.read_text(encoding="utf-8")):
            found[(context, msgid)][str(po.relative_to(ROOT).parts[0])] = msgstr
    clashes = {key[1]: where for key, where in found.items() if len(set(where.values())) > 1}
    assert clashes == {}
