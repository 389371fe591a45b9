"""The pages of 12345转办: the hotline's latest cases with the 申诉求决 ones first, taken in as
petitions in bulk, and one case's page (reached from the case page's link). The petition office
and the hotline's operators take cases in; nobody else sees these pages."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from finegrid.cases.machine import TransitionError
from finegrid.cases.models import Case
from finegrid.org.models import Role

from .from_cases import recognise, take_case, take_cases, why_not
from .views import needs

TAKERS = (Role.PETITION_OFFICE, Role.OPERATOR)
RECENT = timedelta(days=30)  # the hotline's latest import and the weeks before it
LISTED = 200
MOST_AT_ONCE = 100


def _hotline_cases():
    return (Case.objects.filter(channel=Case.Channel.HOTLINE, petition__isnull=True, anonymous=False)
            .exclude(reporter_name="").select_related("insight"))


@needs(*TAKERS)
@require_http_methods(["GET", "POST"])
def from_hotline(request):
    now = timezone.now()
    if request.method == "POST":
        tickets = request.POST.getlist("ticket")[:MOST_AT_ONCE]
        done = take_cases(list(_hotline_cases().filter(ticket__in=tickets).order_by("pk")), request.user, now=now)
        taken = [petition.number for _case, petition, _why in done if petition]
        if taken:
            messages.success(request, _("Taken in as petitions: %(numbers)s") % {"numbers": "、".join(taken)})
        for case, petition, why in done:
            if petition is None:
                messages.error(request, f"{case.ticket}: {why}")
        return redirect("petitions:from_hotline")
    rows = [(case, recognise(case)) for case in
            _hotline_cases().filter(reported_at__gte=now - RECENT).order_by("-reported_at", "-pk")[:LISTED]]
    rows.sort(key=lambda row: row[1] is None)  # the suggested first, each part newest first
    return render(request, "petitions/from_hotline.html", {"rows": rows, "suggested": sum(1 for _c, s in rows if s)})


@needs(*TAKERS)
@require_http_methods(["GET", "POST"])
def from_case(request, ticket):
    case = Case.objects.select_related("insight").filter(ticket=ticket[:20]).first()
    if case is None:
        raise Http404
    problem = why_not(case)
    if request.method == "POST" and not problem:
        try:
            petition = take_case(case, request.user, now=timezone.now())
        except TransitionError as error:
            problem = str(error)
        else:
            messages.success(request, _("Case %(ticket)s is petition %(number)s now") % {
                "ticket": case.ticket, "number": petition.number})
            if Role.PETITION_OFFICE in request.roles:
                return redirect("petitions:petition", number=petition.number)
            return redirect("console:case", ticket=case.ticket)
    status = 409 if request.method == "POST" and problem else 200
    return render(request, "petitions/from_case.html", {"case": case, "suggestion": recognise(case),
                                                        "problem": problem}, status=status)
