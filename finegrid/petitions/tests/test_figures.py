"""The petitions' figures in the engine's evaluation, the monthly 信访形势 report and the export."""

import io

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from finegrid.cases.evaluation import CASES, evaluate_together
from finegrid.petitions import linking
from finegrid.petitions.engine import PETITIONS
from finegrid.petitions.exports import HEADERS, national_xlsx
from finegrid.petitions.figures import PETITION_RESULTS
from finegrid.petitions.models import Petition

from .helpers import at, registered, valid_id


def _through(world, petition, accept_day, answer_day, rating=None):
    office, handler = world["petition_office"], world["handler_zjj"]
    PETITIONS.perform(petition, "transfer", office, unit=world["zjj"], now=at("2026-11-03"))
    PETITIONS.perform(petition, "accept", handler, now=at(accept_day))
    PETITIONS.perform(petition, "answer", handler, data={"opinion": "已处理"}, now=at(answer_day))
    if rating:
        PETITIONS.perform(petition, "rate", office, data={"rating": rating}, now=at(answer_day))
    return petition


def _month(world):
    good = _through(world, registered(world, at("2026-11-02")), "2026-11-05", "2026-12-01", rating=3)
    late = _through(world, registered(world, at("2026-11-02"), id_number=valid_id("32100219700707123"),
                                      phone="13700001111", name="钱七", matter="征迁安置房迟迟不分配", field="征迁"),
                    "2026-11-25", "2027-02-01", rating=1)
    return good, late


def test_the_cohort_counts_timely_acceptance_on_time_answers_satisfaction_and_repeats(world):
    good, late = _month(world)
    waiting = registered(world, at("2026-11-25"), id_number=valid_id("32100219750505123"), phone="13700002222",
                         name="孙八", matter="小区物业不作为", field="物业")
    PETITIONS.perform(waiting, "transfer", world["petition_office"], unit=world["zjj"], now=timezone.now())
    PETITIONS.perform(waiting, "accept", world["handler_zjj"], now=timezone.now())  # its 60 days still run
    again = registered(world, at("2026-11-20"))
    linking.decide(again.links.get(subject_id=good.pk), world["petition_office"], True, at("2026-11-21"))
    start, end = at("2026-11-01", 8), at("2026-12-01", 8)
    [row] = PETITION_RESULTS.evaluate(start, end, "unit")
    # The waiting one was decided in time, and its answer is not yet due: it is not counted late.
    assert row.key == "zjj" and row.values == {"petition_timely_acceptance": 2 / 3, "petition_on_time": 0.5,
                                               "petition_satisfaction": 0.5, "petition_repeat_rate": 0.0}
    [street] = PETITION_RESULTS.evaluate(start, end, "street")
    assert street.values["petition_repeat_rate"] == 1 / 4
    [together] = evaluate_together([CASES, PETITION_RESULTS], start, end, "unit")
    assert together.values["petition_on_time"] == 0.5


def test_the_monthly_report_gives_the_trend_by_field_and_place(world):
    _month(world)
    registered(world, at("2026-10-12"), matter="十月的一件事", field="物业")
    out = io.StringIO()
    call_command("report", "petitions", "--month", "2026-11", stdout=out)
    text = out.getvalue()
    assert "信访形势 2026-11: 2 petitions (2026-10: 1)" in text
    assert "保交楼\t1\t(+1)" in text and "物业\t0\t(-1)" in text and "321002001 东关街道\t2\t(+1)" in text


def test_the_export_has_the_national_systems_fields_and_masks_the_name(world):
    _month(world)
    sheet = load_workbook(io.BytesIO(national_xlsx(Petition.objects.order_by("pk")))).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADERS and len(rows) == 3
    assert rows[1][3] == "王**" and rows[1][15] == "满意" and rows[2][6] == "征迁"


def _dispute_settled(world, now):
    """One dispute of street 001 mediated, kept and closed with 三到位: 化解率 1 there."""
    from finegrid.disputes.engine import DISPUTES
    from finegrid.disputes.register import NewDispute, NewParty, register as enter
    from finegrid.conftest import GRID_A
    from finegrid.grid.models import Region
    from finegrid.org.models import Unit

    committee = Unit.objects.create(code="dg-tjw", name="东关街道人民调解委员会", kind=Unit.Kind.STREET,
                                    region=Region.objects.get(code="321002001"))
    dispute = enter(NewDispute(title="漏水", field="neighbours", risk="yellow", risk_reason="争吵", grid_code=GRID_A,
                               parties=[NewParty("甲", "applicant"), NewParty("乙", "respondent")]), world["street_a"], now)
    street = world["street_a"]
    DISPUTES.perform(dispute, "assign", street, unit=committee, now=now)
    DISPUTES.perform(dispute, "agree", street, data={"agreement": "修好防水"}, now=now)
    DISPUTES.perform(dispute, "visit", street, data={"kept": True}, now=now)
    DISPUTES.perform(dispute, "close", street, data={"problem_solved": "已修", "minds_eased": "已和解",
                                                     "help_given": "无需"}, now=now)


def test_the_monthly_report_gives_each_rate_by_street_unit_and_leader_with_the_disputes_settlement(world):
    _month(world)
    _dispute_settled(world, at("2026-11-10"))
    out = io.StringIO()
    call_command("report", "petitions", "--month", "2026-11", stdout=out)
    text = out.getvalue()
    street = next(line for line in text.splitlines() if line.startswith("  321002001") and "化解率" in line)
    assert "及时受理率=50%" in street and "按期办结率=50%" in street and "群众满意率=50%" in street
    assert "重复信访率=0%" in street and "化解率=100%" in street
    assert "figures by unit:" in text and "figures by leader:" in text


def test_the_overview_panel_shows_the_rates_where_leaders_look(world):
    from django.test import Client

    from finegrid.petitions.figures import LEADERS_LOOK_AT, rates
    from finegrid.org.scopes import Scope

    now = timezone.now()
    registered(world, now)
    _dispute_settled(world, now)
    found = rates(Scope(whole_district=True), now)
    values = dict((ind.key, value) for ind, value in found["rates"])
    assert set(values) == set(LEADERS_LOOK_AT) and values["settlement_rate"] == 1.0
    assert values["petition_repeat_rate"] == 0.0
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["leader"])
    panel = client.get("/console/overview/panels/petitions/").content.decode()
    assert "化解率" in panel and "100%" in panel and "及时受理率" in panel
    street = Client(HTTP_ACCEPT_LANGUAGE="en")
    street.force_login(world["street_sup"])
    assert "化解率" in street.get("/console/overview/panels/petitions/").content.decode()
    assert rates(Scope(code_prefixes=frozenset({"321002002"})), now)["by_street"] == []  # another street: none of these
