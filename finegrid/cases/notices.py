"""Writing notices: the in-app inbox of a person or a unit. Outbound channels hang off here."""

from .models import Notice


def notify(kind: str, case=None, *, unit=None, recipient=None, title: str, body: str = "") -> Notice:
    notice = Notice.objects.create(kind=kind, case=case, unit=unit, recipient=recipient, title=title, body=body)
    for hook in SENDERS:
        hook(notice)
    return notice


# Functions called with every new notice (outbound channels register themselves here).
SENDERS: list = []
