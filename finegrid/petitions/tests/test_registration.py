"""登记 through the API and the desk: a bad 证件 number is refused naming the field, an anonymous
letter is taken without any identity, and the identity is read whole only by those entitled."""

import json

import pytest

from finegrid.core.models import AuditEntry
from finegrid.petitions.access import identity
from finegrid.petitions.models import Petition, Petitioner
from finegrid.petitions.registration import RegistrationError, register

from .helpers import at, registered, submission, valid_id


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_api_refuses_an_invalid_id_number_naming_the_field(client, world):
    client.force_login(world["petition_office"])
    body = {"channel": "visit", "matter": "征迁补偿", "name": "张三", "id_number": "110105194912310021"}
    answer = post_json(client, "/api/v1/petitions", body)
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"][-1] == "id_number" and "校验码错误" in problem["msg"]  # in the caller's language
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_the_api_registers_and_the_schema_names_the_route(client, world):
    client.force_login(world["petition_office"])
    answer = post_json(client, "/api/v1/petitions", {"channel": "visit", "matter": "征迁补偿", "name": "张三",
                                                     "id_number": valid_id(), "phone": "13800001111"})
    assert answer.status_code == 201 and answer.json()["petitioner"]["id_number"] == valid_id()
    assert "/api/v1/petitions" in client.get("/api/v1/openapi.json").json()["paths"]


def test_only_the_petition_office_registers_through_the_api(client, world):
    client.force_login(world["operator"])
    answer = post_json(client, "/api/v1/petitions", {"channel": "letter", "matter": "x", "anonymous": True})
    assert answer.status_code == 403


def test_an_anonymous_letter_is_registered_without_identity_and_handled_as_such(world):
    petition = register(submission(anonymous=True, channel="letter", name="", id_number="", phone="", address=""),
                        world["petition_office"], now=at("2026-03-02"))
    assert petition.petitioner is None and petition.anonymous
    assert identity(petition, world["petition_office"])["id_number"] == ""
    assert not petition.links.exists()  # nobody is linked to nobody


@pytest.mark.parametrize("change, field", [
    ({"anonymous": True, "channel": "visit", "name": "", "id_number": "", "phone": ""}, "anonymous"),
    ({"anonymous": True, "channel": "letter"}, "anonymous"),
    ({"name": ""}, "name"), ({"id_number": ""}, "id_number"), ({"id_number": "321002198001011235"}, "id_number"),
    ({"channel": "phone", "id_number": "", "phone": "12"}, "phone"), ({"matter": " "}, "matter"),
    ({"channel": "fax"}, "channel")])
def test_a_registration_is_refused_naming_the_field_at_fault(world, change, field):
    with pytest.raises(RegistrationError) as refused:
        register(submission(**change), world["petition_office"], now=at("2026-03-02"))
    assert refused.value.field == field


def test_a_phone_call_needs_no_id_number(world):
    petition = registered(world, at("2026-03-02"), channel="phone", id_number="")
    assert petition.petitioner.id_sealed == "" and petition.petitioner.phone == "13800001234"


def test_the_number_is_stored_sealed_and_masked_and_read_whole_only_by_the_office_and_the_owner(world):
    from finegrid.petitions.leader_cases import take_in_charge

    petition = registered(world, at("2026-03-02"))
    stored = Petitioner.objects.get()
    assert valid_id() not in stored.id_sealed and stored.id_masked == valid_id()[:6] + "*" * 8 + valid_id()[-4:]
    assert identity(petition, world["leader"])["id_number"] == stored.id_masked
    assert identity(petition, world["supervisor"])["phone"] == "138****1234"
    assert not AuditEntry.objects.filter(action="petitions.identity_read").exists()
    assert identity(petition, world["petition_office"])["id_number"] == valid_id()
    take_in_charge(petition, world["leader"], now=at("2026-03-03"))
    assert identity(petition, world["leader"])["id_number"] == valid_id()
    reads = AuditEntry.objects.filter(action="petitions.identity_read", target=petition.number)
    assert sorted(reads.values_list("actor_label", flat=True)) == ["leader", "petition_office"]


def test_the_desk_registers_and_refuses_a_bad_number_naming_the_field(client, world):
    client.force_login(world["petition_office"])
    form = {"channel": "visit", "matter": "落私房屋返还", "name": "李四", "id_number": "110105194912310021"}
    answer = client.post("/petitions/", form)
    assert answer.status_code == 400 and 'data-field="id_number"' in answer.content.decode()
    answer = client.post("/petitions/", {**form, "id_number": "11010519491231002X"})
    number = Petition.objects.get().number
    assert answer.status_code == 302 and answer["Location"] == f"/petitions/{number}/"
    page = client.get(answer["Location"]).content.decode()
    assert "11010519491231002X" in page and 'data-id="whole"' in page


def test_a_leader_sees_the_petition_page_with_the_number_masked(client, world):
    petition = registered(world, at("2026-03-02"))
    client.force_login(world["leader"])
    page = client.get(f"/petitions/{petition.number}/").content.decode()
    assert valid_id() not in page and petition.petitioner.id_masked in page


def test_a_petitioner_tracks_their_petition_by_number_and_phone(client, world):
    petition = registered(world, at("2026-03-02"))
    assert client.post("/petitions/track/", {"number": petition.number, "phone": "13900000000"}).status_code == 400
    page = client.post("/petitions/track/", {"number": petition.number, "phone": "138 0000 1234"})
    assert page.status_code == 200 and petition.number in page.content.decode()
    assert valid_id() not in page.content.decode()


def test_tracking_stops_after_five_wrong_tries(client, world):
    from django.core.cache import cache

    cache.clear()
    petition = registered(world, at("2026-03-02"))
    for _ in range(5):
        client.post("/petitions/track/", {"number": petition.number, "phone": "13900000000"})
    answer = client.post("/petitions/track/", {"number": petition.number, "phone": "13800001234"})
    assert answer.status_code == 400 and petition.number not in answer.content.decode().split("</h1>", 1)[1]
    cache.clear()


def test_the_petitioner_rates_the_answer_once_from_the_tracking_page(client, world):
    from finegrid.petitions.engine import PETITIONS

    petition = registered(world, at("2026-03-02"))
    PETITIONS.perform(petition, "transfer", world["petition_office"], unit=world["zjj"], now=at("2026-03-03"))
    PETITIONS.perform(petition, "accept", world["handler_zjj"], now=at("2026-03-04"))
    PETITIONS.perform(petition, "answer", world["handler_zjj"], data={"opinion": "已处理"}, now=at("2026-03-20"))
    assert client.post("/petitions/track/", {"number": petition.number, "rating": "3"}).status_code == 400
    page = client.post("/petitions/track/", {"number": petition.number, "phone": "13800001234"}).content.decode()
    assert 'name="rating"' in page
    assert client.post("/petitions/track/", {"number": petition.number, "rating": "3"}).status_code == 200
    assert Petition.objects.get(pk=petition.pk).rating == 3
    assert client.post("/petitions/track/", {"number": petition.number, "rating": "1"}).status_code == 400
    assert Petition.objects.get(pk=petition.pk).rating == 3


def test_the_office_routes_a_petition_by_its_class_from_its_page(client, world):
    petition = registered(world, at("2026-03-02"))
    client.force_login(world["petition_office"])
    page = client.get(f"/petitions/{petition.number}/").content.decode()
    assert '<option value="legal">' in page and '<option value="仲裁">' in page
    answer = client.post(f"/petitions/{petition.number}/act/route/", {
        "version": petition.version, "kind": "legal", "to": "仲裁", "opinion": "请依法申请劳动仲裁。"})
    assert answer.status_code == 302 and Petition.objects.get(pk=petition.pk).state == "routed"
    stale = client.post(f"/petitions/{petition.number}/act/transfer/", {"version": petition.version})
    assert stale.status_code == 409
