"""Answers to a category's extra questions (Open311 attributes), checked by each question's datatype."""

from datetime import datetime

from django.utils.translation import gettext as _

from .models import Question

ANSWER_MAX = 2000


def check_answers(category, raw: dict, required: bool = True, questions=None) -> dict:
    """The answers to keep, keyed by question code; IntakeError names each bad or missing one.
    Answers to questions the category does not ask are dropped. Staff channels (patrol, hotline)
    may leave required questions unanswered: the worker on site or the operator fills them later."""
    from .intake import IntakeError, text

    if category is None:
        return {}
    problems, answers = {}, {}
    if questions is None:
        questions = Question.objects.filter(category=category, variable=True)
    for question in questions:
        value = raw.get(question.code)
        if value in (None, "", []):
            if question.required and required:
                problems[f"attribute[{question.code}]"] = _("required: %(q)s") % {"q": question.description}
            continue
        try:
            answers[question.code] = _checked(question, value, text)
        except ValueError as error:
            problems[f"attribute[{question.code}]"] = str(error)
    if problems:
        raise IntakeError(problems)
    return answers


def _checked(question: Question, value, text):
    kind = question.datatype
    if kind == Question.Datatype.MULTI:
        values = [str(v) for v in (value if isinstance(value, list) else [value])]
        if not set(values) <= question.keys():
            raise ValueError(_("choose among %(keys)s") % {"keys": ", ".join(sorted(question.keys()))})
        return values
    value = value[-1] if isinstance(value, list) else value
    value = text(value)
    if len(value) > ANSWER_MAX:
        raise ValueError(_("longer than %(n)d characters") % {"n": ANSWER_MAX})
    if kind == Question.Datatype.SINGLE and value not in question.keys():
        raise ValueError(_("choose one of %(keys)s") % {"keys": ", ".join(sorted(question.keys()))})
    if kind == Question.Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(_("a number is expected")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(_("a number is expected"))
    if kind == Question.Datatype.DATETIME:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(_("a date and time such as 2026-03-10T09:30:00+08:00 is expected")) from None
        if moment.tzinfo is None:
            raise ValueError(_("give the time zone, such as +08:00 or Z"))
    return value


# ── what the answers say and decide ───────────────────────────────────────────────────────────

TIER_ORDER = ("2h", "24h", "7d", "15d")  # the most urgent first


def chosen_values(question: Question, value) -> list[dict]:
    """The list entries an answer picked (none for a free-text question)."""
    keys = value if isinstance(value, list) else [value]
    return [v for v in question.values if str(v.get("key")) in {str(k) for k in keys}]


def decided(questions, answers: dict) -> tuple[str, str]:
    """(立案条件 text, urgency tier) the answers choose, each "" when none: the first condition
    named in the questions' order, the most urgent tier named (a missing manhole cover: 2h)."""
    conditions, tiers = [], []
    for question in questions:
        for value in chosen_values(question, answers[question.code]) if question.code in answers else []:
            conditions += [value["condition"]] if value.get("condition") else []
            tiers += [value["urgency"]] if value.get("urgency") in TIER_ORDER else []
    return (conditions[0] if conditions else ""), min(tiers, key=TIER_ORDER.index, default="")


def more_urgent(tier: str, other: str) -> str:
    """The more urgent of two tiers ("" is none)."""
    given = [t for t in (tier, other) if t in TIER_ORDER]
    return min(given, key=TIER_ORDER.index, default=tier)


def answer_lines(questions, answers: dict) -> list[tuple[str, str]]:
    """(question, answer in words) for each answered question, in the questions' order."""
    lines = []
    for question in questions:
        if question.code not in answers:
            continue
        picked = chosen_values(question, answers[question.code])
        value = answers[question.code]
        words = "、".join(v["name"] for v in picked) if picked else ("、".join(value) if isinstance(value, list) else str(value))
        lines.append((question.description, words))
    return lines


def case_answers(case) -> list[tuple[str, str]]:
    """What the reporter answered for a case, for the staff's case page (empty when nothing)."""
    from .models import Receipt

    receipt = Receipt.objects.filter(case=case).only("answers").first()
    if receipt is None or not receipt.answers or case.category_id is None:
        return []
    return answer_lines(Question.objects.filter(category_id=case.category_id, variable=True), receipt.answers)


def classify_text(case) -> str:
    """The text a classifier reads for a case: its description and, after it, the reporter's answers
    in words (路灯是什么情况？ 不亮), so a closed choice counts as much as a typed word."""
    said = case.description or case.title
    return " ".join([said, *(f"{question} {answer}" for question, answer in case_answers(case))])
