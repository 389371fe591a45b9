import io
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from finegrid.cases.reporting import open_case
from finegrid.insight import store
from finegrid.insight.labelling import label_case, label_cases
from finegrid.insight.models import CaseLabels

ZONE = timezone.get_fixed_timezone(480)


@pytest.fixture
def history(tiny, models_folder, small_model):
    """Street-lamp complaints in one grid: one a month for months, then a burst in October 2026."""
    store.save(small_model, "test")
    when = [datetime(2026, m, 5, 10, tzinfo=ZONE) for m in range(4, 10)]
    when += [datetime(2026, 10, 12, 9, tzinfo=ZONE) + timedelta(hours=h) for h in range(6)]
    for at in when:
        open_case(channel="hotline", title="路灯不亮", description="小区门口路灯坏了一直不亮，晚上走路很危险，希望尽快修",
                  lon=119.405, lat=32.415, now=at)
    open_case(channel="hotline", title="咨询入学", description="请问小学入学需要准备哪些材料？", now=when[-1])
    return label_cases()


def test_every_case_gets_labels_once(history):
    assert len(history) == CaseLabels.objects.count() == 13
    assert label_cases() == []
    assert {label.topic for label in history} >= {"城乡建设", "教育文体"}


def test_the_html_report_has_the_burst_as_hotspot_and_charts(history):
    out = io.StringIO()
    call_command("report", "hot-issues", "--month", "2026-10", "--format", "html", stdout=out)
    html = out.getvalue()
    assert html.count("<svg") == 2
    assert "321002001001001" in html  # the hotspot's grid
    assert "城乡建设" in html


def test_the_xlsx_report_has_native_charts(history, tmp_path):
    path = tmp_path / "hot.xlsx"
    call_command("report", "hot-issues", "--month", "2026-10", "--format", "xlsx", "-o", str(path), "--lang", "en")
    names = zipfile.ZipFile(path).namelist()
    assert sum(1 for n in names if n.startswith("xl/charts/chart")) == 2


def test_report_errors_are_clear(db):
    with pytest.raises(CommandError, match="needs --month"):
        call_command("report", "hot-issues")
    with pytest.raises(CommandError, match="2026-10"):
        call_command("report", "hot-issues", "--month", "Oct")


def test_label_case_keeps_a_hotline_category_topic(tiny, models_folder, small_model):
    from finegrid.cases.tests.factories import make_category

    store.save(small_model, "test")
    sub = make_category(code="H1405", name="考试招生", domain="hotline")
    sub.parent.name = "教育文体"
    sub.parent.save()
    case = open_case(channel="hotline", title="路灯", description="路灯坏了", category_code="H1405", now=timezone.now())
    labels = label_case(case)
    assert (labels.topic, labels.subtopic) == ("教育文体", "考试招生")


def test_the_hot_issues_page_is_for_district_wide_staff_only(client, people, history):
    from finegrid.grid.models import Region
    from finegrid.org.models import Role, RoleAssignment

    url = "/insight/hot-issues/?month=2026-10"
    assert client.get(url).status_code == 302  # to the login page
    for name in ("street_a", "worker_a", "resident"):
        client.force_login(people[name])
        assert client.get(url).status_code == 403, name
    client.force_login(people["leader"])
    page = client.get(url)
    assert page.status_code == 200 and b"<svg" in page.content
    assert b'class="mainnav"' in page.content and page.content.count(b"<html") == 1  # in the console's frame
    assert client.get("/insight/hot-issues/?month=<script>").status_code == 400
    supervisor = people["street_a"]
    RoleAssignment.objects.create(user=supervisor, role=Role.SUPERVISOR, region=Region.objects.get(code="321002001"))
    client.force_login(supervisor)
    assert client.get(url).status_code == 403  # a street supervisor does not see the whole district


def test_a_danger_of_110_119_120_tells_the_configured_liaison_once_and_the_case_stays_open(tiny, models_folder,
                                                                                           small_model, settings):
    from finegrid.cases.models import Case, Notice
    from finegrid.org.models import Unit

    store.save(small_model, "test")
    police = Unit.objects.create(code="gaj", name="公安分局", kind=Unit.Kind.DEPARTMENT)
    settings.FINEGRID_LIAISONS = {"110": "gaj", "120": "not-a-unit"}
    fight = open_case(channel="hotline", title="有人打架", description="菜场门口两个人拿着刀在打架，已经有人流血了，快来人",
                      now=timezone.now())
    lamp = open_case(channel="hotline", title="路灯", description="小区门口路灯坏了一个月", now=timezone.now())
    labels = {row.case_id: row for row in label_cases()}
    assert set(labels[fight.pk].liaison.split(",")) >= {"110", "120"} and labels[lamp.pk].liaison == ""
    told = Notice.objects.filter(case=fight, unit=police, kind=Notice.Kind.ESCALATE)
    assert told.count() == 1 and told.get().title.startswith("110联动")
    assert not Notice.objects.filter(case=lamp).exists()  # 120 has no liaison configured: nobody else is told
    label_case(fight)  # labelled again: the liaison is not told twice
    assert told.count() == 1
    assert Case.objects.get(pk=fight.pk).state == Case.State.COLLECTED  # kept on its own path for follow-up
