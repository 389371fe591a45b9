"""The case page: actions as buttons with forms, reasons where required, conflicts told politely."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finegrid.cases.models import Case
from finegrid.cases.workflow import perform
from finegrid.core.models import AuditEntry
from finegrid.cases.tests.factories import image_bytes

PNG = image_bytes()  # a real picture: evidence is decoded


def _act(client, case, action, **fields):
    return client.post(reverse("console:act", args=[case.ticket, action]),
                       {"version": Case.objects.get(pk=case.pk).version, **fields}, follow=True)


def test_page_shows_exactly_the_actions_of_this_person(client, world, case_a):
    client.force_login(world["operator"])
    page = client.get(reverse("console:case", args=[case_a.ticket])).content.decode()
    assert "console/cases/%s/act/accept/" % case_a.ticket in page
    assert "/act/start/" not in page
    client.force_login(world["leader"])
    page = client.get(reverse("console:case", args=[case_a.ticket])).content.decode()
    assert "/act/accept/" not in page


def test_a_case_goes_from_report_to_rating_through_the_pages(client, world, case_a):
    client.force_login(world["operator"])
    _act(client, case_a, "accept")
    _act(client, case_a, "dispatch", unit="cgj")
    client.force_login(world["handler_cgj"])
    _act(client, case_a, "start")
    response = _act(client, case_a, "report_done", reason="已更换井盖",
                    photos=SimpleUploadedFile("after.png", PNG, content_type="image/png"))
    assert response.status_code == 200
    client.force_login(world["operator"])
    _act(client, case_a, "close")
    _act(client, case_a, "rate", rating=5)
    case = Case.objects.get(pk=case_a.pk)
    assert case.state == Case.State.RATED and case.rating == 5 and case.evidence.count() == 1
    page = client.get(reverse("console:case", args=[case.ticket])).content.decode()
    assert "已更换井盖" in page and reverse("console:photo", args=[case.ticket, case.evidence.get().pk]) in page
    # The transition row is the audit trail: the auditor's log shows it, and no entry doubles it.
    assert case.transitions.filter(action="rate", actor=world["operator"]).exists()
    assert not AuditEntry.objects.filter(action="case_rate").exists()


def test_reason_is_required_where_the_standard_requires_one(client, world, case_a):
    client.force_login(world["operator"])
    page = _act(client, case_a, "void").content.decode()
    assert Case.objects.get(pk=case_a.pk).state == Case.State.COLLECTED
    assert "理由" in page


def test_a_stale_form_is_refused_politely(client, world, case_a):
    client.force_login(world["operator"])
    stale = Case.objects.get(pk=case_a.pk).version
    perform(case_a, "accept", world["operator"])
    response = client.post(reverse("console:act", args=[case_a.ticket, "dispatch"]),
                           {"version": stale, "unit": "cgj"}, follow=True)
    assert "被他人更新" in response.content.decode()
    assert Case.objects.get(pk=case_a.pk).state == Case.State.ACCEPTED


def test_photos_are_served_only_to_those_who_see_the_case(client, world, case_a):
    perform(case_a, "accept", world["operator"])
    perform(case_a, "dispatch", world["dispatcher"], unit=world["cgj"])
    perform(case_a, "report_done", world["handler_cgj"],
            evidence=[SimpleUploadedFile("a.png", PNG, content_type="image/png")])
    url = reverse("console:photo", args=[case_a.ticket, case_a.evidence.get().pk])
    client.force_login(world["worker_b"])
    assert client.get(url).status_code == 404
    client.force_login(world["worker_a"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_case_list_exports_with_its_filters(client, world, case_a, case_b):
    client.force_login(world["operator"])
    response = client.get(reverse("console:cases"), {"channel": "hotline", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert case_b.ticket in text and case_a.ticket not in text
    xlsx = client.get(reverse("console:cases"), {"channel": "web", "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_queue_bulk_accept_and_dispatch(client, world, case_a, case_b):
    client.force_login(world["operator"])
    client.post(reverse("console:queue_bulk"), {"action": "accept", "ticket": [case_a.ticket, case_b.ticket]})
    assert set(Case.objects.values_list("state", flat=True)) == {Case.State.ACCEPTED}
    client.post(reverse("console:queue_bulk"), {"action": "dispatch", "unit": "zjj",
                                                "ticket": [case_a.ticket, case_b.ticket]})
    assert set(Case.objects.values_list("unit__code", flat=True)) == {"zjj"}


def test_merge_side_by_side(client, world, case_a):
    from finegrid.cases.reporting import open_case

    twin = open_case(channel="web", title="井盖又丢了", category_code="C0101", lon=119.406, lat=32.416)
    client.force_login(world["operator"])
    page = client.get(reverse("console:merge"), {"a": twin.ticket, "b": case_a.ticket}).content.decode()
    assert "井盖又丢了" in page and "井盖缺失" in page
    client.post(reverse("console:merge"), {"a": twin.ticket, "b": case_a.ticket})
    twin.refresh_from_db()
    assert twin.state == Case.State.MERGED and twin.master_id == case_a.pk


def test_map_is_drawn_and_drills_down(client, world, case_a):
    client.force_login(world["operator"])
    page = client.get(reverse("console:command")).content.decode()
    assert "东关街道" in page and "<svg" in page
    street = client.get(reverse("console:map"), {"area": "321002001", "measure": "overdue"}).content.decode()
    assert "东关社区" in street
    grid = client.get(reverse("console:map"), {"area": "321002001001001"}).content.decode()
    assert 'class="bubble"' in grid  # case_a's marker


def test_grid_worker_map_stays_inside_their_scope(client, world, case_a, case_b):
    client.force_login(world["worker_a"])
    response = client.get(reverse("console:case", args=[case_b.ticket]))
    assert response.status_code == 404


def test_feed_shows_new_cases_in_scope(client, world, case_a, case_b):
    client.force_login(world["street_sup"])
    page = client.get(reverse("console:feed")).content.decode()
    assert case_a.ticket in page and case_b.ticket not in page


def test_unit_desk_exports_the_units_cases(client, world, case_a, case_b):
    for case, unit in ((case_a, world["cgj"]), (case_b, world["zjj"])):
        perform(case, "accept", world["operator"])
        perform(case, "dispatch", world["dispatcher"], unit=unit)
    client.force_login(world["handler_cgj"])
    text = b"".join(client.get(reverse("console:unit_desk"), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert case_a.ticket in text and case_b.ticket not in text


def test_an_operator_corrects_a_location_and_the_gazetteer_learns_the_compound(client, world, case_a):
    from finegrid.cases.reporting import open_case
    from finegrid.grid.gazetteer import current_gazetteer
    from finegrid.grid.models import Grid, Place

    report = open_case(channel="hotline", title="楼道灯坏了", description="我们住在银桂雅苑，三号楼楼道灯坏了一个月")
    assert "银桂雅苑" not in current_gazetteer().by_name
    grid_b = Grid.objects.get(code="321002002001001")
    client.force_login(world["leader"])  # sees the case, may not move it
    assert client.post(reverse("console:case_location", args=[report.ticket]), {"area_code": grid_b.code}).status_code == 404
    client.force_login(world["operator"])
    page = client.get(reverse("console:case", args=[report.ticket])).content.decode()
    assert reverse("console:case_location", args=[report.ticket]) in page
    response = client.post(reverse("console:case_location", args=[report.ticket]), {"area_code": grid_b.code}, follow=True)
    told = " ".join(str(m) for m in response.context["messages"])
    assert grid_b.code in told and "银桂雅苑" in told
    report.refresh_from_db()
    assert report.area_code == grid_b.code and report.grid_id == grid_b.pk and report.lon is not None
    learned = Place.objects.get(name="银桂雅苑")
    assert learned.street_codes == ["321002002"] and learned.subkind == "learned"
    assert AuditEntry.objects.filter(action="case.relocate", target=report.ticket).exists()
    # The next report naming it is placed without help.
    assert [m.place.street_codes for m in current_gazetteer().mentions("银桂雅苑门口的路灯不亮")] == [["321002002"]]
    bad = client.post(reverse("console:case_location", args=[report.ticket]), {"area_code": "999"}, follow=True)
    assert Case.objects.get(pk=report.pk).area_code == grid_b.code and bad.status_code == 200
