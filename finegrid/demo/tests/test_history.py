"""A year of generated case history on the tiny district with the default catalogue and the demo's
organisation: deterministic, legal step by step (the workflow itself, replayed, arrives at the same
cases), where the deadline worker would have left it, and roughly the mix it promises."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from shapely.geometry import Point

from finegrid.cases import deadlines, supervision
from finegrid.cases.actions import ACTIONS
from finegrid.cases.catalogue import load_catalogue
from finegrid.demo.history import HistoryError, generate_history
from finegrid.cases.models import Case, Category, Transition
from finegrid.cases.replay import disagreements
from finegrid.cases.reporting import ticket_for
from finegrid.cases.workflow import perform
from finegrid.demo.responsibility import AMBIGUOUS, fill_responsibility
from finegrid.demo.seed import seed_demo
from finegrid.demo.staff import create_staff
from finegrid.grid.models import Grid, Place
from finegrid.org.models import Responsibility, Unit
from finegrid.org.responsibility import rows_for

END = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 14:00 on a Tuesday in Shanghai
N = 300
PLAIN = ["report", "verify", "accept", "dispatch", "start", "report_done", "check_ok", "close", "rate"]
GRIDS = [f"32100200{s}001{g:03d}" for s in (1, 2) for g in (1, 2, 3, 4)]


@pytest.fixture
def district(tiny):
    """The tiny district with the default catalogue, the demo's units and staff, and the matrix."""
    load_catalogue()
    create_staff()
    fill_responsibility()
    return tiny


@pytest.fixture
def history(district):
    return generate_history(N, seed=7, end=END)


def _snapshot():
    cases = Case.objects.order_by("ticket").values_list("ticket", "state", "due_at", "unit__code", "version")
    steps = Transition.objects.order_by("case__ticket", "seq").values_list(
        "case__ticket", "action", "at", "actor_label")
    return list(cases), list(steps)


def _forget_cases():
    Transition.objects.all().delete()
    Case.objects.update(master=None)
    Case.objects.all().delete()


def _transitions(case):
    return list(case.transitions.order_by("seq"))


# --- determinism ------------------------------------------------------------------------------


def test_the_same_seed_and_end_give_the_same_history(history):
    first = _snapshot()
    _forget_cases()
    generate_history(N, seed=7, end=END)
    assert _snapshot() == first
    _forget_cases()
    generate_history(N, seed=8, end=END)
    assert _snapshot()[0] != first[0]


def test_tickets_are_unique_readable_and_made_as_reporting_makes_them(history):
    cases = list(Case.objects.all())
    assert len(cases) == N == len({c.ticket for c in cases})
    assert all(c.ticket == ticket_for(c) for c in cases)
    assert [c.ticket for c in sorted(cases, key=lambda c: c.pk)] == sorted(c.ticket for c in cases)


# --- legality ---------------------------------------------------------------------------------


def test_every_case_replays_to_its_stored_state_version_and_counters(history):
    for case in Case.objects.all():
        assert disagreements(case, _transitions(case)) == [], case.ticket


def test_every_case_agrees_with_the_values_its_transitions_recorded(history):
    for case in Case.objects.select_related("unit", "master"):
        rows = _transitions(case)
        assert rows[0].action == "report" and rows[0].at == case.reported_at
        assert all(a.at <= b.at for a, b in zip(rows, rows[1:])) and rows[-1].at <= END
        assert case.updated_at == rows[-1].at
        _assert_recorded(case, rows)


def _assert_recorded(case, rows):
    unit, rating, due = None, None, None
    for row in rows:
        if row.action in ("dispatch", "reassign"):
            unit = row.data["unit"]
        elif row.action == "send_back" and row.from_state in ("dispatched", "handling"):
            unit = None
        rating = row.data["rating"] if row.action == "rate" else None if row.action == "reopen" else rating
        due = row.data.get("due_at", due)
    assert (case.unit.code if case.unit else None) == unit
    assert case.rating == rating
    assert (case.due_at.isoformat() if case.due_at else None) == due
    if case.state == "merged":
        master = case.master
        merged_at = rows[-1].at
        closed = master.transitions.filter(to_state__in=["closed", "void", "merged"]).order_by("seq").first()
        assert master.category_id == case.category_id and master.grid_id == case.grid_id
        assert closed is None or closed.at > merged_at, "merged into a case that was already finished"


def test_the_workflow_itself_replayed_arrives_at_the_same_cases(history):
    """Every action again through workflow.perform, by the same people at the same moments: the
    same deadlines, the same automatic dispatch, the same counters."""
    users = get_user_model().objects.in_bulk()
    side_paths = set(Transition.objects.exclude(action__in=PLAIN).values_list("case", flat=True))
    sample = [c for c in Case.objects.exclude(state="merged").order_by("pk") if c.pk in side_paths or c.pk % 5 == 0]
    assert len(side_paths) > 30 and len(sample) > 60
    for case in sample:
        copy = _replayed(case, _transitions(case), users)
        for name in ("state", "version", "unit_id", "rule_id", "condition_id", "limit_value", "limit_kind",
                     "accepted_at", "dispatched_at", "due_at", "due_provisional", "handled_at", "closed_at",
                     "rating", "rework_count", "reassign_count", "extension_count", "extension_pending", "alarm",
                     "escalation"):
            assert getattr(copy, name) == getattr(case, name), (case.ticket, name)


def _replayed(case, rows, users) -> Case:
    copy = Case.objects.create(
        ticket=f"R{case.ticket}", channel=case.channel, title=case.title, category=case.category,
        area_code=case.area_code, grid=case.grid, urgency=case.urgency, reported_at=case.reported_at,
        reporter=case.reporter, state="collected", version=1)
    Transition.objects.create(case=copy, seq=1, action="report", to_state="collected", actor_label=case.channel,
                              at=case.reported_at)
    for row in rows[1:]:
        automatic = row.action == "dispatch" and row.role == "system"
        if automatic and copy.state == "dispatched" and row.at == copy.dispatched_at:
            continue  # the engine dispatched it by itself when it accepted it, as the history says
        inputs = ACTIONS[row.action].input_names() - {"unit"}  # what the row records beyond them is the engine's
        data = {k: v for k, v in row.data.items() if k in inputs}
        unit = Unit.objects.get(pk=row.unit_id) if row.action in ("dispatch", "reassign") else None
        perform(copy, row.action, users.get(row.actor_id), reason=row.reason, unit=unit, data=data, now=row.at)
    copy.refresh_from_db()
    return copy


def test_open_cases_are_where_the_deadline_worker_left_them(history):
    calendar = deadlines.calendar_in_force()
    running = Case.objects.filter(state__in=supervision.RUNNING)
    for case in running:
        plan = supervision.plan_for(case, END, calendar)
        assert (plan.alarm, plan.escalation, plan.next_check) == (case.alarm, case.escalation, case.next_check_at)
    assert not Case.objects.exclude(state__in=supervision.RUNNING).exclude(next_check_at=None).exists()
    assert supervision.tick(END)["claimed"] == 0


# --- realism ----------------------------------------------------------------------------------


def test_the_channel_mix_and_the_overdue_share_are_roughly_as_promised(history):
    channels = Counter(Case.objects.values_list("channel", flat=True))
    assert 0.35 <= channels["hotline"] / N <= 0.55 and 0.25 <= channels["patrol"] / N <= 0.45
    assert {"open311", "web", "sensor", "enterprise"} <= set(channels)
    accepted = Case.objects.exclude(accepted_at=None)
    overdue = accepted.filter(alarm="red").count() / accepted.count()
    assert 0.02 <= overdue <= 0.14
    assert 1 <= Case.objects.filter(state="merged").count() <= 12


def test_a_few_large_categories_dominate(history):
    majors = Counter(code[:3] for code in Case.objects.values_list("category__code", flat=True))
    top = [code for code, _ in majors.most_common(4)]
    assert "E01" in top and sum(majors[c] for c in top) > 0.35 * N


def test_residents_rate_mostly_well_and_late_cases_worse(history):
    ratings = list(Case.objects.exclude(rating=None).values_list("rating", flat=True))
    assert ratings and sum(r >= 4 for r in ratings) / len(ratings) > 0.7
    assert not Case.objects.exclude(rating=None).exclude(channel__in=["hotline", "web", "open311"]).exists()


def test_reporters_are_fictional_residents_or_the_grid_worker(history):
    for case in Case.objects.filter(channel="hotline"):
        assert case.reporter_phone.startswith("1380000") and len(case.reporter_phone) == 11
    for case in Case.objects.filter(channel="patrol").select_related("reporter", "grid"):
        assert case.reporter.username == f"gw{case.grid.code}"
        assert _transitions(case)[0].actor_id == case.reporter_id


def test_cases_lie_in_micro_grids_of_the_district(history):
    codes = set(Grid.objects.values_list("code", flat=True))
    for case in Case.objects.select_related("grid"):
        assert len(case.area_code) == 18 and case.area_code[:15] == case.grid.code in codes
        assert case.grid.geometry.covers(Point(case.lon, case.lat))


def test_the_actors_are_the_demo_staff_in_their_roles(history):
    roles = set(Transition.objects.values_list("role", "actor_label").distinct())
    labels = {label for role, label in roles if role == "handler"}
    assert labels and all(label.startswith(("handler_", "street_", "community_")) for label in labels)
    assert {label for role, label in roles if role == "grid_worker"} <= {f"gw{code}" for code in GRIDS}
    assert {label for role, label in roles if role in ("operator", "dispatcher", "supervisor", "system")} <= {
        "operator", "dispatcher", "supervisor", "system"}


def test_recent_cases_wait_in_every_open_state(district):
    night = datetime(2026, 3, 9, 19, 0, tzinfo=UTC)  # 03:00 in Shanghai: nobody verifies or dispatches
    generate_history(3000, seed=1, end=night)
    waiting = Case.objects.exclude(state__in=["closed", "rated", "void", "merged"])
    assert set(waiting.values_list("state", flat=True)) == {
        "collected", "verified", "accepted", "dispatched", "handling", "handled", "checked", "parked"}
    assert waiting.exclude(state="parked").filter(reported_at__lt=night - timedelta(days=30)).count() < 10


def test_without_a_catalogue_nothing_is_written(tiny):
    create_staff()
    with pytest.raises(HistoryError, match="catalogue"):
        generate_history(10, end=END)
    assert not Case.objects.exists()


# --- seeding ----------------------------------------------------------------------------------


def test_seeding_cases_again_creates_nothing_new_and_a_larger_number_tops_up(tiny):
    Place.objects.create(name="个园", kind="landmark", geometry=Point(119.405, 32.405), lon=119.405, lat=32.405)
    assert seed_demo(cases=80)["cases"] == 80
    tickets = set(Case.objects.values_list("ticket", flat=True))
    assert not any(seed_demo(cases=80).values())
    assert seed_demo(cases=100)["cases"] == 100 - len(tickets)  # tops up to 100 (the petitions' hotline callers count)
    assert tickets < set(Case.objects.values_list("ticket", flat=True)) and Case.objects.count() == 100


# --- the responsibility matrix -------------------------------------------------------------------


def _primary(category_code, area_code):
    return sorted(row.unit.code for row in rows_for(category_code, area_code) if row.primary)


def test_street_and_community_work_goes_to_the_local_office_without_a_dispatcher(district):
    ambiguous = {name for name, *_ in AMBIGUOUS}
    leaves = Category.objects.filter(level=2).exclude(name__in=ambiguous).prefetch_related("rules")
    for leaf in leaves:
        kind = leaf.rules.get(version=1).unit_kind
        if kind in ("street", "community"):
            for grid in GRIDS:
                local = grid[:9] if kind == "street" else grid[:12]
                assert _primary(leaf.code, grid) == [local], (leaf.code, grid)


def test_every_category_has_one_primary_unit_except_the_documented_cells(district):
    ambiguous = {name for name, *_ in AMBIGUOUS}
    for leaf in Category.objects.filter(level=2).exclude(name__in=ambiguous):
        assert len(_primary(leaf.code, GRIDS[0])) == 1, leaf.code


def test_the_documented_cells_hold_two_units(district):
    road, noise, stalls, estates = (Category.objects.get(name=name).code for name in (
        "道路破损", "施工扰民", "占道经营", "物业纠纷"))
    assert _primary(road, GRIDS[0]) == ["cgj", "jtj"]  # two primaries: the dispatcher's queue
    assert _primary(noise, GRIDS[0]) == ["zjj"]  # a primary and a secondary: dispatched, both suggested
    assert [row.unit.code for row in rows_for(noise, GRIDS[0])] == ["zjj", "sthj"]
    assert _primary(stalls, "321002002001001") == ["321002002", "cgj"]
    assert _primary(stalls, "321002001001001") == ["321002001"]
    assert _primary(estates, "321002001001001") == ["321002001001", "zjj"]
    assert _primary(estates, "321002002001001") == ["321002002001"]


def test_every_major_category_has_a_district_wide_row(district):
    district_rows = set(Responsibility.objects.filter(region__code="321002").values_list("category_code", flat=True))
    street_rows = set(Responsibility.objects.filter(region__code="321002001").values_list("category_code", flat=True))
    for major in Category.objects.filter(level=1):
        assert major.code in district_rows | street_rows, major.code
    assert Responsibility.objects.get(category_code="H15", region__code="321002").unit.code == "rsj"


def test_filling_the_matrix_again_creates_nothing(district):
    count = Responsibility.objects.count()
    assert fill_responsibility() == 0 and Responsibility.objects.count() == count


def test_ambiguous_cases_wait_for_the_dispatcher_and_the_rest_are_dispatched_at_once(history):
    dispatches = Transition.objects.filter(action="dispatch").select_related("case__category")
    for row in dispatches:
        previous = row.case.transitions.get(seq=row.seq - 1)
        ambiguous = len(_primary(row.case.category.code, row.case.area_code)) != 1
        if previous.action == "accept":
            assert (row.role == "dispatcher") == ambiguous, row.case.ticket
