import pytest

from finegrid.demo.layout import build_layout


@pytest.fixture(scope="session")
def built():
    """The demo layout and the progress calls made while building it: built once for the run,
    since the layout tests and the seeded database both need it and a build takes many seconds."""
    calls = []
    layout = build_layout(progress=lambda step, done, total: calls.append((step, done, total)))
    return layout, calls
