"""What waits for each user: the notices page, the navbar's count and the daily digest by e-mail and SMS, told
once per event, with nothing about a child or a case in the message."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import working_days_after
from cases.services import case_assign
from children.household_updates import update_reject, update_submit
from reports.digests import send_digests
from reports.models import SentNotice
from reports.notices import notices_for
from reports.services import report_start, report_submit
from tanloi_portal import sms
from tests.cases.conftest import open_case  # noqa: F401 (a fixture)
from tests.cases.steps import walk
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()


@pytest.fixture
def tasks(users, open_case, commune):  # noqa: F811
    """Three tasks of the health station on a case received ten days ago (overdue, due within two working
    days, due in three weeks) and one of the school."""
    today = timezone.localdate()
    case = walk(open_case(received=timezone.now() - timedelta(days=10), name="Trần Thị Bé"), users, 5)
    health, school = commune.units.get(code="tram-y-te"), commune.units.get(code="truong-th")
    soon = working_days_after(today, 2)
    case_assign(
        case=case,
        unit=health,
        by=users["officer"],
        tasks=[
            ("Khám vết thương", today - timedelta(days=1)),
            ("Tư vấn tâm lý", soon),
            ("Tái khám", today + timedelta(days=21)),
        ],
    )
    case_assign(case=case, unit=school, by=users["officer"], tasks=[("Gặp giáo viên", today + timedelta(days=21))])
    return case


def test_a_unit_is_told_its_tasks_overdue_first_then_due_then_open(tasks, users):
    notices = notices_for(users["health"])
    assert [n.kind for n in notices] == ["task_overdue", "task_due", "task_open"]
    assert notices[0].text.startswith("Quá hạn: Khám vết thương · hồ sơ #") and notices[0].urgent
    assert notices[1].text.startswith("Sắp đến hạn: Tư vấn tâm lý")
    assert not notices[1].urgent and not notices[2].urgent
    due = working_days_after(timezone.localdate(), 2)
    assert f"hạn {due:%d/%m/%Y}" in notices[1].text
    # The school is told only of its own task.
    assert [n.text.split(":")[1].split("·")[0].strip() for n in notices_for(users["school"])] == ["Gặp giáo viên"]
    # Three weeks later every task of the health station is overdue.
    later = notices_for(users["health"], now=timezone.now() + timedelta(days=22))
    assert [n.kind for n in later] == ["task_overdue"] * 3


def test_the_notices_page_and_the_navbar_count_for_a_unit(tasks, users, client_for):
    client = client_for(users["health"])
    page = client.get(reverse("notices"))
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count('<li class="list-group-item') == 3
    assert "Quá hạn: Khám vết thương" in content and "Gặp giáo viên" not in content
    assert "data-notice-count>3</span>" in content
    home = client.get(reverse("home-unit")).content.decode()
    assert "data-notice-count>3</span>" in home


def test_the_digest_tells_each_event_once_and_nothing_about_the_case(tasks, users):
    health = users["health"]
    health.email, health.phone = "tramyte@example.vn", "0912 345 678"
    health.save()
    run = send_digests()
    assert (run.emails, run.texts, run.failed) == (1, 1, [])
    (message,) = mail.outbox
    assert message.to == ["tramyte@example.vn"]
    assert message.subject == "[BVCSTE Tân Lợi] 3 việc mới chờ bạn"
    body = message.body
    assert "- 1 nhiệm vụ quá hạn" in body and "- 1 nhiệm vụ đến hạn trong 2 ngày làm việc" in body
    assert "- 1 nhiệm vụ mới được giao" in body and "http://127.0.0.1:8000/thong-bao/" in body
    for secret in ("Khám vết thương", "Trần Thị Bé", f"#{tasks.pk}"):
        assert secret not in body
    ((to, text),) = sms.outbox
    assert to == "0912 345 678"
    assert text == "BVCSTE Tan Loi: 3 viec moi cho ban. Xem http://127.0.0.1:8000/thong-bao/"
    assert text.isascii() and len(text) <= 160
    # Run again: nothing new, nothing sent.
    assert (send_digests().emails, send_digests().texts) == (0, 0)
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    # Two days later the task that was due is overdue: that event alone is told.
    run = send_digests(now=timezone.now() + timedelta(days=5))
    assert run.emails == 1
    assert "- 1 nhiệm vụ quá hạn" in mail.outbox[1].body
    assert mail.outbox[1].subject == "[BVCSTE Tân Lợi] 1 việc mới chờ bạn"
    # Nobody without an address or a number is sent anything; the school has neither.
    assert {m.to[0] for m in mail.outbox} == {"tramyte@example.vn"}


class FailingSms:
    def send(self, to, text):
        raise ConnectionError("gateway down")


def test_a_message_that_fails_is_sent_at_the_next_run(tasks, users):
    health = users["health"]
    health.phone = "0912345678"
    health.save()
    with override_settings(SMS_BACKEND=f"{__name__}.FailingSms"):
        run = send_digests()
    assert run.failed == ["tramyte"] and not SentNotice.objects.exists()
    run = send_digests()
    assert (run.texts, run.failed) == (1, []) and len(sms.outbox) == 1
    assert SentNotice.objects.filter(user=health, channel="sms").count() == 5  # 3 open, 1 due, 1 overdue


def _household_update(users, household):
    return update_submit(
        user=users["ctv_a"],
        household=household,
        kind="note",
        data={"text": "Gia đình khó khăn"},
        client_id=uuid.uuid4(),
    )


def test_the_officer_is_told_of_reviews_concerns_and_overdue_cases(users, hamlet_a, open_case, client_for):  # noqa: F811
    household = HouseholdFactory(hamlet=hamlet_a)
    ChildFactory(household=household)
    _household_update(users, household)
    _household_update(users, household)
    open_case(received=timezone.now() - timedelta(hours=30))  # its assessment was due within 24 hours
    kinds = {n.kind: n for n in notices_for(users["officer"])}
    assert set(kinds) == {"review", "case_overdue"}
    assert kinds["review"].text == "2 cập nhật chờ duyệt" and len(kinds["review"].events) == 2
    assert kinds["case_overdue"].text == "1 hồ sơ trường hợp quá hạn"
    assert kinds["case_overdue"].url == reverse("cases:list") + "?xem=qua-han"
    assert next(n.kind for n in notices_for(users["officer"])) == "case_overdue"  # urgent first
    # Another commune's officer, the collaborators, the level above: none of it.
    for other in ("ctv_a", "ctv_b", "district", "admin"):
        assert not [n for n in notices_for(users[other]) if n.kind in ("review", "case_overdue")]
    content = client_for(users["officer"]).get(reverse("notices")).content.decode()
    assert "2 cập nhật chờ duyệt" in content and "data-notice-count>3</span>" in content  # 2 updates, 1 case


def test_a_collaborator_is_told_why_an_update_was_not_approved(users, hamlet_a, client_for):
    household = HouseholdFactory(hamlet=hamlet_a)
    update = _household_update(users, household)
    update_reject(update=update, by=users["officer"], reason="Thiếu ngày sinh của trẻ")
    (notice,) = notices_for(users["ctv_a"])
    assert notice.kind == "update_rejected" and notice.urgent
    assert notice.text == f"Không được duyệt: Ghi chú khác · hộ {household.code} · lý do: Thiếu ngày sinh của trẻ"
    assert notices_for(users["ctv_b"]) == []
    content = client_for(users["ctv_a"]).get(reverse("notices")).content.decode()
    assert "Thiếu ngày sinh của trẻ" in content
    users["ctv_a"].email = "ctv@example.vn"
    users["ctv_a"].save()
    send_digests()
    assert "- 1 cập nhật đã gửi không được duyệt" in mail.outbox[0].body
    assert "Thiếu ngày sinh" not in mail.outbox[0].body


def test_the_chairman_is_told_of_each_decision_waiting_and_each_report_submitted(users, open_case, commune):  # noqa: F811
    case = walk(open_case(), users, 3)  # the plan drafted
    report = report_submit(
        report=report_start(commune=commune, year=2025, half=0, by=users["officer"]), by=users["officer"]
    )
    notices = notices_for(users["chairman"])
    assert [n.kind for n in notices] == ["decision", "report_waiting"]
    assert notices[0].text == f"Hồ sơ #{case.pk} chờ quyết định: Phê duyệt kế hoạch, Trả lại kế hoạch để xây dựng lại"
    assert notices[0].url == reverse("cases:detail", args=[case.pk])
    assert notices[1].text == "Báo cáo năm 2025 chờ Chủ tịch duyệt"
    assert notices[1].url == reverse("report-detail", args=[report.pk])
    assert not [n for n in notices_for(users["officer"]) if n.kind in ("decision", "report_waiting")]


@pytest.mark.parametrize("who", ["officer", "ctv_a", "health", "chairman", "district", "admin"])
def test_every_user_has_a_notices_page_that_says_what_comes_there(users, client_for, who):
    response = client_for(users[who]).get(reverse("notices"))
    assert response.status_code == 200
    assert "Không có việc nào chờ bạn" in response.content.decode()
    assert "data-notice-count" not in response.content.decode()


def test_the_notices_page_is_for_signed_in_users_only(client):
    response = client.get(reverse("notices"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_worker_sends_the_digest_every_morning(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["daily-digests"]
    assert schedule["task"] == "reports.tasks.send_digests"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({6}, {30})
    from reports.tasks import send_digests as task

    assert task.apply().get() == {"emails": 0, "texts": 0, "failed": []}


# --- each role's home is its to-do list first --------------------------------------------------------------


def test_the_units_home_opens_with_its_tasks_the_overdue_labelled(tasks, users, client_for):
    content = client_for(users["health"]).get(reverse("home-unit")).content.decode()
    todo = content[content.index('id="todo-title"') : content.index("Chỉ tiêu đơn vị chủ trì")]
    assert todo.index("Quá hạn: Khám vết thương") < todo.index("Sắp đến hạn: Tư vấn tâm lý") < todo.index("Tái khám")
    assert todo.count("list-group-item-danger") == 1
    task = tasks.assignments.get(unit__code="tram-y-te").tasks.get(what="Khám vết thương")
    assert reverse("cases:task", args=[task.pk]) in todo
    assert "Gặp giáo viên" not in content
    # The school's home has only its own task; a unit without any says what will come.
    assert "Gặp giáo viên" in client_for(users["school"]).get(reverse("home-unit")).content.decode()


def test_a_unit_without_tasks_is_told_what_will_come_and_sees_its_metrics_values(users, client_for):
    content = client_for(users["health"]).get(reverse("home-unit")).content.decode()
    assert "Đơn vị chưa có nhiệm vụ đang mở" in content
    led = content[content.index("Chỉ tiêu đơn vị chủ trì") :]
    # Each metric the health station leads shows its value (none computed yet: "—") and its status.
    assert led.count('class="badge status-') >= 1 and "Chỉ tiêu 2025:" in led


def test_the_collaborators_home_shows_what_was_decided_with_the_reason(users, hamlet_a, client_for):
    household = HouseholdFactory(hamlet=hamlet_a)
    update_reject(update=_household_update(users, household), by=users["officer"], reason="Sai số hộ")
    content = client_for(users["ctv_a"]).get(reverse("home-collaborator")).content.decode()
    assert "Kết quả duyệt cập nhật đã gửi" in content and "lý do: Sai số hộ" in content
    other = client_for(users["ctv_b"]).get(reverse("home-collaborator")).content.decode()
    assert "Sai số hộ" not in other and "cán bộ chưa duyệt cập nhật nào bạn gửi" in other


def test_the_chairmans_home_lists_each_decision_waiting(users, open_case, client_for):  # noqa: F811
    plan = walk(open_case(), users, 3)
    content = client_for(users["chairman"]).get(reverse("home-chairman")).content.decode()
    section = content[content.index('id="decisions-title"') :]
    assert f'href="{reverse("cases:detail", args=[plan.pk])}">Hồ sơ #{plan.pk} chờ quyết định: Phê duyệt kế hoạch' in (
        section
    )


@pytest.mark.parametrize("url_name", ["notices", "home-unit"])
def test_the_units_notices_and_home_read_in_a_fixed_number_of_queries(
    url_name,
    tasks,
    users,
    client_for,
    commune,
    open_case,  # noqa: F811
    django_assert_max_num_queries,
):
    client = client_for(users["health"])
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(url_name))
    # Twelve tasks more, on three other cases: the same number of queries.
    health = commune.units.get(code="tram-y-te")
    for _ in range(3):
        other = walk(open_case(), users, 5)
        more = [(f"Việc số {i}", timezone.localdate() + timedelta(days=i + 10)) for i in range(4)]
        case_assign(case=other, unit=health, by=users["officer"], tasks=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name))
    assert response.content.decode().count("Việc số ") == 12
