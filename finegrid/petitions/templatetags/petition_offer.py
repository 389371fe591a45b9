"""The case page's link to 转为信访件, shown to whom it opens: the petition office and the hotline's
operators, on a hotline case with a named caller that is no petition yet (else the petition's number)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from finegrid.org.principal import principal_of

from ..from_cases import TAKEN_FROM, why_not
from ..hotline import TAKERS
from ..models import Petition

register = template.Library()


@register.simple_tag(takes_context=True)
def petition_offer(context, case) -> str:
    user = getattr(context.get("request"), "user", None)
    if case.channel not in TAKEN_FROM or user is None or not set(principal_of(user).roles) & set(TAKERS):
        return ""
    petition = Petition.objects.filter(source_case=case).values_list("number", flat=True).first()
    if petition:
        return format_html('<p class="muted">{} {}</p>', _("Taken in as petition"), petition)
    if why_not(case):
        return ""
    return format_html('<p><a href="{}">{}</a></p>', reverse("petitions:from_case", args=[case.ticket]),
                       _("Take in as a petition (转为信访件)"))
