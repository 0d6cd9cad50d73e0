"""Rules of the case process found in review: the review's proposal decides what comes next, every write keeps
to the user's commune, stale saves name who saved, the printed file follows the case page's confidentiality."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import Http404
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case
from cases.rules import AWAITING_CHAIRMAN, STEPS, awaits_chairman, holds, steps_open_to
from cases.selectors import awaiting_decision_count, case_statistics, get_case_for_user
from cases.services import ConcurrentEdit, case_assign, case_note, case_step, task_result
from tanloi_portal.models import AccessLog, Role
from tests.cases.conftest import DESCRIPTION, REPORTER, REPORTER_CONTACT
from tests.cases.steps import take, valid_form, walk
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def to_review(case, users, recommendation):
    return walk(case, users, 6, recommendation=recommendation)


# --- the review's proposal ---------------------------------------------------------------------------------


def test_a_review_proposing_a_new_plan_goes_back_to_the_officer_not_the_chairman(case, users, client_for):
    case = to_review(case, users, "plan_again")
    with pytest.raises(ValidationError, match="không đề nghị đóng"):
        take(case, "close", users["chairman"], text="Đóng")
    assert [s.action for s in steps_open_to(case, users["officer"])] == ["draft_plan"]
    assert steps_open_to(case, users["chairman"]) == []
    assert client_for(users["chairman"]).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert awaiting_decision_count(user=users["chairman"]) == 0
    take(case, "draft_plan", users["officer"])
    assert Case.objects.get(pk=case.pk).status == "plan_drafted"


def test_a_review_proposing_closure_waits_for_the_chairman_who_may_close_or_send_it_back(case, users):
    case = to_review(case, users, "close")
    with pytest.raises(ValidationError, match="chờ Chủ tịch"):
        take(case, "draft_plan", users["officer"])
    assert awaiting_decision_count(user=users["chairman"]) == 1
    assert [s.action for s in steps_open_to(case, users["chairman"])] == ["close", "return_to_planning"]
    with pytest.raises(ValidationError) as error:
        take(case, "return_to_planning", users["chairman"], text=" ")
    assert "text" in error.value.error_dict
    take(case, "return_to_planning", users["chairman"], text="Trẻ chưa đi học lại")
    case.refresh_from_db()
    assert case.status == "detailed" and case.recommendation == ""
    take(case, "draft_plan", users["officer"])


def test_the_chairman_may_send_a_drafted_plan_back_with_a_reason_and_the_officer_drafts_again(case, users, client_for):
    case = walk(case, users, 3)  # the plan is drafted
    assert [s.action for s in steps_open_to(case, users["chairman"])] == ["approve_plan", "return_plan"]
    chairman = client_for(users["chairman"])
    page = chairman.get(reverse("cases:step", args=[case.pk, "approve_plan"])).content.decode()
    # Both answers on the approval page; its button says what it does.
    assert reverse("cases:step", args=[case.pk, "return_plan"]) in page
    assert ">Phê duyệt kế hoạch</button>" in page
    url = reverse("cases:step", args=[case.pk, "return_plan"])
    refused = chairman.post(url, {"version": case.version, "text": "  "})
    assert refused.status_code == 200 and "Lý do trả lại kế hoạch" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "plan_drafted"
    before = timezone.now()
    response = chairman.post(url, {"version": case.version, "text": "Chưa nêu ai đưa trẻ đi khám"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "detailed" and case.replan_from >= before
    assert case.timeline.last().text == "Chưa nêu ai đưa trẻ đi khám"
    # The decision is taken: the case leaves the chairman's list of decisions, and the officer drafts again, its
    # delay counted from the request.
    assert awaiting_decision_count(user=users["chairman"]) == 0
    assert chairman.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert [s.action for s in steps_open_to(case, users["officer"])] == ["draft_plan"]
    take(case, "draft_plan", users["officer"])
    assert case.status == "plan_drafted" and awaiting_decision_count(user=users["chairman"]) == 1


def test_a_refused_step_names_the_step_not_its_code(case, users):
    with pytest.raises(ValidationError) as error:
        take(case, "approve_plan", users["chairman"])
    assert "“Phê duyệt kế hoạch”" in str(error.value) and "approve_plan" not in str(error.value)


# --- communes --------------------------------------------------------------------------------------------


def test_an_officer_of_another_commune_can_take_no_step_and_write_nothing(case, users, other_commune):
    stranger = UserFactory(username="officer-x", role=Role.OFFICER, commune=other_commune)
    with pytest.raises(PermissionDenied):
        take(case, "assess", stranger)
    health = case.commune.units.get(code="tram-y-te")
    with pytest.raises(PermissionDenied):
        case_assign(case=case, unit=health, by=stranger, tasks=[("Khám", timezone.localdate())])
    task = case_assign(case=case, unit=health, by=users["officer"], tasks=[("Khám", timezone.localdate())]).tasks.get()
    with pytest.raises(PermissionDenied):
        task_result(task=task, by=stranger, result="x")
    with pytest.raises(PermissionDenied):
        case_note(case=case, by=stranger, text="x")
    assert steps_open_to(case, stranger) == []
    assert Case.objects.get(pk=case.pk).status == "intake"


# --- stale saves -----------------------------------------------------------------------------------------


def test_a_stale_save_names_who_took_the_last_step_even_after_a_later_note(case, users, commune):
    second = UserFactory(username="officer-2", role=Role.OFFICER, commune=commune, full_name="Phạm Thị Hai")
    stale = case.version
    case_step(case=case, action="assess", by=second, expected_version=stale, data=valid_form("assess"))
    case_note(case=case, by=users["officer"], text="Ghi chú sau")  # a note is not a step
    with pytest.raises(ConcurrentEdit, match="Phạm Thị Hai"):
        case_step(case=case, action="assess", by=users["officer"], expected_version=stale, data=valid_form("assess"))


# --- statistics ------------------------------------------------------------------------------------------


def test_a_plan_made_again_is_not_counted_as_a_second_late_approval(case, users):
    case = to_review(case, users, "plan_again")
    take(case, "draft_plan", users["officer"])
    take(case, "approve_plan", users["chairman"])
    stats = case_statistics(user=users["officer"], year=timezone.localdate().year)
    assert (stats.plans_approved, stats.plans_on_time) == (1, 1)


# --- pages -------------------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_printed_file_names_the_reporter_only_in_the_officers_copy(case, users, client_for, commune):
    case_assign(case=case, unit=commune.units.get(code="tram-y-te"), by=users["officer"],
                tasks=[("Khám", timezone.localdate())])  # fmt: skip
    url = reverse("cases:case-file", args=[case.pk])
    officer_copy = _pdf_text(client_for(users["officer"]).get(url).content)
    unit_copy = _pdf_text(client_for(users["health"]).get(url).content)
    assert REPORTER in officer_copy and REPORTER_CONTACT in officer_copy
    assert DESCRIPTION in unit_copy and REPORTER not in unit_copy and REPORTER_CONTACT not in unit_copy


def test_the_note_and_task_pages_are_logged_like_the_case_page(case, users, client_for, commune):
    task = case_assign(case=case, unit=commune.units.get(code="tram-y-te"), by=users["officer"],
                       tasks=[("Khám", timezone.localdate())]).tasks.get()  # fmt: skip
    client_for(users["health"]).get(reverse("cases:note", args=[case.pk]))
    client_for(users["health"]).get(reverse("cases:task", args=[task.pk]))
    assert AccessLog.objects.filter(object_type="cases.case", object_id=case.pk, user=users["health"]).count() == 2


def test_an_odd_concern_number_is_not_found_rather_than_an_error(users, client_for):
    assert client_for(users["officer"]).get(reverse("cases:intake"), {"lo-ngai": "abc"}).status_code == 404


def test_an_oversized_upload_is_refused_before_its_body_is_read(case, users, settings, monkeypatch):
    settings.CASE_ATTACHMENT_MAX_BYTES = 1024

    def body_read(self):
        raise AssertionError("the multipart body was read")

    monkeypatch.setattr(MultiPartParser, "parse", body_read)
    # CSRF checks on, as in a browser: CsrfViewMiddleware reads a POST's form (for its token) before the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["officer"])
    url = reverse("cases:attach", args=[case.pk])
    client.get(url)
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE: a smaller body is read in memory by HostileInputMiddleware anyway.
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 3_000_000, content_type="application/pdf")
    page = client.post(url, {"upload": big, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, follow=True)
    assert page.redirect_chain == [(url, 302)]
    assert "Tệp lớn hơn mức 1,0\xa0KB cho phép." in page.content.decode()
    assert not case.attachments.exists()


def test_a_new_plan_asked_for_after_a_review_has_its_deadlines_from_that_request(case, users):
    from cases.deadlines import next_deadline

    Case.objects.filter(pk=case.pk).update(received_at=timezone.now() - timedelta(days=40))
    case = to_review(case, users, "plan_again")
    deadline = next_deadline(case)
    # Without the re-plan date the draft would have been due 5 working days after a receipt 40 days ago.
    assert deadline.label == "Xây dựng kế hoạch hỗ trợ, can thiệp" and not deadline.overdue
    assert deadline.due_at.date() > timezone.localdate()


def test_the_officer_cannot_move_past_a_pending_emergency_decision(case, users):
    take(case, "assess", users["officer"], data=valid_form("assess", immediate_danger=True))
    case.refresh_from_db()
    assert steps_open_to(case, users["officer"]) == []
    with pytest.raises(ValidationError, match="chờ Chủ tịch quyết định bảo vệ khẩn cấp"):
        take(case, "detail", users["officer"])
    assert awaiting_decision_count(user=users["chairman"]) == 1
    take(case, "emergency", users["chairman"])
    take(case, "detail", users["officer"])


def test_a_unit_opens_and_records_only_its_own_tasks_on_a_shared_case(case, users, client_for, commune):
    today = timezone.localdate()
    health_task = case_assign(case=case, unit=commune.units.get(code="tram-y-te"), by=users["officer"],
                              tasks=[("Khám", today)]).tasks.get()  # fmt: skip
    case_assign(case=case, unit=commune.units.get(code="truong-th"), by=users["officer"], tasks=[("Đến lớp", today)])
    school = client_for(users["school"])
    page = school.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:task", args=[health_task.pk]) not in page
    assert school.get(reverse("cases:task", args=[health_task.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        task_result(task=health_task, by=users["school"], result="x")


# --- one declaration, read by the database and by Python ------------------------------------------------------


def test_the_rules_give_the_same_answer_as_a_query_and_on_one_case(open_case):
    """Every status with every flag that matters: the database's answer (the list, the counts) and the case's own
    (the refusals, the case page) agree, for the chairman's waiting decisions and for each step."""
    combinations = [(s, d, r) for s in Case.Status for d in (None, False, True) for r in ("", "close", "plan_again")]
    cases = {}
    for status, danger, recommendation in combinations:
        case = open_case()
        Case.objects.filter(pk=case.pk).update(status=status, immediate_danger=danger, recommendation=recommendation)
        cases[case.pk] = (status, danger, recommendation)
    loaded = list(Case.objects.filter(pk__in=cases))
    awaiting = set(Case.objects.filter(AWAITING_CHAIRMAN).values_list("pk", flat=True))
    assert awaiting == {c.pk for c in loaded if awaits_chairman(c)}
    # As the law has it: emergency protection for a child in danger, the plan's approval, a proposed closure.
    assert {cases[pk] for pk in awaiting} == (
        {("assessed", True, r) for r in ("", "close", "plan_again")}
        | {("plan_drafted", d, r) for d in (None, False, True) for r in ("", "close", "plan_again")}
        | {("reviewed", d, "close") for d in (None, False, True)}
    )
    for step in STEPS.values():
        where_open = set(Case.objects.filter(step.where_open).values_list("pk", flat=True))
        assert where_open == {c.pk for c in loaded if step.open_on(c)}, step.action


def test_a_condition_the_rules_cannot_check_on_one_case_is_refused_not_guessed(case):
    assert holds(Q(status__in=["intake"]) & ~Q(immediate_danger=True), case)
    with pytest.raises(ValueError, match="received_at__gte"):
        holds(Q(received_at__gte=timezone.now()), case)


# --- what get_case_for_user answers ----------------------------------------------------------------------


def test_the_case_comes_with_what_each_user_may_do_on_it(case, users, commune):
    health = commune.units.get(code="tram-y-te")
    case_assign(case=case, unit=health, by=users["officer"], tasks=[("Khám", timezone.localdate())])
    take(case, "assess", users["officer"], data=valid_form("assess", immediate_danger=True))
    officer = get_case_for_user(user=users["officer"], pk=case.pk)
    assert (officer.can_read_reporter, officer.can_contribute, officer.can_assign) == (True, True, True)
    assert officer.steps == ()  # the chairman decides first
    assert officer.step("detail") == STEPS["detail"]  # its page opens and says why it is refused
    with pytest.raises(PermissionDenied):
        officer.step("emergency")
    chairman = get_case_for_user(user=users["chairman"], pk=case.pk)
    assert [s.action for s in chairman.steps] == ["emergency"]
    assert (chairman.can_read_reporter, chairman.can_contribute, chairman.can_assign) == (False, False, False)
    unit = get_case_for_user(user=users["health"], pk=case.pk)
    assignment = case.assignments.get()
    assert (unit.can_read_reporter, unit.can_contribute, unit.can_assign, unit.steps) == (False, True, False, ())
    assert unit.records_results_of(assignment) and officer.records_results_of(assignment)
    assert not chairman.records_results_of(assignment)
    with pytest.raises(Http404):
        get_case_for_user(user=users["school"], pk=case.pk)
    take(case, "emergency", users["chairman"])
    with pytest.raises(Http404):  # decided: no longer the chairman's to read
        get_case_for_user(user=users["chairman"], pk=case.pk)
