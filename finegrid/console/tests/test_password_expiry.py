"""口令定期更换 (等保 2.0): a password older than FINEGRID_PASSWORD_MAX_AGE_DAYS sends every page to
the change page until a new one, different from the old, is chosen; every way of setting a
password restarts the clock."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from finegrid.console.models import PasswordChange
from finegrid.core.models import AuditEntry

OLD, NEW = "Test-password-1", "Guangling@2027x"


def _age(user, days):
    PasswordChange.objects.update_or_create(user=user, defaults={"at": timezone.now() - timedelta(days=days)})


def _sign_in(client, username="operator", password=OLD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_setting_a_password_anywhere_starts_its_clock(world):
    user = world["operator"]
    _age(user, 200)
    user.set_password(NEW)  # as the admin site and `finegrid changepassword` do
    user.save()
    assert PasswordChange.objects.get(user=user).at > timezone.now() - timedelta(minutes=1)


def test_an_expired_password_leads_every_page_to_the_change_page(client, world, settings):
    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 90
    _age(world["operator"], 91)
    _sign_in(client)
    response = client.get(reverse("console:cases"))
    assert response.status_code == 302 and response["Location"] == reverse("console:password")
    htmx = client.get(reverse("console:feed"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("console:password")
    page = client.get(reverse("console:password")).content.decode()
    assert "90" in page


def test_a_fresh_password_passes(client, world, settings):
    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 90
    _age(world["operator"], 89)
    _sign_in(client)
    assert client.get(reverse("console:cases")).status_code == 200


def test_changing_it_lets_the_person_in_again(client, world, settings):
    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 90
    _age(world["operator"], 120)
    _sign_in(client)
    response = client.post(reverse("console:password"),
                           {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert client.get(reverse("console:cases")).status_code == 200
    assert PasswordChange.objects.get(user=world["operator"]).at > timezone.now() - timedelta(minutes=1)
    assert AuditEntry.objects.filter(action="password_change", target="operator").exists()


def test_the_old_password_and_a_weak_one_are_refused(client, world, settings):
    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 90
    _age(world["operator"], 120)
    _sign_in(client)
    same = client.post(reverse("console:password"), {"old_password": OLD, "new_password1": OLD, "new_password2": OLD})
    weak = client.post(reverse("console:password"),
                       {"old_password": OLD, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"})
    assert same.status_code == 200 and weak.status_code == 200
    assert client.get(reverse("console:cases")).status_code == 302


def test_no_expiry_when_the_setting_is_zero(client, world, settings):
    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 0
    _age(world["operator"], 1000)
    _sign_in(client)
    assert client.get(reverse("console:cases")).status_code == 200


def test_an_account_without_a_record_counts_from_its_creation(client, world, settings):
    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 90
    user = world["operator"]
    PasswordChange.objects.filter(user=user).delete()
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=100))
    _sign_in(client)
    assert client.get(reverse("console:cases")).status_code == 302
