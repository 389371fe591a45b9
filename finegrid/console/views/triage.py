"""One-click decisions from the 立案/派遣 queue: accept a report under the suggested category (or
under the operator's correction of the topic, which the insight app stores and learns from at
its next retrain) and send it on to the suggested unit; dispatch an accepted case to one of the
units the responsibility matrix suggests."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finegrid.cases.models import Case, Category
from finegrid.cases.workflow import Conflict, TransitionError, perform
from finegrid.insight.learning import record_correction
from finegrid.insight.taxonomy import TOPICS
from finegrid.org.models import Unit

from ..access import COMMAND_ROLES, desk_required
from ..suggest import topic_leaf
from .cases import visible_case

S = Case.State


class TriageForm(forms.Form):
    version = forms.IntegerField()
    category = forms.CharField(required=False, max_length=16)
    unit = forms.CharField(required=False, max_length=32)
    topic = forms.ChoiceField(required=False, choices=[("", "")] + [(t, t) for t in TOPICS])
    suggested_topic = forms.CharField(required=False, max_length=16)
    suggested_category = forms.CharField(required=False, max_length=16)


def back_to(request, queue: str):
    """Where the form came from (the queue with its filters), when that is a page of this site."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("console:queue_named", args=[queue])
    return redirect(target)


def _read(request, case):
    """The form's values, or None after telling the person why they could not be used."""
    form = TriageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form could not be read."))
        return None
    if form.cleaned_data["version"] != case.version:
        messages.warning(request, _("Someone else changed case %(ticket)s while you were looking at it; "
                                    "it is shown as it stands now.") % {"ticket": case.ticket})
        return None
    return form.cleaned_data


@require_POST
@desk_required(COMMAND_ROLES)
def accept(request, ticket):
    case = visible_case(request, ticket)
    data = _read(request, case)
    if data is not None:
        try:
            with transaction.atomic():
                done = accept_suggested(case, request.user, data)
        except (TransitionError, Conflict) as error:
            messages.error(request, f"{case.ticket}: {error}")
        else:
            messages.success(request, done)
    return back_to(request, "accept")


def accept_suggested(case: Case, user, data: dict) -> str:
    """立案 under the chosen category, a correction stored when the operator changed the topic,
    then 派遣 to the suggested unit unless the matrix already sent it on. Returns what was done."""
    topic, code = data["topic"], data["category"].strip()
    if not (code or topic) and (data["suggested_category"] or data["suggested_topic"]):  # the correction form, empty
        raise TransitionError(_("choose a category or a topic to correct it to"))
    # The operator's correction: a leaf searched for by name or code, else a topic (filed under its
    # general leaf); either one that differs from the suggestion is a correction insight learns from.
    corrected = (bool(code) and bool(data["suggested_category"]) and code != data["suggested_category"]) or (
        not code and bool(topic) and topic != data["suggested_topic"])
    code = code or (topic_leaf(topic) if topic else "")
    category = Category.objects.filter(code=code, active=True).first() if code else case.category
    if category is None:
        raise TransitionError(_("choose the case's category before accepting it"))
    if corrected and topic:
        record_correction(text=case.description or case.title, title=case.title, case=case, actor=user, topic=topic)
    # A category correction is part of 立案: the accept transition records the old and the new code.
    perform(case, "accept", user, data={"category": category.code, "corrected": corrected})
    unit = Unit.objects.filter(code=data["unit"], active=True).first() if data["unit"] and not corrected else None
    if unit is not None and case.state == S.ACCEPTED:  # an unambiguous matrix has dispatched it already
        perform(case, "dispatch", user, unit=unit, reason=_("suggested unit"))
    if case.state == S.DISPATCHED:
        return _("%(ticket)s accepted as %(category)s and sent to %(unit)s.") % {
            "ticket": case.ticket, "category": category.name, "unit": case.unit.name}
    return _("%(ticket)s accepted as %(category)s; it waits for 派遣.") % {"ticket": case.ticket, "category": category.name}


@require_POST
@desk_required(COMMAND_ROLES)
def dispatch_to(request, ticket):
    case = visible_case(request, ticket)
    data = _read(request, case)
    unit = Unit.objects.filter(code=data["unit"], active=True).first() if data and data["unit"] else None
    if data is not None and unit is None:
        messages.error(request, _("choose the unit to send the case to"))
    elif data is not None:
        try:
            perform(case, "dispatch", request.user, unit=unit, reason=_("suggested unit"))
        except (TransitionError, Conflict) as error:
            messages.error(request, f"{case.ticket}: {error}")
        else:
            messages.success(request, _("%(ticket)s sent to %(unit)s.") % {"ticket": case.ticket, "unit": unit.name})
    return back_to(request, "dispatch")
