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
