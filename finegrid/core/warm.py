"""The platform's own warm-up for a server process (CoreConfig.warm_ups)."""

from django.urls import get_resolver


def read_urlconf() -> None:
    """Import the URLconf, every view and every app's API routes with it (cases.api.urls): the
    apps join their routes when the URLconf is read, not at set-up, so without this a worker's
    first request would pay for importing them."""
    get_resolver().url_patterns  # noqa: B018 — the property imports the URLconf
