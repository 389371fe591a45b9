"""Every channel's cases are told alike: whichever entrance a report came through (the resident
page, patrol, Open311's queue, the hotline import, the REST API), once it is dispatched the
worker's notice step gives the unit its inbox notice and queues the webhook copy, from the
transition rows alone."""

import csv
import json

import pytest
from django.contrib.auth import get_user_model

from finegrid.cases.models import Case, Delivery, Notice, WebhookEndpoint
from finegrid.cases.notices import fan_out
from finegrid.grid.models import Region
from finegrid.intake.hotline import import_file
from finegrid.intake.inbox import drain
from finegrid.intake.keys import issue_key
from finegrid.org.models import Responsibility, Role, RoleAssignment, Unit

from .conftest import GRID_A


@pytest.fixture
def unit(catalogue):
    """区城市管理局, named by the matrix for every 部件 in the district, with a webhook listening."""
    cgj = Unit.objects.create(code="cgj", name="区城市管理局", kind=Unit.Kind.DEPARTMENT,
                              region=Region.objects.get(code="321002"))
    Responsibility.objects.create(category_code="C01", region=Region.objects.get(code="321002"), unit=cgj)
    WebhookEndpoint.objects.create(name="hook", url="http://127.0.0.1:9/hook", secret="x")
    return cgj


def _page(client, catalogue, tmp_path):
    client.post("/report/", {"category": "C0101", "description": "井盖没了", "lon": GRID_A[0], "lat": GRID_A[1],
                             "phone": "13800005678", "key": "k-1", "attribute[depth]": "20"})


def _patrol(client, catalogue, tmp_path):
    client.force_login(catalogue["worker_a"])
    client.post("/patrol/reports/", {"category": "C0101", "description": "井盖破损", "key": "uuid-1",
                                     "lon": GRID_A[0], "lat": GRID_A[1]})


def _open311(client, catalogue, tmp_path):
    key = issue_key("测试应用")[1]
    client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "C0101", "description": "井盖没了",
                                              "attribute[depth]": "20", "lat": GRID_A[1], "long": GRID_A[0]})
    drain()


def _hotline(client, catalogue, tmp_path):
    path = tmp_path / "hotline.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["工单编号", "来电时间", "诉求内容", "地址", "分类", "经度", "纬度"],
                                      ["GD2", "2026-11-20 09:31", "个园门口井盖缺失", "个园", "上水井盖", "", ""]])
    import_file(path)


def _api(client, catalogue, tmp_path):
    operator = get_user_model().objects.create_user("op", password="Test-password-1")
    RoleAssignment.objects.create(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    body = {"channel": "other", "title": "井盖缺失", "category": "C0101", "lon": GRID_A[0], "lat": GRID_A[1]}
    ticket = client.post("/api/v1/cases", json.dumps(body), content_type="application/json").json()["ticket"]
    client.post(f"/api/v1/cases/{ticket}/transitions", json.dumps({"action": "accept"}),
                content_type="application/json")


CHANNELS = {"web": _page, "patrol": _patrol, "open311": _open311, "hotline": _hotline, "other": _api}


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_dispatched_case_of_every_channel_reaches_the_units_inbox_and_webhook(client, catalogue, unit,
                                                                                 channel, tmp_path):
    CHANNELS[channel](client, catalogue, tmp_path)
    case = Case.objects.get()
    assert (case.channel, case.state, case.unit) == (channel, "dispatched", unit)
    assert not Notice.objects.exists()  # nothing is told inside the write
    fan_out()
    notice = Notice.objects.get(kind="assigned")
    assert (notice.unit, notice.case, notice.subject_id) == (unit, case, case.pk)
    assert Delivery.objects.filter(notice=notice, channel="webhook").count() == 1
