"""The same person, the same matter: petitions and cases linked by 证件, phone, or name and
address, or by the matter's text; proposals confirmed by staff; repeats and 越级 counted."""

from finegrid.cases.reporting import open_case
from finegrid.petitions import linking
from finegrid.petitions.models import Link, PersonKey

from .helpers import at, registered, valid_id


def test_the_same_id_number_links_a_later_petition_to_the_earlier_one(world):
    first = registered(world, at("2026-03-02"))
    later = registered(world, at("2026-04-02"), phone="13911112222", channel="letter")
    [link] = later.links.all()
    assert (link.subject, link.subject_id, link.state) == ("petition", first.pk, "proposed")
    assert "id" in link.by and "text" in link.by and link.similarity > 0.45


def test_the_same_phone_links_a_hotline_case_to_a_petition(world):
    case = open_case(channel="hotline", title="小区停工交不了房", category_code="C0101", lon=119.405, lat=32.415,
                     reporter_name="王建国", reporter_phone="138-0000-1234", address="别处")
    assert linking.index_new_cases() == {"indexed": 2}  # phone, name and address
    assert linking.index_new_cases() == {"indexed": 0}  # nothing new
    petition = registered(world, at("2026-04-02"), id_number="", channel="phone")
    assert [(l.subject, l.subject_id, "phone" in l.by) for l in petition.links.all()] == [("case", case.pk, True)]


def test_name_and_address_together_link_but_a_name_alone_does_not(world):
    registered(world, at("2026-03-02"), id_number=valid_id("32100219900101123"), phone="13900000001",
               matter="物业乱收费", field="物业", area_code="")
    alone = registered(world, at("2026-03-03"), id_number=valid_id("32100219910101123"), phone="13900000002",
                       address="别的地方", matter="工资被拖欠", field="劳资", area_code="")
    assert not alone.links.exists()
    both = registered(world, at("2026-03-04"), id_number=valid_id("32100219920101123"), phone="13900000003",
                      matter="邻居占道", field="邻里", area_code="")
    [link] = both.links.all()
    assert "name_address" in link.by and "id" not in link.by and "phone" not in link.by


def test_the_same_matter_from_other_people_nearby_is_proposed_by_its_text(world):
    first = registered(world, at("2026-03-02"))
    other = registered(world, at("2026-03-05"), name="赵六", id_number=valid_id("32100219850505123"),
                       phone="13700007777", address="另一处", matter="某小区保交楼项目停工两年，业主无法收房，要求复工")
    [link] = other.links.all()
    assert (link.subject_id, link.by) == (first.pk, "text")


def test_a_confirmed_link_counts_repeats_and_petitions_above_the_district(world):
    first = registered(world, at("2026-03-02"))
    again = registered(world, at("2026-04-02"), level="city")
    third = registered(world, at("2026-05-02"))
    for petition in (again, third):
        link = petition.links.get(subject_id=first.pk)
        linking.decide(link, world["petition_office"], True, at("2026-05-03"))
    rejected = registered(world, at("2026-05-04"), matter="另一件事：楼道灯坏了", field="物业")
    for link in rejected.links.all():
        linking.decide(link, world["petition_office"], False, at("2026-05-05"))
    assert linking.matter_counts([first.pk]) == {first.pk: {"repeats": 2, "over_level": 1}}
    assert Link.objects.filter(state="rejected").exists()


def test_the_person_keys_hold_no_number_and_are_indexed(world):
    registered(world, at("2026-03-02"))
    keys = list(PersonKey.objects.values_list("key", flat=True))
    assert len(keys) == 3 and not any(valid_id() in key or "13800001234" in key for key in keys)
