"""Which category a submission belongs to: the channel's own when it names one (the service code
an Open311 app chose, the hotline's 分类 column, the patrol worker's quick pick); else the insight
classifier's suggestion (topic → the catalogue's hotline category). A 紧急 appeal with no urgency of
its own takes the 2-hour path (接诉即办: threats to life or property) at once.

The label model is loaded once per process by the insight store; a batch is labelled in one pass."""

from finegrid.insight import classify as insight
from finegrid.insight import store
from finegrid.insight.leaves import named_leaves

from .inbox import Fresh

URGENT_TIER = "2h"
_other_leaves = Fresh(lambda: _read_other_leaves())


def classify(submission) -> str:
    """The category code for one submission, or "" when an operator must classify it."""
    return classify_many([submission])[0]


def classify_many(submissions: list) -> list[str]:
    """Category codes for a batch; the ones without a category of their own share one model pass."""
    codes = [s.category_code or "" for s in submissions]
    blank = [s for s, code in zip(submissions, codes) if not code]
    if not blank:
        return codes
    labels = iter(insight.classify_many([s.description for s in blank], [s.title for s in blank]))
    for i, code in enumerate(codes):
        if not code:
            found = next(labels)
            codes[i] = _leaf(found.category_code or "")
            if found.urgent and not submissions[i].urgency:
                submissions[i].urgency = URGENT_TIER
    return codes


def _leaf(code: str) -> str:
    """Cases take a leaf (小类): a topic known only at its first level goes to that topic's 其他."""
    return _other_leaves.get().get(code, code)


def _read_other_leaves() -> dict[str, str]:
    from finegrid.cases.models import Category

    rows = Category.objects.filter(level=2, active=True, name="其他").values_list("parent__code", "code")
    return dict(rows)


def suggested(submission, code: str) -> bool:
    """True when `code` came from the classifier, not from the channel."""
    return bool(code) and not submission.category_code


def suggestions_for(text: str) -> list[str]:
    """The leaves to offer a resident for a description, best first: the classifier's (as the
    立案 queue's suggestion comes, insight.classify) when a model is on disk — never built inside
    a request (the seed model takes about 40 s) — then the leaves the text names outright."""
    if not text.strip():
        return []
    codes = []
    if _model_on_disk():
        labels = insight.classify(text)
        codes = [*labels.leaf_codes, labels.category_code or ""]
    codes += [choice.code for choice in named_leaves(text)]
    return [code for code in dict.fromkeys(codes) if code]


def _model_on_disk() -> bool:
    active = store.registry().get("active")
    return active is not None and (store.models_dir() / f"v{active:04d}.joblib").exists()
