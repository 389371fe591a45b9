import pytest
from django.urls import reverse

from finegrid.org.models import Person


def test_pages_need_a_signed_in_user(client, tiny):
    for url in [reverse("region", args=["321002001"]), reverse("grid", args=["321002001001001"])]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    home = client.get(reverse("home"))  # a visitor gets the public home, no grid map
    assert home.status_code == 200 and reverse("intake-report") in home.content.decode()
    assert "321002001001" not in home.content.decode()


def test_leader_sees_every_grid_on_the_district_map(client, people):
    client.force_login(people["leader"])
    page = client.get(reverse("home")).content.decode()
    assert page.count("<path ") == 8
    assert "东关街道" in page and "汶河街道" in page


def test_grid_worker_sees_only_own_grid(client, people):
    client.force_login(people["worker_a"])
    page = client.get(reverse("home")).content.decode()
    assert page.count("<path ") == 1
    assert client.get(reverse("grid", args=[people["grid_a"].code])).status_code == 200
    assert client.get(reverse("grid", args=[people["grid_b"].code])).status_code == 404


def test_street_page_is_refused_outside_the_scope(client, people):
    client.force_login(people["street_a"])
    assert client.get(reverse("region", args=["321002001"])).status_code == 200
    assert client.get(reverse("region", args=["321002002"])).status_code == 404
    assert client.get(reverse("region", args=["999999999"])).status_code == 404


def test_resident_is_told_no_area_is_assigned(client, people):
    client.force_login(people["resident"])
    page = client.get(reverse("home")).content.decode()
    assert "<path " not in page


def test_grid_page_masks_the_grid_workers_phone(client, people):
    Person.objects.create(user=people["worker_a"], full_name="李娜", phone="13800005678")
    client.force_login(people["leader"])
    page = client.get(reverse("grid", args=[people["grid_a"].code])).content.decode()
    assert "李娜" in page and "138****5678" in page and "13800005678" not in page


def test_grid_names_are_escaped(client, people):
    people["grid_a"].name = "<script>x</script>"
    people["grid_a"].save()
    client.force_login(people["leader"])
    page = client.get(reverse("region", args=["321002001"])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("url", ["home", "health"])
def test_main_pages_keep_their_query_count(client, people, django_assert_max_num_queries, url):
    client.force_login(people["leader"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse(url)).status_code == 200


def test_pages_switch_to_english(client, people):
    client.force_login(people["leader"])
    assert "全区网格" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "District grids" in page and "全区网格" not in page
    assert ">简体中文<" in page  # the way back, named in its own language


def test_sign_in_with_a_password_leads_home(client, people):
    response = client.post(reverse("login"), {"username": "leader", "password": "Test-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("console:home")
    wrong = client.post(reverse("login"), {"username": "leader", "password": "nope"})
    assert wrong.status_code == 200 and "用户名或密码错误" in wrong.content.decode()
