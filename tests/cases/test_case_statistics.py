"""The chairman's case statistics: counts only, per year, constant queries."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_statistics
from tests.cases.conftest import DESCRIPTION, REPORTER, REPORTER_CONTACT
from tests.cases.steps import walk

pytestmark = pytest.mark.django_db


def test_counts_by_year_concern_hamlet_and_outcome(users, open_case, hamlet_a, hamlet_b):
    year = timezone.localdate().year
    a = open_case(hamlet=hamlet_a, concern="violence")
    walk(a, users, 7, confirmed=True)  # closed this year, confirmed abuse
    b = open_case(hamlet=hamlet_a, concern="violence")
    walk(b, users, 1, confirmed=True)  # same hamlet, another confirmed child
    c = open_case(hamlet=hamlet_b, concern="child_labour")
    walk(c, users, 4)  # plan approved (chairman decided), still open
    old = open_case(hamlet=hamlet_b, concern="neglect",
                    received=timezone.make_aware(datetime(year - 1, 6, 1, 9, 0)))  # fmt: skip
    stats = case_statistics(user=users["officer"], year=year)
    assert (stats.open_now, stats.opened, stats.closed, stats.abused_children) == (3, 3, 1, 2)
    assert stats.plans_approved == 2 and stats.plans_on_time == 2
    assert stats.by_concern == [("Bạo lực", 2, 1, 1), ("Lao động trẻ em", 1, 1, 0), ("Sao nhãng, bỏ rơi", 0, 1, 0)]
    assert stats.by_hamlet == [(hamlet_a.name, 2, 2), (hamlet_b.name, 1, 0)]
    assert stats.by_outcome == [("Trẻ an toàn, sống cùng gia đình", 1)]
    last_year = case_statistics(user=users["officer"], year=year - 1)
    assert (last_year.opened, last_year.closed, last_year.by_hamlet) == (1, 0, [(hamlet_b.name, 1, 0)])
    # Last year's case is still at intake: "open now" counts it whatever the year asked for.
    assert Case.objects.get(pk=old.pk).status == Case.Status.INTAKE
    assert last_year.open_now == stats.open_now == 3 and last_year.by_concern[-1] == ("Sao nhãng, bỏ rơi", 1, 1, 0)


def test_a_plan_approved_after_seven_working_days_is_late(users, open_case):
    case = open_case(received=timezone.now() - timedelta(days=30))
    walk(case, users, 4)
    stats = case_statistics(user=users["officer"], year=timezone.localdate().year)
    assert (stats.plans_approved, stats.plans_on_time) == (1, 0)


def test_the_statistics_page_names_no_child_reporter_or_narrative(users, client_for, open_case, hamlet_a):
    case = open_case(hamlet=hamlet_a, name="Nguyễn Văn Bí Mật")
    walk(case, users, 2)
    page = client_for(users["chairman"]).get(reverse("cases:statistics")).content.decode()
    assert "Thống kê hồ sơ trường hợp" in page and hamlet_a.name in page
    for secret in ("Nguyễn Văn Bí Mật", REPORTER, REPORTER_CONTACT, DESCRIPTION):
        assert secret not in page


def test_the_statistics_page_takes_the_same_queries_whatever_the_number_of_cases(
    users, client_for, open_case, hamlet_a, hamlet_b, django_assert_max_num_queries
):
    client = client_for(users["chairman"])
    for _ in range(2):
        walk(open_case(hamlet=hamlet_a), users, 4)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("cases:statistics"))
    for i in range(10):
        walk(open_case(hamlet=hamlet_b if i % 2 else hamlet_a, concern="neglect"), users, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:statistics")).status_code == 200


def test_an_odd_year_falls_back_to_this_year(users, client_for):
    page = client_for(users["chairman"]).get(reverse("cases:statistics"), {"nam": "99999999999999999999"})
    assert page.status_code == 200 and str(timezone.localdate().year) in page.content.decode()


def test_the_level_above_reads_the_statistics_of_each_commune_it_oversees(
    users, client_for, open_case, hamlet_a, other_commune, commune
):
    case = open_case(hamlet=hamlet_a, name="Nguyễn Văn Bí Mật")
    walk(case, users, 2)
    client = client_for(users["district"])  # no commune of its own: it oversees every commune
    page = client.get(reverse("cases:statistics"), {"xa": commune.code})
    assert page.status_code == 200
    assert page.context["stats"].open_now == 1 and page.context["xa"] == commune.code
    content = page.content.decode()
    assert f'<option value="{other_commune.code}"' in content and hamlet_a.name in content
    for secret in ("Nguyễn Văn Bí Mật", REPORTER, REPORTER_CONTACT, DESCRIPTION):
        assert secret not in content
    other = client.get(reverse("cases:statistics"), {"xa": other_commune.code})
    assert other.context["stats"].open_now == 0 and hamlet_a.name not in other.content.decode()
    # A commune it does not oversee, or one that does not exist: not found.
    assert client.get(reverse("cases:statistics"), {"xa": "khong-co"}).status_code == 404
    users["district"].commune = other_commune
    users["district"].save()
    assert client.get(reverse("cases:statistics"), {"xa": commune.code}).status_code == 404
    page = client.get(reverse("cases:statistics"))
    assert page.context["stats"].open_now == 0 and page.context["xa"] == other_commune.code
    # The case pages stay closed to it.
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 403
