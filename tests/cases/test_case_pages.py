"""Case pages: who opens what, the access log, the chairman's limits, the units' inbox."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import case_assign, case_step
from tanloi_portal.models import AccessLog, Role
from tests.cases.conftest import DESCRIPTION, REPORTER, REPORTER_CONTACT
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_officer_receives_a_report_through_the_intake_page(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    received = (timezone.localtime() - timedelta(hours=3)).strftime("%d/%m/%Y %H:%M")
    data = {"child": child.pk, "concern": "neglect", "channel": "hotline_111", "received_at": received,
            "description": "Trẻ ở nhà một mình nhiều ngày"}  # fmt: skip
    response = client_for(users["officer"]).post(reverse("cases:intake"), data)
    assert response.status_code == 302 and child.cases.get().concern == "neglect"


def test_every_opening_of_a_case_is_logged_and_lists_hide_the_reporter(users, client_for, case):
    officer = client_for(users["officer"])
    page = officer.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert REPORTER in page
    assert AccessLog.objects.filter(object_type="cases.case", object_id=case.pk, user=users["officer"]).count() == 1
    listing = officer.get(reverse("cases:list")).content.decode()
    assert REPORTER not in listing and REPORTER_CONTACT not in listing and DESCRIPTION not in listing


def test_the_chairman_opens_a_case_only_while_a_decision_waits(users, client_for, case):
    chairman = client_for(users["chairman"])
    assert chairman.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # intake: not theirs yet
    case_step(case=case, action="assess", by=users["officer"], expected_version=case.version,
              data={"risk": "high", "immediate_danger": True})  # fmt: skip
    page = chairman.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and REPORTER not in page.content.decode()  # never the reporter


def test_units_see_only_cases_assigned_to_them_and_record_results(users, client_for, case, commune):
    health, school = client_for(users["health"]), client_for(users["school"])
    assert health.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    task = case_assign(case=case, unit=commune.units.get(code="tram-y-te"), by=users["officer"],
                       tasks=[("Khám sức khỏe", date.today())]).tasks.get()  # fmt: skip
    assert health.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert school.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert "Khám sức khỏe" in health.get(reverse("cases:inbox")).content.decode()
    assert health.post(reverse("cases:task", args=[task.pk]), {"result": "Đã khám", "done": "on"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    assert school.post(reverse("cases:task", args=[task.pk]), {"result": "x"}).status_code == 404


def test_a_progress_note_leaves_the_task_open_unless_done_is_ticked(users, client_for, case, commune):
    task = case_assign(case=case, unit=commune.units.get(code="tram-y-te"), by=users["officer"],
                       tasks=[("Khám sức khỏe", timezone.localdate())]).tasks.get()  # fmt: skip
    health = client_for(users["health"])
    url = reverse("cases:task", args=[task.pk])
    page = health.get(url).content.decode()
    done_box = re.search(r'<input[^>]*name="done"[^>]*>', page).group(0)
    assert "checked" not in done_box  # a unit saving a progress note must not close its task by default
    assert health.post(url, {"result": "Đã hẹn gia đình thứ Hai"}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.result) == ("open", "Đã hẹn gia đình thứ Hai")
    assert health.post(url, {"result": "Đã khám", "done": "on"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_a_stale_step_form_is_refused_with_who_changed_it(users, client_for, case, commune):
    """Two officers open the same step; the second save says who saved first and when, and keeps its input."""
    first = UserFactory(username="officer-2", role=Role.OFFICER, commune=commune, full_name="Phạm Thị Hai")
    url = reverse("cases:step", args=[case.pk, "assess"])
    stale = case.version
    saved = client_for(first).post(url, {"version": stale, "risk": "low", "immediate_danger": "0"})
    assert saved.status_code == 302
    at = timezone.localtime(case.timeline.latest("at").at).strftime("%H:%M %d/%m/%Y")
    page = client_for(users["officer"]).post(
        url, {"version": stale, "risk": "high", "immediate_danger": "1", "child_whereabouts": "Ở nhà chú"}
    )
    content = page.content.decode()
    assert page.status_code == 200
    assert f"Hồ sơ vừa được Phạm Thị Hai thay đổi lúc {at}: tải lại trang rồi làm lại." in content
    assert 'value="Ở nhà chú"' in content
    case.refresh_from_db()
    assert case.risk == "low" and case.timeline.filter(form="Mẫu 02").count() == 1


def test_a_collaborators_safety_concern_becomes_an_intake(users, client_for, hamlet_a):
    import uuid

    from children.household_updates import update_submit

    home = HouseholdFactory(hamlet=hamlet_a)
    child = ChildFactory(household=home, full_name="Võ Thị Bé")
    data = {"child": str(child.pk), "urgent": "True", "description": "Thấy vết bầm trên tay"}
    concern = update_submit(
        user=users["ctv_a"], household=home, kind="safety_concern", client_id=uuid.uuid4(), data=data
    )
    officer = client_for(users["officer"])
    listing = officer.get(reverse("cases:list")).content.decode()
    assert "Lo ngại của cộng tác viên chờ tiếp nhận" in listing and "Võ Thị Bé" in listing
    form = officer.get(reverse("cases:intake"), {"lo-ngai": concern.pk})
    assert "Thấy vết bầm trên tay" in form.content.decode()
    received = timezone.localtime(concern.submitted_at).strftime("%d/%m/%Y %H:%M")
    data = {"child": child.pk, "concern": "violence", "channel": "collaborator", "received_at": received,
            "description": "Thấy vết bầm trên tay"}  # fmt: skip
    response = officer.post(reverse("cases:intake") + f"?lo-ngai={concern.pk}", data)
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.state == "approved" and Case.objects.get(from_update=concern).child == child
    assert "Lo ngại của cộng tác viên chờ tiếp nhận" not in officer.get(reverse("cases:list")).content.decode()


def test_the_intake_page_finds_the_child_by_a_search_without_diacritics_and_keeps_what_was_typed(
    users, client_for, hamlet_a
):
    an = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Nguyễn Văn An")
    other = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Lê Thị Bình")
    officer = client_for(users["officer"])
    first = officer.get(reverse("cases:intake")).content.decode()
    assert "Nguyễn Văn An" not in first and "Lê Thị Bình" not in first  # the registry is not dumped in a list
    typed = {"q": "nguyen van an", "tim": "1", "description": "Trẻ bị đánh ở trường", "concern": "violence"}
    found = officer.post(reverse("cases:intake"), typed).content.decode()
    offered = found.split('name="child"')[1].split("</select>")[0]
    assert f'value="{an.pk}"' in offered and f'value="{other.pk}"' not in offered
    assert "Trẻ bị đánh ở trường" in found and 'value="violence" selected' in found
    assert not Case.objects.exists()  # a search saves nothing


def test_the_intake_refuses_a_child_the_officer_may_not_see(users, client_for, other_commune):
    stranger = ChildFactory(household=HouseholdFactory(hamlet=other_commune.hamlets.get()))
    received = (timezone.localtime() - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    data = {"child": stranger.pk, "concern": "neglect", "channel": "family", "received_at": received,
            "description": "x"}  # fmt: skip
    page = client_for(users["officer"]).post(reverse("cases:intake"), data)
    assert page.status_code == 200 and not Case.objects.exists()


def test_the_child_page_opens_an_intake_for_that_child(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Danh Thị Sa")
    officer = client_for(users["officer"])
    page = officer.get(reverse("children:child-detail", args=[child.pk])).content.decode()
    link = f"{reverse('cases:intake')}?tre={child.pk}"
    assert link in page
    intake = officer.get(link).content.decode()
    assert re.search(rf'value="{child.pk}"\s+selected', intake)
    unit_page = client_for(users["health"]).get(reverse("children:child-detail", args=[child.pk])).content.decode()
    assert link not in unit_page


def test_the_intake_page_takes_the_same_queries_whatever_the_size_of_the_registry(
    users, client_for, hamlet_a, django_assert_max_num_queries
):
    officer = client_for(users["officer"])
    ChildFactory.create_batch(3, household=HouseholdFactory(hamlet=hamlet_a), full_name="Nguyễn Văn Tèo")
    with django_assert_max_num_queries(30) as few:
        officer.post(reverse("cases:intake"), {"q": "teo", "tim": "1"})
    ChildFactory.create_batch(25, household=HouseholdFactory(hamlet=hamlet_a), full_name="Nguyễn Văn Tèo")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = officer.post(reverse("cases:intake"), {"q": "teo", "tim": "1"})
    assert page.content.decode().count("Nguyễn Văn Tèo") == 28


def test_the_chairman_reads_an_assessed_case_only_when_the_child_is_in_danger(users, client_for, case):
    chairman = client_for(users["chairman"])
    case_step(case=case, action="assess", by=users["officer"], expected_version=case.version,
              data={"risk": "low", "immediate_danger": False})  # fmt: skip
    assert chairman.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # the officer's next step
    home = chairman.get(reverse("home-chairman")).content.decode()
    assert "0 hồ sơ chờ Chủ tịch quyết định" in home


def test_the_chairmans_home_counts_the_cases_awaiting_their_decision(users, client_for, case):
    case_step(case=case, action="assess", by=users["officer"], expected_version=case.version,
              data={"risk": "high", "immediate_danger": True})  # fmt: skip
    home = client_for(users["chairman"]).get(reverse("home-chairman")).content.decode()
    assert "1 hồ sơ chờ Chủ tịch quyết định" in home and reverse("cases:statistics") in home


def test_the_case_list_pages_by_fifty_most_urgent_first_with_constant_queries(
    users, client_for, open_case, django_assert_max_num_queries
):
    def open_cases(n, hours_ago):
        for _ in range(n):
            open_case(concern="neglect", received=timezone.now() - timedelta(hours=hours_ago))

    officer = client_for(users["officer"])
    open_cases(3, 1)
    with django_assert_max_num_queries(30) as few:
        officer.get(reverse("cases:list"))
    open_cases(51, 1)
    overdue = open_case(received=timezone.now() - timedelta(hours=20))
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = officer.get(reverse("cases:list"))
    rows = first.context["page"].object_list
    assert len(rows) == 50 and rows[0].case == overdue and rows[0].deadline.overdue
    second = officer.get(reverse("cases:list"), {"trang": first.context["page"].next_token})  # "Sau »"
    assert len(second.context["page"].object_list) == 5


def test_the_officers_home_counts_safety_concerns_and_the_urgent_ones_come_first(users, client_for, hamlet_a):
    import uuid

    from children.household_updates import update_submit

    def concern(name, urgent):
        home = HouseholdFactory(hamlet=hamlet_a)
        child = ChildFactory(household=home, full_name=name)
        data = {"child": str(child.pk), "urgent": "True" if urgent else "False", "description": "Lo ngại"}
        return update_submit(user=users["ctv_a"], household=home, kind="safety_concern", client_id=uuid.uuid4(),
                             data=data)  # fmt: skip

    concern("Trẻ Không Khẩn", False)
    concern("Trẻ Khẩn Cấp", True)
    concern("Trẻ Thứ Ba", False)
    officer = client_for(users["officer"])
    home = officer.get(reverse("home-officer")).content.decode()
    assert "3 lo ngại về an toàn của trẻ chờ tiếp nhận" in home and "1 khẩn: trẻ đang gặp nguy hiểm" in home
    listing = officer.get(reverse("cases:list")).content.decode()
    assert listing.index("Trẻ Khẩn Cấp") < listing.index("Trẻ Không Khẩn") < listing.index("Trẻ Thứ Ba")
    # Nobody else is told of a concern before it is a case.
    assert "lo ngại về an toàn" not in client_for(users["chairman"]).get(reverse("home-chairman")).content.decode()
