"""The auditor reads words, not codes: an entry's action by the label its app declares
(`audit_words` on the AppConfig), a machine's step by its action's label, and the detail as
"label: value" pairs in the reader's language rather than a Python dict."""

from django.utils.translation import gettext_lazy as _

from finegrid.core.declared import declared
from finegrid.org.models import Role

# The detail keys that entries and transition rows carry, in the auditor's words.
DETAIL_KEYS = {
    "ip": _("address"), "change": _("change"), "seq": _("step"), "from": _("from"), "to": _("to"),
    "role": _("role"), "reason": _("reason"), "unit": _("unit"), "unit_name": _("unit"),
    "category": _("category"), "category_before": _("category before"), "count": _("count"),
    "rows": _("rows"), "file": _("file"), "version": _("version"), "comment": _("comment"),
    "alarm": _("alarm"), "escalation": _("escalation level"), "level": _("level"),
    "cases": _("cases"), "features": _("grid features"), "places": _("places"), "units": _("units"),
    "people": _("people"), "categories": _("categories"), "responsibilities": _("responsibility cells"),
    "sensing_sites": _("sensor sites"),
}
ROLE_WORDS = {value: label for value, label in Role.choices}


def action_words() -> dict:
    return {code: label for code, label in declared("audit_words")}


def label_of(code: str, words: dict | None = None) -> str:
    """The declared words for an entry's action; the code itself when no app names it."""
    return str((words if words is not None else action_words()).get(code, ""))


def detail_text(detail: dict, states: dict | None = None) -> str:
    """ip=127.0.0.1, from=reported → "address: 127.0.0.1; from: 已上报" — states are the subject's
    state labels, so a transition's from/to read as its states do on the case page."""
    states = states or {}
    parts = []
    for key, value in (detail or {}).items():
        if value in ("", None, [], {}):
            continue
        if key in ("from", "to"):
            value = states.get(value, value)
        elif key == "role":
            value = ROLE_WORDS.get(value, value)
        elif isinstance(value, dict):
            value = ", ".join(f"{DETAIL_KEYS.get(k, k)} {v}" for k, v in value.items())
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{DETAIL_KEYS.get(key, key)}: {value}")
    return "; ".join(parts)
