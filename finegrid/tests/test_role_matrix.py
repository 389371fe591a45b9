"""The role matrix: every URL of the URLconf against every named user of the shared world.

`TABLE` is the one statement of who may open what. Each URL name (or, for the admin's unnamed
patterns, its route) maps to a `Row` — or a list of them, one per object that fills the path
(a case of grid A, one of grid B) — saying who gets through on GET, who may POST, and whose
answer shows which case. A URL with no row fails `test_every_url_has_a_row`: a new endpoint is
covered by being added here. Outcomes are classes, not exact codes: *through* is 2xx or a
redirect that is not a refusal; *refused* is a redirect to a sign-in page, 401, 403, 404 or 405.
A 5xx fails for everyone.

Adding a URL: give its name a `Row(readers, args, post=…)` in TABLE; `args` fills the path with
the world's objects by name ("{case_a}" is case A's ticket: see `_fill`); readers are sets of the
names in `USERS`, best built from the groups below. A new admin model goes in ADMIN_MODELS.
The world is built once per module (about 1 s); the walk is about 230 GETs per user."""

import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from finegrid.cases.models import Case, Transition
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import perform
from finegrid.conftest import GRID_A, GRID_B, STREET_A, STREET_B, build_world
from finegrid.core.models import AuditEntry
from finegrid.org.models import RoleAssignment
from finegrid.sensing.models import Alarm, AlarmEvent
from finegrid.sensing.tests.factories import make_device, make_site
from finegrid.tasks.models import KeyTaskTransition, ProblemTransition

USERS = ["anonymous", "resident", "worker_a", "worker_b", "operator", "dispatcher", "supervisor", "street_sup",
         "leader", "handler_cgj", "handler_zjj", "street_a", "admin", "secadmin", "auditor", "superuser",
         "supervision", "petition_office", "organisation", "callback"]

# ── Who is who ────────────────────────────────────────────────────────────────────────────────
EVERYONE = frozenset(USERS)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY = frozenset()
# The system administrator (as the demo makes it) and createsuperuser's account, which is one too.
SUPERUSERS = frozenset({"admin", "superuser"})
DISTRICT = frozenset({"operator", "dispatcher", "supervisor", "leader"})  # the whole district's cases
COMMAND = DISTRICT | {"street_sup"}  # console.access.COMMAND_ROLES
OVERVIEW = frozenset({"supervisor", "street_sup", "leader"})
# 三员分立: the three administrators — the system administrator and a superuser among them — are in
# no row of business data: they run the system, grant roles, read the audit trail.
# 回访: the call-back desk reads the district's cases (to call their reporters back), nothing else.
CALLBACK = frozenset({"callback"})
# Case A: grid A, reported by the resident, now with 城管局; case B: grid B, just reported.
CASE_A = DISTRICT | CALLBACK | {"resident", "worker_a", "street_sup", "handler_cgj"}
CASE_B = DISTRICT | CALLBACK | {"worker_b"}
AREA_A = DISTRICT | {"worker_a", "street_sup", "street_a"}  # whose area scope covers grid A
AREA_B = DISTRICT | {"worker_b"}
STREET_A_PAGE = AREA_A  # a street's page: its area, or a grid in it
# 矛盾纠纷 (disputes/access.py): grid workers their grids', a street's staff their street's, the
# district's supervisors, the leaders and the petition office all; the 三员 and superusers none.
DISPUTE_DESK = frozenset({"worker_a", "worker_b", "street_a", "street_sup", "supervisor", "leader", "petition_office"})
DISPUTE_A = DISPUTE_DESK - {"worker_b"}  # the dispute of grid A
DISPUTE_REGISTRARS = DISPUTE_DESK - {"leader"}
DISPUTE_SHOWS = {"dispute_number": DISPUTE_A}
TASK_DESK = frozenset({"supervision", "leader"})  # 大督查's desk: every key task


@dataclass
class Row:
    read: frozenset  # who gets through on GET
    args: dict = field(default_factory=dict)  # path parameters, formatted with REFS
    query: str = ""
    post: frozenset | None = None  # state-changing POST: who may; every other user must be refused
    data: dict = field(default_factory=dict)  # the POST body
    json: bool = False  # sent as JSON rather than a form
    changes: bool = True  # an allowed POST leaves a row (a transition, a role, an audit entry …)
    shows: dict = field(default_factory=dict)  # an object ("case_a") → the users whose answer names it
    refusal: str = ""  # a redirect to this path counts as a refusal


CASE_SHOWS = {"case_a": CASE_A, "case_b": CASE_B}
A, B = {"ticket": "{case_a}"}, {"ticket": "{case_b}"}
OPEN311 = {"fmt": "json"}

TABLE = {
    # The grid pages (grid/views.py): the user's area scope.
    "home": Row(EVERYONE),  # visitors get the public home (report, follow a report), staff their grid map
    "region": [Row(STREET_A_PAGE, {"code": STREET_A}), Row(AREA_B, {"code": STREET_B})],
    "grid": [Row(AREA_A, {"code": GRID_A}), Row(AREA_B, {"code": GRID_B})],
    "health": Row(EVERYONE),
    "favicon": Row(EVERYONE),
    "login": Row(EVERYONE),
    "logout": Row(NOBODY),  # POST only
    "set_language": Row(EVERYONE),  # GET redirects back; POST sets the language
    # The JSON API: a case is the caller's when visible_cases says so.
    "api:openapi-json": Row(EVERYONE),  # the API's documentation is public, its data is not
    "api:openapi-view": Row(EVERYONE),
    "api:docs_asset": Row(EVERYONE, {"name": "swagger-ui.css"}),
    "api:api-root": Row(NOBODY),
    "api:list_cases": Row(SIGNED_IN, shows=CASE_SHOWS),
    "api:create_case": Row(SIGNED_IN, shows=CASE_SHOWS),  # the same path as the list; POST is the intake's
    "api:case_detail": [Row(CASE_A, A), Row(CASE_B, B)],
    # 核实 of case B: its grid worker and the operators; not a superuser (a system administrator),
    # not the call-back desk.
    "api:take_action": Row(NOBODY, B, post={"worker_b", "operator"}, data={"action": "verify"}, json=True),
    # Sensing: sites and alarms of the user's area.
    "sensing:sites": Row(SIGNED_IN, shows={"site": AREA_A}),
    "sensing:site": Row(AREA_A, {"code": "{site}"}),
    "sensing:ack": Row(NOBODY, {"pk": "{alarm}"}, post=AREA_A, data={"comment": "已到场"}),
    "sensing:ingest": Row(NOBODY, post=NOBODY),  # a device token, never a person's session
    "insight:hot-issues": Row(DISTRICT),  # the whole district's month: its leaders and command centre
    # Open311 GeoReport v2: public by design (a client app's api_key for POST).
    "open311-openapi": Row(EVERYONE),
    "open311-discovery": Row(EVERYONE, OPEN311),
    "open311-services": Row(EVERYONE, OPEN311),
    "open311-service": Row(EVERYONE, {"code": "C0101", **OPEN311}),
    "open311-requests": Row(EVERYONE, OPEN311, post=NOBODY),  # no api_key: refused
    "open311-request": Row(EVERYONE, {"ticket": "{case_a}", **OPEN311}),
    "open311-token": Row(NOBODY, {"token": "no-such-token", **OPEN311}),
    "open311-updates": Row(EVERYONE, OPEN311),
    # The residents' pages and the patrol page.
    "intake-report": Row(EVERYONE),
    "intake-reported": Row(NOBODY, A, refusal="/track/"),  # only in the session that reported it
    "intake-suggest": Row(NOBODY, post=EVERYONE, data={"description": "路灯不亮"}, changes=False),  # JSON, no row
    "intake-held-photo": Row(NOBODY, {"name": "none.jpg"}),  # only the session whose report was refused
    "intake-track": Row(EVERYONE),
    "intake-places": Row(EVERYONE, query="q=%E4%B8%AA%E5%9B%AD&lon=119.405&lat=32.415"),  # the gazetteer's public names
    "intake-case": Row(NOBODY, A, refusal="/track/"),  # only once tracked with ticket and phone
    "intake-case-photo": Row(NOBODY, {**A, "pk": "1"}),  # the same session rule, and only a resident's photos
    "intake-patrol": Row({"worker_a", "worker_b"}),
    "intake-patrol-report": Row(NOBODY, post=NOBODY),  # an empty report is refused by everyone
    "intake-patrol-task": Row(NOBODY, A, post=NOBODY),
    # The console.
    "console:home": Row(SIGNED_IN),
    "console:cases": [Row(SIGNED_IN, shows=CASE_SHOWS), Row(SIGNED_IN, query="export=csv", shows=CASE_SHOWS),
                      Row(SIGNED_IN, query="export=xlsx")],
    "console:case": [Row(CASE_A, A), Row(CASE_B, B)],
    # 立案: the command centre's operators and dispatchers; no administrator, not the call-back desk.
    "console:act": Row(NOBODY, {"ticket": "{case_b}", "action": "accept"}, post=DISTRICT - {"leader", "supervisor"},
                       data={"version": "{case_b_version}"}),
    "console:photo": Row(NOBODY, {"ticket": "{case_a}", "pk": 0}),
    # Correcting a case's location: the command centre's operators and dispatchers (POST only).
    "console:case_location": Row(NOBODY, {"ticket": "{case_b}"}, post=DISTRICT - {"leader", "supervisor"},
                                 data={"area_code": GRID_B}),
    "console:command": Row(COMMAND),
    "console:map": Row(COMMAND),
    "console:map_areas": Row(COMMAND, query="level=grid"),  # the base map's overlays: the map's own readers
    "console:map_cases": Row(COMMAND, query="bbox=119,32,120,33&zoom=15"),
    "console:map_sites": Row(COMMAND),
    "console:feed": Row(SIGNED_IN, shows=CASE_SHOWS),
    "console:queue": Row(COMMAND),
    "console:queue_bulk": Row(NOBODY, post=NOBODY),  # no tickets chosen: nothing to do for anyone
    "console:queue_named": Row(COMMAND, {"name": "dispatch"}),
    "console:queue_hint": [Row(COMMAND - {"street_sup"}, B), Row(COMMAND, A)],
    "console:triage_accept": Row(NOBODY, B, post=DISTRICT - {"leader", "supervisor"},
                                 data={"version": "{case_b_version}"}),
    "console:triage_dispatch": Row(NOBODY, A, post=NOBODY),  # no unit chosen
    "console:merge": Row(COMMAND),
    "console:unit_desk": Row({"handler_cgj", "handler_zjj", "street_a"}),
    "console:worker": Row({"worker_a", "worker_b"}),
    "console:overview": Row(OVERVIEW),
    "console:ranking": Row(OVERVIEW | {"handler_cgj", "handler_zjj", "street_a"}, {"by": "unit"}),  # the unit desk's panel
    "console:trend": Row(OVERVIEW),
    "console:hot_topics": Row(OVERVIEW),
    "console:app_panel": [Row(OVERVIEW, {"name": "matters"}),  # the test-only shapes app declares one
                          Row(OVERVIEW, {"name": "disputes"})],
    "console:administration": Row(SUPERUSERS),
    "console:admin_export": Row(SUPERUSERS, {"name": "units"}),
    "console:admin_import": Row(NOBODY, {"name": "units"}, post=SUPERUSERS, changes=False),  # no file: nothing
    "console:password": Row(SIGNED_IN),
    "console:audit": [Row({"auditor"}), Row({"auditor"}, query="export=csv")],
    "console:security": Row({"secadmin"}),
    # Disputes (矛盾纠纷): the mediation desk, the register, a dispute, its steps, its registration.
    "disputes:desk": Row(DISPUTE_DESK, shows=DISPUTE_SHOWS),
    "disputes:list": [Row(DISPUTE_DESK, shows=DISPUTE_SHOWS), Row(DISPUTE_DESK, query="export=xlsx")],
    "disputes:detail": Row(DISPUTE_A, {"pk": "{dispute}"}),
    # A session: the dispute's mediator (worker A) and the street's handler; anyone else is refused.
    "disputes:act": Row(NOBODY, {"pk": "{dispute}", "action": "session"}, post={"worker_a", "street_a"},
                        data={"version": "{dispute_version}", "summary": "背靠背调解"}),
    "disputes:new": Row(DISPUTE_REGISTRARS, post=DISPUTE_REGISTRARS - {"worker_b"}, data={
        "title": "噪音扰民", "field": "neighbours", "risk": "yellow", "risk_reason": "多次投诉", "grid_code": GRID_A,
        "applicant": "赵六", "respondent": "钱七"}),
    "disputes:file": Row(NOBODY, {"pk": "{dispute}", "file_pk": 0}),
    "api:list_disputes": Row(SIGNED_IN, shows=DISPUTE_SHOWS),
    "api:register_dispute": Row(SIGNED_IN, shows=DISPUTE_SHOWS),  # the list's path; POST registers
    "api:dispute_detail": Row(DISPUTE_A, {"dispute_id": "{dispute}"}),
    # A dispute's steps in the API (one route per action): the page's own rule — a session by the
    # dispute's mediator (worker A) or the street's handler; the other steps are GET-refused to all.
    "api:dispute_session": Row(NOBODY, {"dispute_id": "{dispute}"}, post={"worker_a", "street_a"}, json=True,
                               data={"summary": "背靠背调解"}),
    **{f"api:dispute_{name}": Row(NOBODY, {"dispute_id": "{dispute}"})
       for name in ("assign", "extend", "agree", "fail", "visit", "reopen", "close", "rate_risk")},
    "console:unlock": Row(NOBODY, post={"secadmin"}, data={"username": "operator"}),
    # 大督查: the 督查室 and the leaders see every key task; a unit its own (城管局 leads the world's task).
    "tasks:desk": [Row(TASK_DESK, shows={"keytask_title": TASK_DESK}), Row(TASK_DESK, query="export=csv"),
                   Row(TASK_DESK, query="export=xlsx")],
    "tasks:inbox": Row({"handler_cgj", "handler_zjj"}, shows={"keytask_title": {"handler_cgj"}}),
    "tasks:task": Row(TASK_DESK | {"handler_cgj"}, {"pk": "{keytask}"}),
    "tasks:act": Row(NOBODY, {"pk": "{keytask}"}, post={"handler_cgj"},
                     data={"action": "report_progress", "version": "{keytask_version}", "percent": "40"}),
    "tasks:issue": Row(NOBODY, {"pk": "{document}"}, post={"supervision"}),
    "tasks:instruction": Row(NOBODY, post=TASK_DESK, data={"title": "尽快处理", "urgency": "normal", "lead_unit": "cgj"}),
    "tasks:ledger": [Row(TASK_DESK | {"handler_cgj", "handler_zjj"}),
                     Row(TASK_DESK | {"handler_cgj", "handler_zjj"}, query="export=csv")],
    "tasks:new_problem": Row(NOBODY, post={"supervision"}, data={
        "ledger": "督查发现", "source": "supervision", "number": "9", "description": "台账不全", "measures": "补齐",
        "closing_condition": "台账齐全", "unit": "cgj", "deadline": "2026-12-31"}),
    "tasks:problem": Row(TASK_DESK | {"handler_cgj"}, {"pk": "{problem}"}, post={"handler_cgj"},
                         data={"action": "submit", "version": "{problem_version}", "evidence": "落地率82%"}),
    "tasks:report": [Row(TASK_DESK), Row(TASK_DESK, query="month=2026-11&export=xlsx")],
    "tasks:evaluation": Row({"organisation", "leader"}),
    # A cadre's record: the organisation department and the cadre's own leader.
    "tasks:cadre": Row({"organisation", "leader"}, {"user_id": "{cadre}"}),
    "tasks:cadre_record": Row(NOBODY, {"user_id": "{cadre}"}, post={"organisation", "leader"},
                              data={"kind": "annual", "period": "2026", "rating": "称职"}),
    "tasks:cadre_file": Row({"organisation", "leader"}, {"user_id": "{cadre}", "pk": "{cadre_file}"}),
    "tasks:competence": Row({"organisation"}, post={"organisation"}, data={"what": "rater", "name": "服务对象"}),
    "tasks:figures": Row(TASK_DESK, post={"supervision"}, data={"indicator": "新增城镇就业", "month": "2026-11",
                                                                 "value": "3000"}),
}

# 信访 (finegrid/petitions): the petition office's; the leaders read every petition and 包案; a unit's
# handler reads what was given to the unit (both petitions are 住建局's). No administrator sees any.
OFFICE = frozenset({"petition_office"})
PETITION_READERS = OFFICE | {"leader", "handler_zjj"}
PETITION = {"number": "{petition}"}
REGISTRATION = {"channel": "visit", "matter": "征迁补偿款未到位", "name": "张三", "id_number": "11010519491231002X",
                "phone": "13800005678", "field": "征迁"}
TABLE.update({
    "petitions:desk": Row(OFFICE, post=OFFICE, data=REGISTRATION, shows={"petition": OFFICE}),
    "petitions:inbox": Row({"handler_cgj", "handler_zjj", "street_a"}),
    "petitions:track": Row(EVERYONE),  # the petitioner's own page, by number and phone
    "petitions:export": Row(OFFICE),
    "petitions:reception": Row(OFFICE | {"leader"}),
    # 12345转办: the petition office and the hotline's operators take hotline cases in.
    "petitions:from_hotline": Row(OFFICE | {"operator"}),
    "petitions:rules": Row(OFFICE | {"leader"}),  # the limits' versions; the office writes the next one
    "petitions:from_case": Row(OFFICE | {"operator"}, B),
    "petitions:leader_cases": Row(OFFICE | {"leader"}, shows={"petition_q": OFFICE | {"leader"}}),
    "petitions:leader_case_act": Row(NOBODY, {"pk": "{leader_case}", "action": "progress"}, post=OFFICE | {"leader"},
                                     data={"note": "已约谈开发商"}),
    "petitions:decide_link": Row(NOBODY, {"pk": "{link}", "decision": "reject"}, post=OFFICE),
    "petitions:petition": [Row(PETITION_READERS, PETITION), Row(PETITION_READERS, {"number": "{petition_q}"})],
    "petitions:act": Row(NOBODY, {"number": "{petition}", "action": "accept"}, post=OFFICE | {"handler_zjj"},
                         data={"version": "{petition_version}"}),
    "petitions:take_charge": Row(NOBODY, PETITION, post=OFFICE, data={"leader": "{leader_id}"}),
    "petitions:document": Row(PETITION_READERS, {"number": "{petition_q}", "seq": 3}),
    "api:list_petitions": Row(SIGNED_IN, shows={"petition": PETITION_READERS}),
    "api:create_petition": Row(SIGNED_IN, post=OFFICE, data=REGISTRATION, json=True),
    "api:petition_detail": Row(PETITION_READERS, PETITION),
    "api:take_petition_action": Row(NOBODY, PETITION, post=OFFICE | {"handler_zjj"}, data={"action": "accept"},
                                    json=True),
})

STAFF_SITE = SUPERUSERS | {"secadmin"}  # is_staff: the admin site's own pages
# The Django admin, model by model: who reads it, who adds, who changes, who deletes. The audit log
# is nobody's here, the alarms and the transitions' evidence are read-only, nothing in the
# catalogue is deleted (a case keeps its category), roles are the security administrator's.
SYS = (SUPERUSERS, SUPERUSERS, SUPERUSERS, SUPERUSERS)
ADMIN_MODELS = {
    "auth.group": SYS, "auth.user": SYS,
    "core.auditentry": (NOBODY, NOBODY, NOBODY, NOBODY),
    "org.roleassignment": (SUPERUSERS | {"secadmin"}, {"secadmin"}, {"secadmin"}, {"secadmin"}),
    "cases.category": (SUPERUSERS, SUPERUSERS, SUPERUSERS, NOBODY),
    "cases.categoryrule": (SUPERUSERS, SUPERUSERS, SUPERUSERS, NOBODY),
    "sensing.alarm": (SUPERUSERS, NOBODY, SUPERUSERS, NOBODY),  # change: the read-only form
    "intake.receipt": (SUPERUSERS, NOBODY, SUPERUSERS, SUPERUSERS),
    "intake.update": (SUPERUSERS, NOBODY, SUPERUSERS, SUPERUSERS),
    **{label: SYS for label in [
        "grid.region", "grid.grid", "grid.microgrid", "grid.place", "org.unit", "org.person", "org.responsibility",
        "cases.calendarday", "cases.calendaryear", "cases.workingperiod", "cases.indicatorweight", "sensing.site",
        "sensing.device", "sensing.ingestcounter", "intake.question", "tasks.ruleset", "tasks.unitclass",
        "tasks.classweight"]},
}
TABLE.update({
    "admin:index": Row(STAFF_SITE),
    "admin:login": Row(EVERYONE - STAFF_SITE),  # staff already signed in are sent on to the index
    "admin:app_list": [Row(SUPERUSERS, {"app_label": "grid"}), Row(STAFF_SITE, {"app_label": "org"}),
                       Row(NOBODY, {"app_label": "core"})],
    "admin:logout": Row(NOBODY),  # POST only; a stranger is sent to the admin's index
    "admin:password_change": Row(STAFF_SITE),
    "admin:password_change_done": Row(STAFF_SITE),
    "admin:autocomplete": Row(NOBODY),  # needs its model and field
    "admin:jsi18n": Row(STAFF_SITE),
    "admin:view_on_site": Row(NOBODY, {"content_type_id": "{unit_type}", "object_id": "{unit}"}),
    "admin/(?P<url>.*)$": Row(NOBODY, {"url": "nowhere/"}),
    # 三员: nobody reaches another administrator's password, not even a superuser.
    "admin:auth_user_password_change": [Row(SUPERUSERS, {"id": "{resident_id}"}),
                                        Row(NOBODY, {"id": "{auditor_id}"}, post=NOBODY,
                                            data={"password1": "Another-pass-9", "password2": "Another-pass-9"}),
                                        Row(NOBODY, {"id": "{secadmin_id}"})],
    # Another administrator's account is read-only to the system administrator: seen, not changed.
    "admin:auth_user_change": [Row(SUPERUSERS, {"object_id": "{resident_id}"}),
                               Row(SUPERUSERS, {"object_id": "{auditor_id}"}, post=NOBODY,
                                   data={"username": "auditor", "date_joined_0": "2026-01-01",
                                         "date_joined_1": "08:00:00"})],  # no is_active: switched off
    "admin:auth_user_delete": [Row(SUPERUSERS, {"object_id": "{resident_id}"}),
                               Row(NOBODY, {"object_id": "{auditor_id}"}, post=NOBODY, data={"post": "yes"})],
    "admin:org_roleassignment_add": Row({"secadmin"}, post={"secadmin"},
                                        data={"user": "{admin_id}", "role": "auditor"}),
})
for label, (readers, adders, changers, deleters) in ADMIN_MODELS.items():
    app, model = label.split(".")
    obj = {"object_id": "{%s}" % label.replace(".", "_")}
    TABLE.setdefault(f"admin:{app}_{model}_changelist", Row(readers))
    TABLE.setdefault(f"admin:{app}_{model}_add", Row(adders))
    TABLE.setdefault(f"admin:{app}_{model}_history", Row(readers, obj))
    TABLE.setdefault(f"admin:{app}_{model}_delete", Row(deleters, obj))
    TABLE.setdefault(f"admin:{app}_{model}_change", Row(changers | readers, obj))  # a reader sees the form read-only
    TABLE.setdefault(f"admin/{app}/{model}/<path:object_id>/", Row(STAFF_SITE, obj))  # a redirect to the change page


# ── The URLconf ───────────────────────────────────────────────────────────────────────────────


def url_patterns(resolver=None, prefix="", namespace=None):
    """(key, route, pattern) of every URL: the key is the name with its namespace, or the route."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or route
            yield key, route, pattern


def rows_of(key):
    row = TABLE.get(key, [])  # test_every_url_has_a_row names the missing ones
    return row if isinstance(row, list) else [row]


def test_every_url_has_a_row():
    keys = {key for key, _, _ in url_patterns()}
    assert sorted(keys - set(TABLE)) == [], "add these URLs to TABLE with who may open them"
    assert sorted(set(TABLE) - keys) == [], "these rows name no URL any more"


def path_of(key, route, row, refs) -> str:
    args = {name: str(value).format(**refs) for name, value in row.args.items()}
    if key != route:
        path = reverse(key, kwargs=args)
    else:  # an unnamed pattern: fill its route by hand
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", lambda m: args[m.group(1) or m.group(2)],
                            route.replace("^", "").replace("$", ""))
    return path + (f"?{row.query}" if row.query else "")


# ── The world, built once for the module ──────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The shared world with what fills the paths: case A (grid A, the resident's, accepted and
    dispatched to 城管局), case B (grid B, just reported), a gas station in grid A with an alarm.
    Built once in a transaction rolled back at the end; each test runs in a savepoint of it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            _forget_caches()
            world = build_world()
            yield world, _fill(world)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            _forget_caches()


def _fill(w) -> dict:
    case_a = open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415,
                       reporter=w["resident"], reporter_name="王五", reporter_phone="13800001234")
    perform(case_a, "accept", w["operator"])
    perform(case_a, "dispatch", w["dispatcher"], unit=w["cgj"])
    case_b = open_case(channel="hotline", title="路灯不亮", category_code="C0101", lon=119.425, lat=32.415)
    site = make_site()
    device = make_device(site, sensors=("ch4",))
    now = timezone.now()
    alarm = Alarm.objects.create(site=site, device=device, sensor=device.sensors.first(), rule="threshold",
                                 area_code=site.area_code, severity=3, value=30, message="CH4 30 %LEL",
                                 raised_at=now, updated_at=now)
    _one_of_each(w, case_a, now)
    dispute = _dispute(w)
    petitions = _petitions(w, now)
    task_refs = _key_tasks(w, now)
    refs = {**petitions, **task_refs, "dispute": dispute.pk, "dispute_number": dispute.number,
            "dispute_version": dispute.version,
            "case_a": case_a.ticket, "case_b": case_b.ticket, "case_b_version": case_b.version, "site": site.code,
            "alarm": alarm.pk, "unit": w["cgj"].pk, "unit_type": _content_type(w["cgj"]),
            **{f"{name}_id": w[name].pk for name in ("resident", "auditor", "secadmin", "admin", "leader")}}
    for label in ADMIN_MODELS:
        pk = apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first()
        refs[label.replace(".", "_")] = pk if pk is not None else 0
    return refs


def _one_of_each(w, case, now):
    """A row of every model the admin shows, so its change, history and delete pages are real."""
    import datetime

    from django.contrib.auth.models import Group
    from shapely.geometry import Point

    from finegrid.cases.models import CalendarDay, CalendarYear, IndicatorWeight, WorkingPeriod
    from finegrid.core.models import ApiToken
    from finegrid.grid.models import Place
    from finegrid.intake.models import Question, Receipt, Update
    from finegrid.org.models import Person, Responsibility
    from finegrid.sensing.models import IngestCounter

    Group.objects.create(name="值班")
    Place.objects.create(name="个园", kind="landmark", geometry=Point(119.405, 32.415), lon=119.405, lat=32.415,
                         street_codes=[STREET_A])
    Person.objects.create(user=w["auditor"], full_name="审计员", phone="13800009999")
    Responsibility.objects.create(category_code="C0101", region=w["grid_a"].community.parent, unit=w["cgj"])
    CalendarDay.objects.create(date=datetime.date(2026, 10, 1), kind="holiday", name="国庆节")
    CalendarYear.objects.create(year=2026)
    WorkingPeriod.objects.create(start=datetime.time(8, 30), end=datetime.time(12))
    IndicatorWeight.objects.create(indicator="closure_rate", weight=1)
    IngestCounter.objects.create(name="accepted", value=1)
    from finegrid.tasks.models import ClassWeight, RuleSet, UnitClass

    RuleSet.objects.create(valid_from=now - datetime.timedelta(days=400), note="默认")
    UnitClass.objects.create(unit=w["zjj"], klass="economic")
    ClassWeight.objects.create(klass="economic", indicator="keytask_on_time_rate", weight=30)
    Question.objects.create(category=w["category"], code="depth", datatype="number", description="深度", order=1)
    key = ApiToken.objects.create(name="app", key_hash="0" * 64, prefix="o311", purpose=ApiToken.Purpose.OPEN311)
    Receipt.objects.create(case=case, channel="web", token="t" * 32)
    Update.objects.create(case=case, api_key=key, updated_at=now)


def _dispute(w):
    """A neighbours' dispute of grid A, mediated by worker A for 东关街道's committee."""
    from finegrid.disputes.engine import DISPUTES
    from finegrid.disputes.register import NewDispute, NewParty, register
    from finegrid.grid.models import Region
    from finegrid.org.models import Unit

    committee = Unit.objects.create(code="dg-tjw", name="东关街道人民调解委员会", kind=Unit.Kind.STREET,
                                    region=Region.objects.get(code=STREET_A))
    dispute = register(NewDispute("楼上漏水", "neighbours", "yellow", "双方争吵", grid_code=GRID_A, parties=[
        NewParty("张三", "applicant", "13800001111"), NewParty("李四", "respondent", "13900002222")]),
        w["worker_a"], timezone.now())
    DISPUTES.perform(dispute, "assign", w["street_a"], unit=committee, data={"mediator": "worker_a"})
    return dispute


def _petitions(w, now) -> dict:
    """Two petitions given to 住建局 by the same person (so a link is proposed): P transferred, Q
    accepted (its 受理告知书 on row 3) and owned by the leader (包案)."""
    from finegrid.petitions.engine import PETITIONS
    from finegrid.petitions.leader_cases import take_in_charge
    from finegrid.petitions.registration import Submission, register

    made = []
    for matter in ("小区停工，无法交房", "小区停工两年，业主无法交房"):
        sub = Submission(channel="visit", matter=matter, name="王建国", id_number="11010519491231002X",
                         phone="13800001234", field="保交楼", area_code=GRID_A)
        petition = register(sub, w["petition_office"], now=now)
        PETITIONS.perform(petition, "transfer", w["petition_office"], unit=w["zjj"], now=now)
        made.append(petition)
    p, q = made
    PETITIONS.perform(q, "accept", w["handler_zjj"], now=now)
    case = take_in_charge(q, w["leader"], now=now, actor=w["petition_office"])
    return {"petition": p.number, "petition_version": p.version, "petition_q": q.number, "leader_case": case.pk,
            "link": q.links.get().pk}


def _key_tasks(w, now) -> dict:
    """A confirmed key task led by 城管局 (the leader in charge: leader), a draft tree waiting to be
    issued, a 整改台账 item of 城管局, and a cadre record of handler_cgj whose leader is leader."""
    import datetime

    from finegrid.tasks.engine import PROBLEMS, TASKS
    from finegrid.tasks.models import CadreRecord, Problem
    from finegrid.tasks.outline import Node, Outline, Source
    from finegrid.tasks.store import store

    text = "推动园区扩容。加快城管执法改革。"
    issued = store(Outline(text, [Node("一", "推动园区扩容", 1, Source(0, 7), lead_unit="区城市管理局")]),
                   title="矩阵报告", now=now)
    task = issued.tasks.get()
    TASKS.perform(task, "edit", w["supervision"], data={"leader": "leader"})
    TASKS.perform(task, "issue", w["supervision"])
    TASKS.perform(task, "confirm", w["handler_cgj"])
    drafts = store(Outline(text, [Node("一", "加快城管执法改革", 1, Source(7, 15), lead_unit="区城市管理局")]),
                   title="待审报告", now=now)
    problem = PROBLEMS.open(Problem(ledger="巡视反馈", source="inspection", number="1", description="招商落地率低",
                                    measures="建立台账", closing_condition="落地率80%", unit=w["cgj"], opened_at=now,
                                    due_at=now + datetime.timedelta(days=30)), "register", now=now)
    record = CadreRecord.objects.create(cadre=w["handler_cgj"], superior=w["leader"], kind="tolerance",
                                        period="2026", decision="予以容错", recorded_at=now)
    from django.core.files.base import ContentFile

    from finegrid.tasks.models import CadreEvidence

    cadre_file = CadreEvidence.objects.create(record=record, file=ContentFile(b"%PDF-1.4\n", name="x.pdf"),
                                              content_type="application/pdf", size=9, sha256="0" * 64)
    return {"keytask": task.pk, "keytask_version": task.version, "keytask_title": task.title,
            "document": drafts.pk, "problem": problem.pk, "problem_version": problem.version,
            "cadre": w["handler_cgj"].pk, "cadre_file": cadre_file.pk}


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _forget_caches():
    from finegrid.intake import inbox, keys
    from finegrid.intake.open311 import catalogue

    catalogue.forget()
    keys.forget()
    inbox.grid_index.forget()


# ── The walk ──────────────────────────────────────────────────────────────────────────────────


def outcome(response, row) -> str:
    status = response.status_code
    assert status < 500, f"{status} {response.content[:300]!r}"
    if 300 <= status < 400:
        location = response["Location"].split("?")[0]
        # The admin answers a missing object, or a stranger's sign-out, by sending them to its index.
        refused = location in (reverse("login"), reverse("admin:login"), reverse("admin:index"), row.refusal)
        return "refused" if refused else "through"
    return "through" if status < 300 else "refused"


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _client(world, who) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if who != "anonymous":
        client.force_login(world[who])
    return client


def post(client, path, row, refs):
    data = {name: str(value).format(**refs) for name, value in row.data.items()}
    if row.json:
        return client.post(path, data, content_type="application/json")
    return client.post(path, data)


def fingerprint() -> tuple:
    """What a refused POST must leave as it was."""
    from django.contrib.auth import get_user_model

    from finegrid.cases.machine import MACHINES
    from finegrid.disputes.models import Dispute

    machines = tuple(machine.transitions.objects.count() for machine in MACHINES)  # every app's history
    return (machines, tuple(get_user_model().objects.order_by("pk").values_list("is_active", flat=True)),
            Dispute.objects.count(), Case.objects.count(), Transition.objects.count(), RoleAssignment.objects.count(),
            AlarmEvent.objects.count(), AuditEntry.objects.exclude(action__startswith="auth.").count(),
            KeyTaskTransition.objects.count(), ProblemTransition.objects.count(),
            tuple(Alarm.objects.order_by("pk").values_list("state", flat=True)))


@pytest.mark.django_db
@pytest.mark.parametrize("who", USERS)
def test_each_user_opens_exactly_what_the_table_says(matrix_world, who):
    world, refs = matrix_world
    client, wrong = _client(world, who), []
    for key, route, _ in url_patterns():
        for row in rows_of(key):
            path = path_of(key, route, row, refs)
            response = client.get(path)
            expected = "through" if who in row.read else "refused"
            got = outcome(response, row)
            if got != expected:
                answer = f"{response.status_code} {response.get('Location', '')}".strip()
                wrong.append(f"GET {path}: {got}, expected {expected} ({answer})")
            elif got == "through" and row.shows:
                body = body_of(response)
                for name, readers in row.shows.items():
                    shown = str(refs[name]) in body
                    if shown != (who in readers):
                        wrong.append(f"GET {path}: {'shows' if shown else 'hides'} {name}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("who", USERS)
def test_refused_posts_change_nothing(matrix_world, who):
    world, refs = matrix_world
    wrong = []
    for key, route, _ in url_patterns():
        for row in rows_of(key):
            if row.post is None or who in row.post:
                continue
            path = path_of(key, route, row, refs)
            # A fresh sign-in for each POST, outside its savepoint: a POST may change the session
            # row (a password change does), and rolling that back would sign the client out.
            client = _client(world, who)
            with transaction.atomic():  # each POST in a savepoint of its own, rolled back
                before = fingerprint()
                response = post(client, path, row, refs)
                if 200 <= response.status_code < 300:  # a refusal may redirect back with its reason
                    wrong.append(f"POST {path}: {response.status_code}")
                if fingerprint() != before:
                    wrong.append(f"POST {path} changed something")
                transaction.set_rollback(True)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("who", USERS)
def test_allowed_posts_go_through(matrix_world, who):
    """The other half: a POST row's own users are not refused (their rows' side effects roll back)."""
    world, refs = matrix_world
    wrong = []
    for key, route, _ in url_patterns():
        for row in rows_of(key):
            if row.post is None or who not in row.post:
                continue
            path = path_of(key, route, row, refs)
            client = _client(world, who)
            with transaction.atomic():
                before = fingerprint()
                response = post(client, path, row, refs)
                if outcome(response, row) != "through":
                    wrong.append(f"POST {path}: {response.status_code}")
                elif row.changes and fingerprint() == before:
                    wrong.append(f"POST {path} changed nothing ({response.status_code} {response.get('Location', '')})")
                transaction.set_rollback(True)
    assert wrong == [], "\n".join(wrong)
