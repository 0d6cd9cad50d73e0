"""Registry lists: diacritic-insensitive search, Vietnamese order, and a query count that does not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import Child
from children.selectors import ChildFilters, child_list
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _make_children(n, hamlets):
    for i in range(n):
        household = HouseholdFactory(hamlet=hamlets[i % len(hamlets)])
        ChildFactory(household=household, full_name=f"Lê Thị Hồng {i}")


@pytest.mark.parametrize(
    "query", ["nguyen van an", "Nguyễn Văn An", "NGUYEN VAN AN", "nguyễn văn ân", "van an", "  nguyen   van an "]
)
def test_search_ignores_diacritics_and_case(users, hamlet_a, query):
    household = HouseholdFactory(hamlet=hamlet_a)
    ChildFactory(household=household, full_name="Nguyễn Văn An")
    ChildFactory(household=household, full_name="Nguyễn Văn Bình")
    found = child_list(user=users["officer"], filters=ChildFilters(q=query))
    assert [c.full_name for c in found] == ["Nguyễn Văn An"]


def test_search_matches_d_for_đ_and_household_codes(users, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a, code="TL-0042")
    ChildFactory(household=household, full_name="Đặng Thị Đào")
    assert child_list(user=users["officer"], filters=ChildFilters(q="dang thi dao")).count() == 1
    assert child_list(user=users["officer"], filters=ChildFilters(q="tl-0042")).count() == 1


def test_child_list_is_in_vietnamese_order(users, client_for, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a)
    for name in ["Trần Văn Bình", "Nguyễn Thị Lan", "Lê Văn An", "Phạm Thị Ánh"]:
        ChildFactory(household=household, full_name=name)
    page = client_for(users["officer"]).get(reverse("children:child-list")).context["page"]
    assert [c.full_name for c in page] == ["Lê Văn An", "Phạm Thị Ánh", "Trần Văn Bình", "Nguyễn Thị Lan"]


def test_filters_by_hamlet_sex_and_status(users, hamlet_a, hamlet_b):
    a = HouseholdFactory(hamlet=hamlet_a)
    b = HouseholdFactory(hamlet=hamlet_b)
    ChildFactory(household=a, sex=Child.Sex.MALE, full_name="Võ Minh Khang")
    ChildFactory(household=b, sex=Child.Sex.FEMALE, full_name="Võ Thị Mai")
    ChildFactory(household=b, sex=Child.Sex.FEMALE, full_name="Võ Thị Hà", status=Child.Status.MOVED_AWAY)
    officer = users["officer"]

    def names(**filters):
        return sorted(c.full_name for c in child_list(user=officer, filters=ChildFilters(**filters)))

    assert names(hamlet=hamlet_a.pk) == ["Võ Minh Khang"]
    assert names(sex="F") == ["Võ Thị Hà", "Võ Thị Mai"]
    assert names(status="moved_away") == ["Võ Thị Hà"]


def test_child_page_shows_age_and_dates_as_dd_mm_yyyy(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2019, 3, 7))
    content = client_for(users["officer"]).get(reverse("children:child-detail", args=[child.pk])).content.decode()
    assert "07/03/2019" in content


def test_bad_filter_values_are_ignored_and_the_whole_list_shown(users, client_for, hamlet_a, hamlet_b):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code="01-071"), full_name="Võ Minh Khang", sex="M")
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_b, code="02-071"), full_name="Võ Thị Mai", sex="F")
    response = client_for(users["officer"]).get(reverse("children:child-list"), {"hamlet": "abc", "sex": "X"})
    assert [c.full_name for c in response.context["page"]] == ["Võ Minh Khang", "Võ Thị Mai"]
    content = response.content.decode()
    assert 'badge text-bg-secondary">2</span>' in content
    assert "Võ Minh Khang" in content and "Võ Thị Mai" in content and "01-071" in content and "02-071" in content


@pytest.mark.parametrize(
    "url_name, key",
    [
        ("children:child-list", "officer"),
        ("children:child-list", "ctv_a"),
        ("children:household-list", "officer"),
        ("children:hamlet-list", "officer"),
        ("home-officer", "officer"),
        ("home-collaborator", "ctv_a"),
        ("home-chairman", "chairman"),
        ("home-district", "district"),
        ("home-unit", "school"),
        ("indicators:plan", "chairman"),
    ],
)
def test_pages_make_the_same_number_of_queries_for_20_and_200_children(
    users, client_for, commune, url_name, key, django_assert_max_num_queries
):
    hamlets = list(commune.hamlets.all()[:2])
    client = client_for(users[key])
    _make_children(20, hamlets)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _make_children(180, hamlets)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200
