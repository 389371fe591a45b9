"""The dispute's action table, its machine, its deadline plan and watch, and its cohort.

人民调解法 and 人民调解工作若干规定: a committee that takes a dispute mediates it, normally within
one month of taking it (登记); longer only when both parties agree. An agreement is followed up
by visits (回访); a visit that finds it broken lets the dispute be reopened; closing needs the
三到位 recorded: 问题解决到位, 思想疏导到位, 帮扶救助到位."""

import calendar as months
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finegrid.cases.calendar import LimitKind
from finegrid.cases.evaluation import Cohort, by_area, by_unit
from finegrid.cases.evidence import EvidenceError, check_file as check_evidence
from finegrid.cases.machine import SYSTEM, Action, Context, Input, Machine, TransitionError, watched_actions
from finegrid.cases.notices import Draft
from finegrid.cases.supervision import Plan, overseers_of, watch, window_plan
from finegrid.org.models import Role, Unit

from .access import MEDIATOR, roles_over
from .files import attach
from .models import Dispute, DisputeTransition, Referral, Risk

ZONE = ZoneInfo("Asia/Shanghai")
EXTEND_MAX_DAYS = 30  # one extension at a time, each with both parties' consent
D = Dispute.State
CLOCKED = frozenset({D.REGISTERED, D.MEDIATING})  # the month runs until an agreement or a referral
OPEN = frozenset({D.REGISTERED, D.MEDIATING, D.AGREED})
STREET = frozenset({Role.HANDLER, Role.SUPERVISOR})  # a street's staff (the committee's office)
REGISTRARS = STREET | {Role.GRID_WORKER, Role.PETITION_OFFICE}
MEDIATORS = frozenset({MEDIATOR, Role.HANDLER})  # the named mediator, or the street's committee staff
# The grid worker of the dispute's grid sits in on the mediation on the spot (网格微调解) and goes
# back to see the parties: they record a session and a follow-up visit. What binds the parties —
# an agreement, an extension with their consent, a referral — stays with the mediator and the committee.
ON_THE_GRID = frozenset({Role.GRID_WORKER})
THREE_IN_PLACE = (("problem_solved", gettext_lazy("problem solved (问题解决到位)")),
                  ("minds_eased", gettext_lazy("minds eased (思想疏导到位)")),
                  ("help_given", gettext_lazy("help given (帮扶救助到位)")))


def one_month_after(moment: datetime) -> datetime:
    """The same local time a calendar month later (the 31st → the month's last day)."""
    local = moment.astimezone(ZONE)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = min(local.day, months.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(moment.tzinfo)


def authority(user, act: Action, obj) -> str | None:
    held = roles_over(user, obj)
    return next((role for role in sorted(act.roles - {SYSTEM}) if role in held), None)


# ── whom a step tells ────────────────────────────────────────────────────────────────────────


def tell_mediator(kind: str, title):
    def drafts(row, dispute) -> list[Draft]:
        told = kind if kind != "alarm" else row.data["alarm"]
        text = f"{title} · {dispute.number} {dispute.title}"
        return [Draft(told, text, unit_id=dispute.unit_id), Draft(told, text, recipient_id=dispute.mediator_id)]
    return drafts


def tell_overseers(row, dispute) -> list[Draft]:
    """An overdue mediation reaches the street's supervisors (level 1), then the leaders (level 2)."""
    level = row.data["level"]
    text = _("Mediation overdue (level %(level)s)") % {"level": level} + f" · {dispute.number} {dispute.title}"
    return [Draft("escalate", text, recipient_id=person.pk) for person in overseers_of(dispute.area_code, level)]


# ── checks and changes ───────────────────────────────────────────────────────────────────────


def mediator_named(step):
    username = (step.data.get("mediator") or "").strip()
    return get_user_model().objects.filter(username=username, is_active=True).first() if username else None


def check_assign(dispute, step, ctx) -> None:
    if step.unit is None and not (step.data.get("mediator") or "").strip():
        raise TransitionError(_("name the mediator: a mediation committee or a grid worker"))
    if step.unit is not None and step.unit.kind not in (Unit.Kind.STREET, Unit.Kind.COMMUNITY):
        raise TransitionError(_("%(unit)s is not a street's or a community's mediation committee")
                              % {"unit": step.unit.name})
    if step.data.get("mediator"):
        person = mediator_named(step)
        if person is None or not {Role.GRID_WORKER, Role.HANDLER} & roles_over(person, dispute):
            raise TransitionError(_("mediator: %(name)s is not a grid worker or a street handler of this place")
                                  % {"name": step.data["mediator"]})


def assign(dispute, step, ctx) -> dict:
    person = mediator_named(step)
    return {"unit_id": step.unit.pk if step.unit else dispute.unit_id,
            "mediator_id": person.pk if person else dispute.mediator_id}


def check_extension(dispute, step, ctx) -> None:
    missing = [label for name, label in (("applicant_consent", _("the applicant's consent")),
                                         ("respondent_consent", _("the respondent's consent")))
               if step.data.get(name) is not True]
    if missing:
        raise TransitionError(_("mediation runs beyond its month only when both parties agree: %(missing)s missing")
                              % {"missing": _(" and ").join(missing)})
    days = step.data.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= EXTEND_MAX_DAYS:
        raise TransitionError(_("days: a whole number from 1 to %(most)s") % {"most": EXTEND_MAX_DAYS})


def extend(dispute, step, ctx) -> dict:
    # The parties' consent sets a new deadline: it is measured against itself (window_of), afresh.
    return {"due_at": dispute.due_at + timedelta(days=step.data["days"]), "next_check_at": step.now,
            "alarm": "", "escalation": 0}


def check_agreement(dispute, step, ctx) -> None:
    if not (step.data.get("agreement") or "").strip():
        raise TransitionError(_("agreement: write down what the parties agreed"))


def agree(dispute, step, ctx) -> dict:
    return {"agreement": step.data["agreement"].strip(), "agreed_at": step.now, "mediated_at": step.now,
            "broken": False, "next_check_at": None}


def check_referral(dispute, step, ctx) -> None:
    if step.data.get("referral") not in Referral.values:
        raise TransitionError(_("referral: choose %(paths)s") % {"paths": ", ".join(Referral.values)})


def fail(dispute, step, ctx) -> dict:
    return {"referral": step.data["referral"], "mediated_at": step.now, "next_check_at": None,
            "petition_ref": (step.data.get("petition_ref") or dispute.petition_ref or "")[:32]}


def check_session(dispute, step, ctx) -> None:
    if not (step.data.get("summary") or "").strip():
        raise TransitionError(_("summary: write down what the session did"))


def check_visit(dispute, step, ctx) -> None:
    if not isinstance(step.data.get("kept"), bool):
        raise TransitionError(_("kept: say whether the agreement is kept"))


def ready_to_reopen(dispute, ctx) -> str | None:
    return None if dispute.broken else _("only a follow-up visit that finds the agreement broken reopens a dispute")


def reopen(dispute, step, ctx) -> dict:
    """The month starts again from the reopening."""
    return {"clock_start": step.now, "due_at": one_month_after(step.now), "next_check_at": step.now, "alarm": "",
            "escalation": 0, "mediated_at": None, "agreed_at": None, "closed_at": None}


def ready_to_close(dispute, ctx) -> str | None:
    visit = ctx.last("visit")
    if dispute.broken or visit is None or visit.at < dispute.agreed_at or not visit.data.get("kept"):
        return _("close after a follow-up visit finds the agreement kept")
    return None


def check_three_in_place(dispute, step, ctx) -> None:
    missing = [str(label) for name, label in THREE_IN_PLACE if not (step.data.get(name) or "").strip()]
    if missing:
        raise TransitionError(_("closing needs the 三到位 recorded; missing: %(missing)s")
                              % {"missing": "; ".join(missing)})


def close(dispute, step, ctx) -> dict:
    return {"closed_at": step.now, **{name: step.data[name].strip() for name, _label in THREE_IN_PLACE}}


def check_risk(dispute, step, ctx) -> None:
    if step.data.get("risk") not in Risk.values:
        raise TransitionError(_("risk: choose %(levels)s") % {"levels": ", ".join(Risk.values)})


def check_file(upload) -> None:
    try:
        check_evidence(upload)
    except EvidenceError as error:
        raise TransitionError(str(error))


T = Input
DISPUTE_ACTIONS = {a.name: a for a in [
    Action("register", gettext_lazy("Register"), frozenset({""}), D.REGISTERED, REGISTRARS, automatic=True),
    Action("assign", gettext_lazy("Assign mediator"), frozenset({D.REGISTERED, D.MEDIATING}), D.MEDIATING,
           STREET | {Role.PETITION_OFFICE}, inputs=(T("unit", "unit"), T("mediator", "user")), check=check_assign,
           change=assign, notices=tell_mediator("info", gettext_lazy("A dispute to mediate"))),
    Action("session", gettext_lazy("Mediation session"), frozenset({D.MEDIATING}), None, MEDIATORS | ON_THE_GRID,
           inputs=(T("summary", "text", True), T("place")), check=check_session, counts="session_count"),
    Action("extend", gettext_lazy("Extend with both parties' consent"), frozenset({D.MEDIATING}), None, MEDIATORS,
           needs_reason=True, inputs=(T("days", "int", True, gettext_lazy("Days more")), T("applicant_consent", "bool", True),
                                      T("respondent_consent", "bool", True)),
           check=check_extension, change=extend, counts="extension_count"),
    Action("agree", gettext_lazy("Agreement reached"), frozenset({D.MEDIATING}), D.AGREED, MEDIATORS, photos=True,
           inputs=(T("agreement", "text", True),), check=check_agreement, change=agree),
    Action("fail", gettext_lazy("Mediation failed: refer"), frozenset({D.MEDIATING}), D.REFERRED, MEDIATORS,
           needs_reason=True, inputs=(T("referral", "referral", True), T("petition_ref")), check=check_referral,
           change=fail, notices=tell_mediator("info", gettext_lazy("Dispute referred"))),
    Action("visit", gettext_lazy("Follow-up visit"), frozenset({D.AGREED, D.CLOSED}), None,
           MEDIATORS | ON_THE_GRID, inputs=(T("kept", "bool", True), T("note")), check=check_visit,
           change=lambda d, step, ctx: {"broken": not step.data["kept"]}, counts="visit_count"),
    Action("reopen", gettext_lazy("Reopen"), frozenset({D.AGREED, D.CLOSED}), D.MEDIATING,
           MEDIATORS | STREET, needs_reason=True, ready=ready_to_reopen, change=reopen, counts="reopen_count",
           notices=tell_mediator("info", gettext_lazy("Dispute reopened: the agreement is broken"))),
    Action("close", gettext_lazy("Close (三到位)"), frozenset({D.AGREED}), D.CLOSED, STREET,
           inputs=tuple(T(name, "text", True, label) for name, label in THREE_IN_PLACE), ready=ready_to_close,
           check=check_three_in_place, change=close),
    Action("rate_risk", gettext_lazy("Re-assess risk"), frozenset(OPEN), None, MEDIATORS | STREET,
           needs_reason=True, inputs=(T("risk", "risk", True),), check=check_risk,
           change=lambda d, step, ctx: {"risk": step.data["risk"], "risk_reason": step.reason[:500]}),
    *watched_actions(CLOCKED, warned=tell_mediator("alarm", gettext_lazy("Mediation deadline")),
                     escalated=tell_overseers),
]}


def dispute_plan(dispute: Dispute, now: datetime, calendar) -> Plan:
    if dispute.state not in CLOCKED or dispute.due_at is None:
        return Plan(dispute.alarm, dispute.escalation, None)
    return window_plan(dispute.clock_start, dispute.due_at, LimitKind.CALENDAR_DAYS, dispute.alarm,
                       dispute.escalation, now, calendar)


DISPUTES = Machine(model=Dispute, transitions=DisputeTransition, subject="dispute", actions=DISPUTE_ACTIONS,
                   authority=authority, context=Context, link=lambda d: f"/disputes/{d.pk}/",
                   attach=attach, check_file=check_file)
watch(Dispute, dispute_plan, DISPUTES.perform, related=("unit",))


# ── 以实绩论英雄: the disputes registered in a period, judged by what became of them ────────────
def by_mediator(rows):
    return rows.filter(mediator__isnull=False).annotate(key=F("mediator_id"))


MEDIATION_ENDED = Q(mediated_at__isnull=False)
DISPUTE_RESULTS = Cohort("disputes", Dispute, "registered_at", {
    "settled": Q(state=D.CLOSED, broken=False),
    "mediation_due": MEDIATION_ENDED | Q(state__in=CLOCKED, due_at__lt=Now()),
    "mediated_on_time": MEDIATION_ENDED & Q(mediated_at__lte=F("due_at")),
}, groupings={"unit": by_unit, "street": by_area(9), "person": by_mediator},
    weights={"settlement_rate": 20, "mediation_on_time_rate": 10}, states=tuple(D.values))


@DISPUTE_RESULTS.indicator("settlement_rate", "化解率", gettext_lazy("Disputes settled and holding"),
                           {"unit", "street", "person"})
def settlement_rate(settled, reported):
    """化解率 = disputes closed with 三到位 whose agreement no later visit found broken ÷ disputes
    registered in the period. A referred (调解不成) dispute stays in the denominator, unsettled."""
    return settled, reported


@DISPUTE_RESULTS.indicator("mediation_on_time_rate", "按期调解率", gettext_lazy("Mediation within its time"),
                           {"unit", "street", "person"})
def mediation_on_time_rate(mediated_on_time, mediation_due):
    """按期调解率 = mediations ended (agreed or referred) by their deadline — a month, or the one
    both parties agreed to — ÷ mediations ended, plus those still running past their deadline."""
    return mediated_on_time, mediation_due
