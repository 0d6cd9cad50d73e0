"""The officer's household pages: the edit form and the poverty classification by year."""

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import Household, HouseholdPoverty
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def household(hamlet_a):
    return HouseholdFactory(hamlet=hamlet_a, code="01-420", head="Đinh Văn Lực")


def _detail(client, household) -> str:
    return client.get(reverse("children:household-detail", args=[household.pk])).content.decode()


def test_the_edit_form_shows_the_household_and_saves_what_may_change(users, client_for, household):
    client = client_for(users["officer"])
    url = reverse("children:household-edit", args=[household.pk])
    form = client.get(url).content.decode()
    assert 'value="Đinh Văn Lực"' in form and 'name="phone"' in form and 'name="address"' in form
    # The code and the hamlet identify the household in the commune's books: set once, not offered here.
    assert 'name="code"' not in form and 'name="hamlet"' not in form
    data = {"head_name": "  Đinh   Thị Hoa ", "address": "Tổ 3", "phone": "0912345678", "code": "99-999"}
    assert client.post(url, data).url == reverse("children:household-detail", args=[household.pk])
    household.refresh_from_db()
    assert (household.code, household.head_name, household.head_name_search) == (
        "01-420",
        "Đinh Thị Hoa",
        "dinh thi hoa",
    )
    assert (household.address, household.phone) == ("Tổ 3", "0912345678")
    assert household.history.first().history_user == users["officer"]
    page = _detail(client, household)
    assert "Đinh Thị Hoa" in page and "Tổ 3" in page


def test_a_bad_phone_number_keeps_the_form_and_saves_nothing(users, client_for, household):
    url = reverse("children:household-edit", args=[household.pk])
    content = client_for(users["officer"]).post(url, {"head_name": "Đinh Thị Hoa", "phone": "12345"}).content.decode()
    assert "Số điện thoại gồm 10-11 chữ số" in content and 'value="Đinh Thị Hoa"' in content
    household.refresh_from_db()
    assert household.head_name == "Đinh Văn Lực" and household.phone == ""


def test_a_household_is_reclassified_for_a_year_and_keeps_its_other_years(users, client_for, household):
    client = client_for(users["officer"])
    url = reverse("children:household-poverty", args=[household.pk])
    assert "Phân loại hộ nghèo, cận nghèo" in client.get(url).content.decode()
    client.post(url, {"year": THIS_YEAR, "status": "near_poor"})
    assert f"{THIS_YEAR}: Hộ cận nghèo" in _detail(client, household)
    # The yearly review changes this year's classification: replaced, not added beside it.
    response = client.post(url, {"year": THIS_YEAR, "status": "poor"}, follow=True)
    assert f"Đã lưu phân loại hộ năm {THIS_YEAR}." in response.content.decode()
    page = _detail(client, household)
    assert f"{THIS_YEAR}: Hộ nghèo" in page and "Hộ cận nghèo" not in page
    record = HouseholdPoverty.objects.get(household=household)
    assert (record.year, record.status) == (THIS_YEAR, "poor")
    assert [h.history_type for h in record.history.order_by("history_id")] == ["+", "~"]
    client.post(url, {"year": THIS_YEAR - 1, "status": "none"})
    page = _detail(client, household)
    assert f"{THIS_YEAR}: Hộ nghèo" in page and f"{THIS_YEAR - 1}: Không nghèo" in page
    assert HouseholdPoverty.objects.filter(household=household).count() == 2


@pytest.mark.parametrize("year", [1999, THIS_YEAR + 2])
def test_a_classification_for_an_impossible_year_is_refused(users, client_for, household, year):
    url = reverse("children:household-poverty", args=[household.pk])
    content = client_for(users["officer"]).post(url, {"year": year, "status": "poor"}).content.decode()
    assert "Năm không hợp lệ." in content and not HouseholdPoverty.objects.exists()


def test_only_the_officer_edits_or_classifies_a_household(users, client_for, household):
    for key in ("ctv_a", "health"):
        client = client_for(users[key])
        assert (
            client.post(reverse("children:household-edit", args=[household.pk]), {"head_name": "X Y"}).status_code
            == 403
        )
        poverty = client.post(reverse("children:household-poverty", args=[household.pk]), {"year": THIS_YEAR})
        assert poverty.status_code == 403
    assert Household.objects.get().head_name == "Đinh Văn Lực" and not HouseholdPoverty.objects.exists()
