import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are read in English here (the Chinese are checked by test_templates and msgfmt)."""
    with translation.override("en"):
        yield
