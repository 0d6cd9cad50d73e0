"""Registry lists: diacritic-insensitive search, Vietnamese order, and a query count that does not grow."""

import base64
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import Child, Household
from children.selectors import ChildFilters, child_list
from children.services import child_name_fields
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


# --- pages: read by keyset (the rows after the last one shown), never by counting the whole list ----------------


def _walk(client, params, *, direction="next"):
    """The pages of the child list from the first, following "Sau »" (or, from the last, "« Trước")."""
    pages, token = [], ""
    while True:
        response = client.get(reverse("children:child-list"), {**params, **({"trang": token} if token else {})})
        page = response.context["page"]
        pages.append((response, page))
        token = page.next_token if direction == "next" else page.previous_token
        if not token:
            return pages


def test_the_pages_follow_one_another_in_the_lists_order_back_and_forth(users, client_for, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a)
    # Many with the same name and birth date: the order (and so the page boundaries) is settled by the key.
    for i in range(130):
        name = "Nguyễn Văn An" if i % 3 == 0 else f"Lê Thị Hồng {i}"
        ChildFactory(household=household, full_name=name, date_of_birth=date(2018, 1, 1 + i % 5))
    client = client_for(users["officer"])
    expected = [c.pk for c in child_list(user=users["officer"], filters=ChildFilters())]
    forward = _walk(client, {})
    assert [len(page) for _r, page in forward] == [50, 50, 30]
    assert [c.pk for _r, page in forward for c in page] == expected
    assert [(page.start, page.end) for _r, page in forward] == [(1, 50), (51, 100), (101, 130)]
    assert [(page.has_previous, page.has_next) for _r, page in forward] == [(False, True), (True, True), (True, False)]
    # Back from the last page: the same pages, the first one full again.
    last = forward[-1][1]
    back = client.get(reverse("children:child-list"), {"trang": last.previous_token}).context["page"]
    assert [c.pk for c in back] == expected[50:100] and (back.start, back.end) == (51, 100)
    first = client.get(reverse("children:child-list"), {"trang": back.previous_token}).context["page"]
    assert [c.pk for c in first] == expected[:50] and not first.has_previous and first.start == 1


def test_the_page_links_keep_the_filters_and_say_where_the_page_is(users, client_for, hamlet_a, hamlet_b):
    for hamlet in (hamlet_a, hamlet_b):
        household = HouseholdFactory(hamlet=hamlet)
        for i in range(60):
            ChildFactory(household=household, full_name=f"Võ Thị Mai {i}", sex=Child.Sex.FEMALE)
            ChildFactory(household=household, full_name=f"Võ Minh Khang {i}", sex=Child.Sex.MALE)
    client = client_for(users["officer"])
    pages = _walk(client, {"hamlet": hamlet_b.pk, "sex": "F"})
    assert [len(page) for _r, page in pages] == [50, 10]
    assert all(c.sex == "F" and c.household.hamlet_id == hamlet_b.pk for _r, page in pages for c in page)
    first, second = (response.content.decode() for response, _page in pages)
    token = pages[0][1].next_token
    assert f'href="?hamlet={hamlet_b.pk}&amp;sex=F&amp;trang={token}" rel="next"' in first
    assert "Hiển thị 1–50" in first and "Hiển thị 51–60" in second
    assert f'href="?hamlet={hamlet_b.pk}&amp;sex=F"' in second  # the first page, filters kept


def test_no_page_counts_the_whole_list_unless_asked(users, client_for, hamlet_a):
    household = HouseholdFactory(hamlet=hamlet_a)
    for i in range(55):
        ChildFactory(household=household, full_name=f"Phạm Thị Ánh {i}")
    client = client_for(users["officer"])
    for params in ({}, {"trang": _walk(client, {})[0][1].next_token}, {"q": "pham thi"}, {"sex": "F"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("children:child-list"), params)
        child_queries = [q["sql"] for q in queries.captured_queries if "children_child" in q["sql"]]
        assert child_queries and not any("COUNT(" in sql.upper() for sql in child_queries), params
        assert response.context["total"] is None
        assert "badge text-bg-secondary" not in response.content.decode()
    counted = client.get(reverse("children:child-list"), {"sex": "F", "dem": "1"})
    assert counted.context["total"] == 55 and 'badge text-bg-secondary">55</span>' in counted.content.decode()
    assert "dem" not in counted.context["query"]  # the next pages are not counted again
    # A list that fits on one page is counted for free: it is all there.
    few = client.get(reverse("children:child-list"), {"q": "pham thi anh 5"})
    assert few.context["total"] == 6 and 'badge text-bg-secondary">6</span>' in few.content.decode()


def _token(payload) -> str:
    """A link's page parameter as the list writes it (base64 of JSON), with whatever content."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "9" * 40,
        "x" * 5000,
        "%%%",
        _token("not a list"),
        _token([0, 1, 0, ["11", "2020-01-01", "abc"]]),  # a key that is not a number
        _token([0, 1, 0, ["11", "2020-13-01", 1]]),  # no such date
        _token([0, 1, 0, ["11", "2020-01-01", 10**30]]),  # too large for the database
        _token([0, 1, 0, ["11", "2020-01-01", True]]),
        _token([0, 1, 0, ["1\x00", "2020-01-01", 1]]),  # a NUL character, which PostgreSQL refuses
        _token([0, 1, 0, ["1" * 500, "2020-01-01", 1]]),  # longer than the column
        _token([0, 1, 0, [None, "2020-01-01", 1]]),
        _token([0, 1, 0, ["11", "2020-01-01"]]),  # a key missing
        _token([5, 1, 0, []]),  # no such part of the list
        _token([0, 1, 2, ["11", "2020-01-01", 1]]),  # "backward" not 0 or 1: read as backward, from before all
        _token([0, -7, 0, ["11", "2020-01-01", 1]]),  # a position before the first: shown as 1
    ],
)
def test_a_page_link_not_written_by_the_list_is_harmless(users, client_for, hamlet_a, token):
    household = HouseholdFactory(hamlet=hamlet_a)
    ChildFactory(household=household, full_name="Võ Minh Khang")
    response = client_for(users["officer"]).get(reverse("children:child-list"), {"trang": token})
    assert response.status_code == 200
    page = response.context["page"]
    assert [c.full_name for c in page] == ["Võ Minh Khang"] and page.start == 1


def test_a_page_link_shows_only_what_the_user_may_see(users, client_for, hamlet_a, hamlet_b):
    """A link is a position in the user's own list: one taken from the officer's list, given to a collaborator,
    shows the collaborator's hamlet only."""
    for hamlet in (hamlet_a, hamlet_b):
        household = HouseholdFactory(hamlet=hamlet)
        for i in range(60):
            ChildFactory(household=household, full_name=f"Trần Văn Nam {i:02d}")
    officers = client_for(users["officer"]).get(reverse("children:child-list")).context["page"]
    response = client_for(users["ctv_a"]).get(reverse("children:child-list"), {"trang": officers.next_token})
    shown = response.context["page"]
    assert len(shown) and all(c.household.hamlet_id == hamlet_a.pk for c in shown)
    assert (
        client_for(users["chairman"]).get(reverse("children:child-list"), {"trang": officers.next_token}).status_code
        == 403
    )


# --- PostgreSQL: what the planner reads (the indexes of children migration 0014) -----------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm and its indexes: PostgreSQL only")


def _plans(client, params, *, off=("seqscan", "sort")) -> list[str]:
    """The plans of the child list's queries of children for one request, the planner's methods `off` made
    unattractive so that a test table of a few thousand rows shows which index the query can use."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("children:child-list"), params).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE children_child, children_household")  # the statistics autovacuum would gather
        for method in off:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        for query in queries.captured_queries:
            if query["sql"].startswith("SELECT") and ('FROM "children_child"' in query["sql"]):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        for method in off:
            cursor.execute(f"SET LOCAL enable_{method} = on")
    return plans


def _many_children(hamlet, n: int) -> None:
    """n children in n / 2 households, written in bulk: enough rows for the planner to prefer an index."""
    households = Household.objects.bulk_create(
        [HouseholdFactory.build(hamlet=hamlet, commune=hamlet.commune, code=f"B-{i:05d}") for i in range(n // 2)]
    )
    given = ["An", "Bình", "Cường", "Dũng", "Hải", "Hoa", "Lan", "Mai", "Nam", "Phúc"]
    Child.objects.bulk_create(
        Child(household=households[i // 2], commune=hamlet.commune, hamlet=hamlet, sex="F",
              date_of_birth=date(2015, 1, 1 + i % 28),
              **child_name_fields(f"Trần Thị {given[i % 10]} {i}"))
        for i in range(n)
    )  # fmt: skip


@postgres_only
def test_on_postgresql_the_search_reads_the_trigram_indexes(users, client_for, hamlet_a):
    _many_children(hamlet_a, 2000)
    household = HouseholdFactory(hamlet=hamlet_a, code="TL-0042")
    for name in ("Nguyễn Văn An", "Lê Minh Khang"):
        ChildFactory(household=household, full_name=name)
    client = client_for(users["officer"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        assert {row[0] for row in cursor.fetchall()} == {
            "child_name_search_trgm", "household_head_name_search_trgm", "household_code_upper_trgm"
        }  # fmt: skip
    # The search reads the bitmap of an index that narrows it, never the whole registry: the trigram index, or
    # the commune's children, whichever the planner finds cheaper for the commune's size (here: a few thousand).
    (search,) = _plans(client, {"q": "Nguyễn Văn"}, off=("seqscan", "indexscan"))
    # Any of the indexes that lead with the commune serves the second (the planner picks by their sizes).
    trigram = "Bitmap Index Scan on child_name_search_trgm" in search
    commune = "Bitmap Index Scan on child_commune_" in search and "Index Cond: (commune_id = " in search
    assert trigram or commune, search
    # A LIKE '%nguyen van%' is served by the trigram index (a bitmap scan needs a condition it serves).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Child.objects.filter(name_search__contains="nguyen van").order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "Bitmap Index Scan on child_name_search_trgm" in "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    # The household code is looked up first, by its own index; the children then by name or household.
    response = client.get(reverse("children:child-list"), {"q": "tl-0042"})
    assert [c.full_name for c in response.context["page"]] == ["Nguyễn Văn An", "Lê Minh Khang"]  # An, Khang
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = Household.objects.filter(code__icontains="tl-0042").order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "Bitmap Index Scan on household_code_upper_trgm" in "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_indexscan = on")


@postgres_only
def test_on_postgresql_a_page_is_an_index_range_in_the_lists_order(users, client_for, hamlet_a):
    _many_children(hamlet_a, 2000)
    client = client_for(users["officer"])
    token = client.get(reverse("children:child-list")).context["page"].next_token
    sorting = ("seqscan", "sort", "incremental_sort")
    (first,) = _plans(client, {}, off=sorting)
    (later,) = _plans(client, {"trang": token}, off=sorting)
    (girls,) = _plans(client, {"sex": "F", "trang": token}, off=sorting)
    # Read in the list's order from an index (no sort of the rows found), from the position the link carries.
    assert "Index Scan using child" in first and "->  Sort  " not in first, first
    assert "Index Scan using child_commune_order_idx" in later and "Index Cond: ((commune_id = " in later, later
    assert "ROW(" in later and "->  Sort  " not in later, later
    assert "Index Scan using child_commune_sex_order_idx" in girls and "->  Sort  " not in girls, girls
