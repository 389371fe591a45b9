"""The forms of a dispute's page, read off the action table's inputs (one schema for the page, the
API and the machine), and the registration form."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from finegrid.org.models import Role, RoleAssignment, Unit

from .engine import DISPUTES
from .models import Field, Party, Referral, Risk
from .register import NewDispute, NewParty

LABELS = {
    "unit": _("Mediation committee"), "mediator": _("Mediator (grid worker or street handler)"),
    "summary": _("What the session did"), "place": _("Where"), "days": _("Days more"),
    "applicant_consent": _("The applicant agrees"), "respondent_consent": _("The respondent agrees"),
    "agreement": _("The agreement"), "referral": _("Referred to"), "petition_ref": _("Petition number"),
    "kept": _("The agreement is kept"), "note": _("Note"), "risk": _("Risk level"),
    "problem_solved": _("Problem solved (问题解决到位)"), "minds_eased": _("Minds eased (思想疏导到位)"),
    "help_given": _("Help given (帮扶救助到位)"),
}
LONG_TEXT = frozenset({"summary", "agreement", "problem_solved", "minds_eased", "help_given", "note"})


def committees(dispute) -> list:
    prefixes = [dispute.area_code[:n] for n in (6, 9, 12)]
    return list(Unit.objects.filter(kind__in=(Unit.Kind.STREET, Unit.Kind.COMMUNITY), region__code__in=prefixes)
                .order_by("code"))


def mediators(dispute) -> list:
    """The grid workers of the dispute's grid and the handlers of its street."""
    rows = RoleAssignment.objects.filter(role=Role.GRID_WORKER, grids__code=dispute.area_code[:15]) | \
        RoleAssignment.objects.filter(role=Role.HANDLER, region__code__in=[dispute.area_code[:9], dispute.area_code[:12]])
    return list(get_user_model().objects.filter(pk__in=rows.values("user"), is_active=True)
                .select_related("person").order_by("username"))


def _choices(kind: str, dispute) -> list | None:
    if kind == "unit":
        return [(u.code, u.name) for u in committees(dispute)]
    if kind == "user":
        return [(u.username, getattr(getattr(u, "person", None), "full_name", "") or u.username)
                for u in mediators(dispute)]
    return {"referral": Referral.choices, "risk": Risk.choices}.get(kind)


def offered(dispute, user) -> list[dict]:
    """The actions `user` may take now, each with its form's fields."""
    found = []
    for act in DISPUTES.allowed(dispute, user):
        fields = [{"name": i.name, "label": LABELS.get(i.name, i.name), "kind": i.kind, "required": i.required,
                   "long": i.name in LONG_TEXT, "choices": _choices(i.kind, dispute)} for i in act.inputs]
        found.append({"name": act.name, "label": act.label, "needs_reason": act.needs_reason, "photos": act.photos,
                      "fields": fields})
    return found


class NewDisputeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    field = forms.ChoiceField(label=_("Field"), choices=Field.choices)
    risk = forms.ChoiceField(label=_("Risk level"), choices=Risk.choices)
    # Not required here so that the registration's own rule answers, in its words.
    risk_reason = forms.CharField(label=_("Reason for the risk level"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    grid_code = forms.ChoiceField(label=_("Grid"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    description = forms.CharField(label=_("Account of the dispute"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    applicant = forms.CharField(label=_("Applicant (申请方)"), max_length=64)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
    respondent = forms.CharField(label=_("Respondent (被申请方)"), max_length=64)
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=20, required=False)
    project_ref = forms.CharField(label=_("Project or building (保交楼)"), max_length=64, required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_code"].choices = [(g.code, f"{g.name} · {g.code}") for g in grids.order_by("code")[:2000]]

    def new_dispute(self) -> NewDispute:
        c = self.cleaned_data
        return NewDispute(
            title=c["title"], field=c["field"], risk=c["risk"], risk_reason=c["risk_reason"], grid_code=c["grid_code"],
            address=c["address"], description=c["description"], project_ref=c["project_ref"],
            parties=[NewParty(c["applicant"], Party.Side.APPLICANT, c["applicant_phone"]),
                     NewParty(c["respondent"], Party.Side.RESPONDENT, c["respondent_phone"])])
