"""The case list by urgency, sorted, paged and counted in the database; the deadlines it sorts by; the units'
inbox."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import end_of, next_deadline, own_due_at
from cases.models import Case, Task
from cases.selectors import case_list, overdue_count
from cases.services import case_assign, task_result
from tests.cases.steps import WALK, take, valid_form, walk

pytestmark = pytest.mark.django_db


def _python_order(user, cases: list[Case]) -> list[int]:
    """The order the list had when it was sorted in Python: by the next deadline (its open tasks those the user's
    list counts), nothing due last; equal deadlines by case number."""
    far = timezone.now() + timedelta(days=3650)
    rows = []
    for case in cases:
        tasks = Task.objects.filter(assignment__case=case, status="open")
        if user.unit_id:
            tasks = tasks.filter(assignment__unit_id=user.unit_id)
        first = min((t.due_on for t in tasks), default=None)
        deadline = next_deadline(case, open_tasks_due=first)
        rows.append((deadline is None, deadline.due_at if deadline else far, case.pk))
    return [pk for *_key, pk in sorted(rows)]


@pytest.fixture
def many(users, open_case, commune):
    """Cases at every kind of deadline, created in an order unlike the one expected."""
    now, today = timezone.now(), timezone.localdate()
    health, school = commune.units.get(code="tram-y-te"), commune.units.get(code="truong-th")
    made = {}
    made["closure"] = walk(open_case(), users, 6)  # reviewed, closure proposed: nothing due
    made["plan"] = walk(open_case(received=now - timedelta(hours=1)), users, 2)  # the draft in 5 working days
    made["tasks"] = walk(open_case(), users, 5)  # in progress, review in 30 days, health's task tomorrow
    case_assign(case=made["tasks"], unit=health, by=users["officer"], tasks=[("Khám", today + timedelta(days=1))])
    case_assign(case=made["tasks"], unit=school, by=users["officer"], tasks=[("Đến lớp", today + timedelta(days=10))])
    # In progress, the review in 2 days, the school's task tomorrow.
    made["review"] = walk(open_case(), users, 5, draft_plan={"review_on": today + timedelta(days=2)})
    case_assign(case=made["review"], unit=school, by=users["officer"], tasks=[("Gặp cô", today + timedelta(days=1))])
    made["late"] = open_case(received=now - timedelta(hours=13))  # assessment overdue by 1 hour
    made["later"] = open_case(received=now - timedelta(hours=20))  # overdue by 8 hours
    two_hours_ago = now - timedelta(hours=2)
    made["danger"] = open_case(received=two_hours_ago)
    take(made["danger"], "assess", users["officer"], data=valid_form("assess", immediate_danger=True))
    made["same"] = open_case(received=two_hours_ago)  # due at the same moment as "danger": after it, by number
    made["closure2"] = walk(open_case(), users, 6)
    made["closed"] = walk(open_case(), users, 7)
    return {name: Case.objects.get(pk=case.pk) for name, case in made.items()}


def test_the_list_is_sorted_by_urgency_in_the_database_as_it_was_in_python(many, users):
    rows = list(case_list(user=users["officer"]))
    names = {case.pk: name for name, case in many.items()}
    assert [names[row.case.pk] for row in rows] == [
        "later", "late", "danger", "same", "tasks", "review", "plan", "closure", "closure2"
    ]  # fmt: skip
    open_cases = [c for c in many.values() if c.status != "closed"]
    assert [row.case.pk for row in rows] == _python_order(users["officer"], open_cases)
    shown = {names[row.case.pk]: row.deadline for row in rows}
    assert [shown[n].overdue for n in ("later", "late", "danger")] == [True, True, False]
    assert shown["danger"].label == "Quyết định bảo vệ khẩn cấp" and shown["same"].label == "Đánh giá nguy cơ ban đầu"
    assert shown["tasks"].label == "Nhiệm vụ của đơn vị"
    assert shown["tasks"].due_at == end_of(timezone.localdate() + timedelta(days=1))
    assert shown["plan"].label == "Xây dựng kế hoạch hỗ trợ, can thiệp"
    assert shown["closure"] is None
    # Every row's deadline is the one the case page's rule computes.
    for row in rows:
        tasks = Task.objects.filter(assignment__case=row.case, status="open")
        assert row.deadline == next_deadline(row.case, open_tasks_due=min((t.due_on for t in tasks), default=None))
    with_closed = [names[row.case.pk] for row in case_list(user=users["officer"], open_only=False)]
    assert with_closed[-3:] == ["closure", "closure2", "closed"]
    assert overdue_count(user=users["officer"]) == 2 == sum(row.deadline.overdue for row in rows if row.deadline)


def test_a_units_list_counts_its_own_tasks(many, users):
    """The school's task on "tasks" is due in 10 days, the health station's tomorrow: the school's list goes by its
    own, as it always has (a unit reads "Nhiệm vụ của đơn vị" as its own task)."""
    rows = list(case_list(user=users["school"]))
    names = {case.pk: name for name, case in many.items()}
    assert [names[row.case.pk] for row in rows] == ["review", "tasks"]
    assert [row.case.pk for row in rows] == _python_order(users["school"], [many["tasks"], many["review"]])
    assert rows[1].deadline.due_at == end_of(timezone.localdate() + timedelta(days=10))
    assert case_list(user=users["health"])[0].deadline.due_at == end_of(timezone.localdate() + timedelta(1))


def test_a_task_done_no_longer_sets_the_deadline(many, users):
    task = Task.objects.get(assignment__case=many["tasks"], assignment__unit__code="tram-y-te")
    task_result(task=task, by=users["health"], result="Đã khám", done=True)
    row = next(r for r in case_list(user=users["officer"]) if r.case.pk == many["tasks"].pk)
    assert row.deadline.due_at == end_of(timezone.localdate() + timedelta(days=10))  # the school's is next


def test_every_step_stores_the_deadline_the_rules_compute(open_case, users):
    case = open_case()
    assert case.due_at == own_due_at(case) == case.received_at + timedelta(hours=12)
    for action, who in WALK:
        take(case, action, users[who], text="Trẻ an toàn" if action == "close" else "")
        assert case.due_at == own_due_at(case), action
    assert case.due_at is None  # closed


def test_the_list_pages_in_the_database_with_the_same_queries_whatever_the_number_of_cases(
    users, client_for, open_case, commune, django_assert_max_num_queries
):
    health = commune.units.get(code="tram-y-te")

    def add(n):
        for i in range(n):
            case = open_case(received=timezone.now() - timedelta(hours=i % 30))
            if i % 3 == 0:
                case_assign(case=case, unit=health, by=users["officer"], tasks=[("Khám", timezone.localdate())])

    add(3)
    for who in ("officer", "chairman", "health"):
        client = client_for(users[who])
        with django_assert_max_num_queries(30) as few:
            assert client.get(reverse("cases:list")).status_code == 200
        baseline = len(few.captured_queries)
        if who == "officer":
            add(120)
        with django_assert_max_num_queries(baseline) as many_:
            page = client.get(reverse("cases:list"))
        shown = page.context["page"]
        assert len(shown.object_list) == min(50, len(list(case_list(user=users[who]))))
        # Only the page is read: the rows come with LIMIT, not the whole list, which is not counted.
        assert any(" LIMIT " in q["sql"] and "cases_case" in q["sql"] for q in many_.captured_queries), who
        assert not any("COUNT(" in q["sql"].upper() and "cases_case" in q["sql"] for q in many_.captured_queries)
        later = client.get(reverse("cases:list"), {"tat-ca": "1"}).context["page"].next_token
        with django_assert_max_num_queries(baseline):
            client.get(reverse("cases:list"), {"trang": later, "tat-ca": "1"})


def test_the_units_inbox_takes_the_same_queries_whatever_the_number_of_tasks(
    users, client_for, open_case, commune, django_assert_max_num_queries
):
    health = commune.units.get(code="tram-y-te")
    client = client_for(users["health"])

    def add(n):
        for i in range(n):
            due = timezone.localdate() + timedelta(days=i % 7)
            case_assign(case=open_case(), unit=health, by=users["officer"], tasks=[(f"Việc {i}", due), ("Gọi", due)])

    add(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("cases:inbox")).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cases:inbox")).content.decode()
    tasks = Task.objects.filter(assignment__unit=health)
    assert tasks.count() == 64 and all(reverse("cases:task", args=[t.pk]) in page for t in tasks)


def _pages(client, params, token=""):
    """The pages of the case list from the first, following "Sau »"."""
    pages = []
    while True:
        page = client.get(reverse("cases:list"), {**params, **({"trang": token} if token else {})}).context["page"]
        pages.append(page)
        token = page.next_token
        if not token:
            return pages


@pytest.mark.parametrize("show_all", [False, True])
def test_the_pages_run_through_the_list_in_its_order_across_the_cases_with_and_without_deadlines(
    many, users, client_for, open_case, show_all, monkeypatch
):
    """Pages of 4 over the cases due (by deadline), then those with nothing due (by number): the same rows in
    the same order as the whole list, forward and back, each case once."""
    monkeypatch.setattr("tanloi_portal.pagination.PAGE_SIZE", 4)
    for _ in range(3):
        walk(open_case(), users, 6)  # more with nothing due, so that that part spans pages too
    client = client_for(users["officer"])
    params = {"tat-ca": "1"} if show_all else {}
    expected = [row.case.pk for row in case_list(user=users["officer"], open_only=not show_all)]
    pages = _pages(client, params)
    assert [row.case.pk for page in pages for row in page] == expected
    assert all(len(page) == 4 for page in pages[:-1]) and len(pages) == -(-len(expected) // 4)
    assert [page.start for page in pages] == list(range(1, len(expected) + 1, 4))
    back, token = [], pages[-1].previous_token
    while token:
        page = client.get(reverse("cases:list"), {**params, "trang": token}).context["page"]
        back.insert(0, [row.case.pk for row in page])
        token = page.previous_token
    assert back == [[row.case.pk for row in page] for page in pages[:-1]]
    # Each row as the whole list has it: its deadline and whether it opens.
    rows = {row.case.pk: row for row in case_list(user=users["officer"], open_only=not show_all)}
    assert all(row == rows[row.case.pk] for page in pages for row in page)


def test_a_case_list_link_not_written_by_the_list_is_harmless(many, users, client_for):
    client = client_for(users["officer"])
    first = [row.case.pk for row in client.get(reverse("cases:list")).context["page"]]
    for token in ("abc", "W10", "WzAsMSwwLFsiMjAyNi0wMS0wMVQwMDowMDowMCIsMV1d", "WzEsMSwwLFsiYSJdXQ"):
        # Not base64 of a cursor; an empty list; a datetime without its time zone; a number that is not one.
        response = client.get(reverse("cases:list"), {"trang": token})
        assert response.status_code == 200, token
        assert [row.case.pk for row in response.context["page"]] == first, token


def _listed(client, query: str) -> set[int]:
    response = client.get(reverse("cases:list") + query)
    assert response.status_code == 200
    return {row.case.pk for row in response.context["page"]}


@pytest.mark.parametrize("who", ["officer", "chairman"])
def test_the_homes_counts_open_exactly_the_cases_they_count(many, users, client_for, who):
    client = client_for(users[who])
    names = {case.pk: name for name, case in many.items()}
    waiting = {names[pk] for pk in _listed(client, "?xem=chu-tich")}
    assert waiting == {"closure", "closure2", "danger"}
    assert {names[pk] for pk in _listed(client, "?xem=qua-han")} == {"later", "late"}
    # The home's figures are the lengths of those lists, and its links ask for them.
    home = client.get(reverse(f"home-{who}")).content.decode()
    assert f"{reverse('cases:list')}?xem=qua-han" in home
    if who == "chairman":
        assert f"{reverse('cases:list')}?xem=chu-tich" in home
    assert overdue_count(user=users[who]) == 2
    # Unknown values show the whole open list; with closed cases the chairman's part keeps its filter.
    assert len(_listed(client, "?xem=khac")) == len(many) - 1
    page = client.get(reverse("cases:list") + "?xem=chu-tich").content.decode()
    assert "tat-ca=1&amp;xem=chu-tich" in page and "chờ Chủ tịch quyết định" in page


def test_a_unit_sees_only_its_own_overdue_cases(many, users, client_for):
    client = client_for(users["health"])
    assert _listed(client, "?xem=qua-han") == set()
    assert _listed(client, "?xem=chu-tich") == set()
    assert _listed(client, "") == {many["tasks"].pk}
