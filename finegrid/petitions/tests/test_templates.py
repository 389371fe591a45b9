"""Chinese first, English complete, for the petitions' pages: the console's own checks
(console/tests/test_translations.py) run over this app's templates."""

from pathlib import Path

import pytest

from finegrid.console.tests.test_translations import (  # noqa: F401 — the checks, not copies of them
    test_every_message_has_a_chinese_translation as every_message_translated,
    test_no_bare_english_in_templates as no_bare_english,
)

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_bare_english_in_the_petitions_templates(path):
    no_bare_english(path)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_message_of_the_petitions_templates_has_chinese(path):
    every_message_translated(path)
