"""Collaborators' household updates, end to end: submit -> approve -> registry changed (history linked);
reject -> registry unchanged; resubmission is idempotent; scoping; changes that no longer fit."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.services import case_open
from children import rules, services
from children.household_updates import (
    RECEIVERS,
    AlreadyReviewed,
    InvalidUpdate,
    ReceivedElsewhere,
    Receiver,
    receive_at,
    update_approve,
    update_mark_received,
    update_reject,
    update_submit,
)
from children.models import (
    BirthRegistration,
    Child,
    CircumstanceMembership,
    Death,
    Disability,
    GrowthMeasurement,
    HouseholdUpdate,
    SchoolEnrolment,
)
from children.selectors import child_history, current_school_year, queue_counts
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)


def dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@pytest.fixture
def household(hamlet_a):
    return HouseholdFactory(hamlet=hamlet_a, code="01-050", head="Lê Văn Hải")


@pytest.fixture
def child(household):
    return ChildFactory(household=household, full_name="Lê Thị Thu", date_of_birth=TODAY - timedelta(days=3 * 365))


@pytest.fixture
def enrolled(child):
    return SchoolEnrolment.objects.create(
        child=child, school_year=current_school_year(TODAY), level="kindergarten", school="MN Tân Lợi"
    )


def submit(users, household, kind, data, client_id=None):
    return update_submit(
        user=users["ctv_a"], household=household, kind=kind, data=data, client_id=client_id or uuid.uuid4()
    )


def test_new_birth_approved_creates_the_child_and_its_registration(users, household):
    data = {"full_name": "Lê Văn Bé", "sex": "M", "date_of_birth": dmy(YESTERDAY), "birth_registered": "True"}
    update = submit(users, household, "new_birth", data)
    assert update.state == "waiting" and not Child.objects.filter(full_name="Lê Văn Bé").exists()
    update_approve(update=update, by=users["officer"])
    born = Child.objects.get(full_name="Lê Văn Bé")
    assert born.household == household and born.date_of_birth == YESTERDAY
    assert BirthRegistration.objects.filter(child=born).exists()
    update.refresh_from_db()
    assert update.state == "approved" and update.result_child == born and update.reviewed_by == users["officer"]
    # The child's history names the submission that made the change.
    assert born.history.get().history_change_reason == f"household-update:{update.pk}"
    assert child_history(child=born)[-1].update_pk == update.pk


def test_moved_in_creates_the_child_with_its_arrival_date(users, household):
    data = {"full_name": "Trần Thị Na", "sex": "F", "date_of_birth": "01/02/2015", "moved_in_on": dmy(YESTERDAY)}
    update_approve(update=submit(users, household, "moved_in", data), by=users["officer"])
    assert Child.objects.get(full_name="Trần Thị Na").moved_in_on == YESTERDAY


def test_moved_away(users, household, child):
    update = submit(users, household, "moved_away", {"child": child.pk, "moved_on": dmy(YESTERDAY)})
    update_approve(update=update, by=users["officer"])
    child.refresh_from_db()
    assert (child.status, child.status_date) == ("moved_away", YESTERDAY)
    assert child_history(child=child)[0].update_pk == update.pk


def test_death(users, household, child):
    update = submit(users, household, "death", {"child": child.pk, "died_on": dmy(YESTERDAY), "cause": "injury"})
    update_approve(update=update, by=users["officer"])
    child.refresh_from_db()
    assert child.status == "deceased" and Death.objects.get(child=child).cause == "injury"


def test_school_dropout_and_return(users, household, child, enrolled):
    data = {"child": child.pk, "dropped_on": dmy(YESTERDAY), "reason": "Theo mẹ đi làm xa"}
    update_approve(update=submit(users, household, "school_dropout", data), by=users["officer"])
    enrolled.refresh_from_db()
    assert (enrolled.status, enrolled.dropout_reason) == ("dropped_out", "Theo mẹ đi làm xa")
    back = {"child": child.pk, "returned_on": dmy(TODAY), "level": "kindergarten", "school": "MN Tân Lợi"}
    update_approve(update=submit(users, household, "school_return", back), by=users["officer"])
    enrolled.refresh_from_db()
    assert (enrolled.status, enrolled.status_date, enrolled.dropout_reason) == ("enrolled", None, "")


def test_a_dropout_without_any_enrolment_this_year_is_explained_and_changes_nothing(users, household, child):
    update = submit(users, household, "school_dropout", {"child": child.pk, "dropped_on": dmy(TODAY), "reason": "x"})
    with pytest.raises(ValidationError, match="Chưa ghi việc học"):
        update_approve(update=update, by=users["officer"])
    update.refresh_from_db()
    assert update.state == "waiting" and not SchoolEnrolment.objects.exists()


def test_growth_measurement(users, household, child):
    data = {"child": child.pk, "measured_on": dmy(YESTERDAY), "weight_kg": "13,2", "height_cm": "94"}
    update_approve(update=submit(users, household, "growth", data), by=users["officer"])
    measurement = GrowthMeasurement.objects.get(child=child)
    assert measurement.weight_kg == Decimal("13.2") and measurement.waz is not None
    latest = child_history(child=child)[0]
    assert latest.what == "cân đo" and latest.update_pk == HouseholdUpdate.objects.get().pk


def test_special_circumstance(users, household, child):
    data = {"child": child.pk, "group": "4", "started_on": dmy(YESTERDAY), "notes": "Khó nghe"}
    update_approve(update=submit(users, household, "special_circumstance", data), by=users["officer"])
    assert CircumstanceMembership.objects.get(child=child).group.number == 4


def test_disability_needs_the_officer_to_set_the_degree(users, household, child):
    data = {"child": child.pk, "kind": "hearing_speech", "severity": "", "noticed_on": dmy(YESTERDAY), "notes": ""}
    update = submit(users, household, "disability", data)
    with pytest.raises(ValidationError, match="mức độ"):
        update_approve(update=update, by=users["officer"])
    assert not Disability.objects.exists()
    update_approve(update=update, by=users["officer"], edited={**data, "severity": "mild"})
    update.refresh_from_db()
    assert Disability.objects.get(child=child).severity == "mild"
    # Both versions are kept: what the collaborator sent and what the officer applied.
    assert (
        update.edited_by_officer and update.payload["severity"] == "" and update.applied_payload["severity"] == "mild"
    )


def test_the_review_page_shows_the_proposal_as_sent_beside_what_the_officer_applied(
    users, household, child, client_for
):
    data = {"child": child.pk, "kind": "hearing_speech", "severity": "", "noticed_on": dmy(YESTERDAY), "notes": ""}
    update = submit(users, household, "disability", data)
    update_approve(update=update, by=users["officer"], edited={**data, "severity": "mild"})
    page = client_for(users["officer"]).get(reverse("children:review-detail", args=[update.pk])).content.decode()
    sent, applied = page.split("Cán bộ đã sửa và áp dụng")
    assert "Chưa rõ" in sent and "Nhẹ" in applied.split("</table>")[0]


@pytest.mark.parametrize("kind, data", [("safety_concern", {"urgent": "True", "description": "Thấy vết bầm"}),
                                        ("note", {"text": "Gia đình đi làm rẫy cả tuần"})])  # fmt: skip
def test_concerns_and_notes_are_acknowledged_without_touching_the_registry(users, household, child, kind, data):
    before = (Child.objects.count(), Child.history.count())
    update = submit(users, household, kind, data)
    if kind == "safety_concern":
        # A concern is acknowledged only by the case it becomes.
        with pytest.raises(ReceivedElsewhere):
            update_approve(update=update, by=users["officer"])
        assert HouseholdUpdate.objects.get(pk=update.pk).state == "waiting"
        case_open(child=child, concern="violence", channel="collaborator", received_at=update.submitted_at,
                  description="Thấy vết bầm", by=users["officer"], from_update=update)  # fmt: skip
    else:
        update_approve(update=update, by=users["officer"])
    update.refresh_from_db()
    assert update.state == "approved" and (Child.objects.count(), Child.history.count()) == before


def test_reject_needs_a_reason_and_leaves_the_registry_unchanged(users, household):
    data = {"full_name": "Đỗ Văn Mới", "sex": "M", "date_of_birth": dmy(YESTERDAY), "birth_registered": "False"}
    update = submit(users, household, "new_birth", data)
    with pytest.raises(ValidationError):
        update_reject(update=update, by=users["officer"], reason="  ")
    update_reject(update=update, by=users["officer"], reason="Trẻ này đã được ghi ở hộ 01-051")
    update.refresh_from_db()
    assert update.state == "rejected" and "01-051" in update.review_reason
    assert not Child.objects.filter(full_name="Đỗ Văn Mới").exists()
    with pytest.raises(AlreadyReviewed):
        update_approve(update=update, by=users["officer"])


def test_the_same_form_sent_twice_makes_one_submission(users, household):
    client_id = uuid.uuid4()
    data = {"text": "Mất điện cả ấp"}
    first = submit(users, household, "note", data, client_id)
    again = submit(users, household, "note", data, client_id)
    assert first.pk == again.pk and HouseholdUpdate.objects.count() == 1


def test_approving_twice_applies_once(users, household):
    data = {"full_name": "Hồ Văn Một", "sex": "M", "date_of_birth": dmy(YESTERDAY), "birth_registered": "False"}
    update = submit(users, household, "new_birth", data)
    update_approve(update=update, by=users["officer"])
    with pytest.raises(AlreadyReviewed, match="đã được"):
        update_approve(update=update, by=users["officer"])
    assert Child.objects.filter(full_name="Hồ Văn Một").count() == 1


def test_a_change_that_no_longer_fits_is_explained_and_changes_nothing(users, household, child):
    update = submit(users, household, "moved_away", {"child": child.pk, "moved_on": dmy(YESTERDAY)})
    services.child_record_death(child=child, died_on=YESTERDAY, cause="illness", by=users["officer"])
    with pytest.raises(ValidationError, match="Đã mất"):
        update_approve(update=update, by=users["officer"])
    update.refresh_from_db()
    child.refresh_from_db()
    assert update.state == "waiting" and child.status == "deceased"


def test_invalid_fields_are_refused_with_vietnamese_messages(users, household, child):
    future = dmy(TODAY + timedelta(days=5))
    with pytest.raises(InvalidUpdate) as error:
        submit(users, household, "growth", {"child": child.pk, "measured_on": future, "weight_kg": "", "height_cm": ""})
    errors = error.value.form.errors
    assert "Ngày không được ở tương lai." in errors["measured_on"]
    assert not HouseholdUpdate.objects.exists()


def test_a_household_of_another_hamlet_is_refused(users, hamlet_b):
    elsewhere = HouseholdFactory(hamlet=hamlet_b)
    with pytest.raises(PermissionDenied):
        submit(users, elsewhere, "note", {"text": "x"})


def test_a_child_of_another_household_cannot_be_named(users, household, hamlet_b):
    stranger = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b))
    with pytest.raises(InvalidUpdate):
        submit(users, household, "moved_away", {"child": stranger.pk, "moved_on": dmy(YESTERDAY)})


def test_queue_counts_waiting_and_the_oldest(users, household):
    submit(users, household, "note", {"text": "một"})
    submit(users, household, "note", {"text": "hai"})
    HouseholdUpdate.objects.filter(payload__text="một").update(submitted_at=timezone.now() - timedelta(days=3))
    counts = queue_counts(user=users["officer"])
    assert counts.waiting == 2 and counts.by_kind == {"note": 2}
    assert timezone.now() - counts.oldest_waiting_at >= timedelta(days=3)


# --- through the pages ----------------------------------------------------------------------------------


def test_collaborator_submits_through_the_page_and_a_crafted_post_for_another_hamlet_is_refused(
    users, client_for, household, hamlet_b
):
    client = client_for(users["ctv_a"])
    form_url = reverse("children:report-form", args=[household.pk, "note"])
    page = client.get(form_url).content.decode()
    assert 'name="client_id"' in page
    client_id = str(uuid.uuid4())
    response = client.post(form_url, {"client_id": client_id, "text": "Nhà có người ốm"})
    assert response.status_code == 302 and response.url == reverse("children:my-updates")
    assert client.post(form_url, {"client_id": client_id, "text": "Nhà có người ốm"}).status_code == 302
    assert HouseholdUpdate.objects.count() == 1
    elsewhere = HouseholdFactory(hamlet=hamlet_b)
    crafted = client.post(
        reverse("children:report-form", args=[elsewhere.pk, "note"]), {"client_id": str(uuid.uuid4()), "text": "x"}
    )
    assert crafted.status_code == 404 and HouseholdUpdate.objects.count() == 1
    mine = client.get(reverse("children:my-updates")).content.decode()
    assert "Ghi chú khác" in mine and "Chờ duyệt" in mine


def test_invalid_page_submission_keeps_what_was_typed(users, client_for, household):
    url = reverse("children:report-form", args=[household.pk, "new_birth"])
    data = {"client_id": str(uuid.uuid4()), "full_name": "Nguyễn Bé", "sex": "F", "date_of_birth": "31/02/2026"}
    content = client_for(users["ctv_a"]).post(url, data).content.decode()
    assert 'value="Nguyễn Bé"' in content and 'value="31/02/2026"' in content and "Nhập một ngày hợp lệ" in content
    assert not HouseholdUpdate.objects.exists()


def test_officer_reviews_with_the_current_record_beside_the_proposal(users, client_for, household, child):
    update = submit(users, household, "moved_away", {"child": child.pk, "moved_on": dmy(YESTERDAY)})
    client = client_for(users["officer"])
    page = client.get(reverse("children:review-detail", args=[update.pk])).content.decode()
    assert "Lê Thị Thu" in page and "Đang sống tại xã" in page and dmy(YESTERDAY) in page
    queue = client.get(reverse("children:review-queue")).content.decode()
    assert "Trẻ chuyển đi" in queue
    assert client.post(reverse("children:review-detail", args=[update.pk]), {"action": "approve"}).status_code == 302
    child.refresh_from_db()
    assert child.status == "moved_away"
    again = client.post(reverse("children:review-detail", args=[update.pk]), {"action": "approve"}, follow=True)
    assert "đã được" in again.content.decode()


def test_officer_rejects_from_the_page_and_the_collaborator_reads_the_reason(users, client_for, household):
    update = submit(users, household, "note", {"text": "x"})
    officer = client_for(users["officer"])
    empty = officer.post(reverse("children:review-detail", args=[update.pk]), {"action": "reject", "reason": ""})
    assert "Ghi lý do" in empty.content.decode()
    officer.post(reverse("children:review-detail", args=[update.pk]), {"action": "reject", "reason": "Ghi rõ hơn"})
    mine = client_for(users["ctv_a"]).get(reverse("children:my-updates")).content.decode()
    assert "Không được duyệt" in mine and "Ghi rõ hơn" in mine


def test_collaborators_cannot_review_and_officers_of_another_commune_cannot_see(
    users, client_for, household, other_commune
):
    from tests.factories import UserFactory

    update = submit(users, household, "note", {"text": "x"})
    url = reverse("children:review-detail", args=[update.pk])
    assert client_for(users["ctv_a"]).post(url, {"action": "approve"}).status_code == 403
    outsider = UserFactory(username="officer-2", role="officer", commune=other_commune)
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(users["ctv_b"]).get(reverse("children:my-updates")).context["page"].paginator.count == 0


def test_officer_home_shows_the_waiting_count(users, client_for, household):
    submit(users, household, "note", {"text": "x"})
    page = client_for(users["officer"]).get(reverse("home-officer"))
    assert page.context["queue"].waiting == 1 and "1 cập nhật của cộng tác viên chờ duyệt" in page.content.decode()


def test_review_queue_queries_do_not_grow_with_the_number_of_updates(
    users, client_for, household, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["officer"])
    for i in range(3):
        submit(users, household, "note", {"text": f"{i}"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("children:review-queue"))
    for i in range(30):
        submit(users, household, "note", {"text": f"thêm {i}"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("children:review-queue"))


def test_a_resend_with_changed_content_is_not_silently_dropped(users, client_for, household):
    client = client_for(users["ctv_a"])
    url = reverse("children:report-form", args=[household.pk, "note"])
    client_id = str(uuid.uuid4())
    client.post(url, {"client_id": client_id, "text": "Lần một"})
    page = client.post(url, {"client_id": client_id, "text": "Lần hai, đã sửa"})
    content = page.content.decode()
    assert page.status_code == 200 and "đã được gửi lúc" in content and "Lần hai, đã sửa" in content
    assert client_id not in content  # a new id: the next send is a new report
    new_id = page.context["client_id"]
    client.post(url, {"client_id": str(new_id), "text": "Lần hai, đã sửa"})
    assert sorted(HouseholdUpdate.objects.values_list("payload__text", flat=True)) == ["Lần hai, đã sửa", "Lần một"]


def test_a_birth_already_in_the_household_is_not_created_twice(users, household):
    existing = ChildFactory(household=household, full_name="Lê Văn Bé", date_of_birth=YESTERDAY)
    data = {"full_name": "Le Van Be", "sex": "M", "date_of_birth": dmy(YESTERDAY), "birth_registered": "False"}
    update = submit(users, household, "new_birth", data)
    with pytest.raises(ValidationError, match="Hộ đã có trẻ Lê Văn Bé"):
        update_approve(update=update, by=users["officer"])
    assert list(household.children.values_list("pk", flat=True)) == [existing.pk]


def test_the_page_tells_the_script_where_a_stored_report_lands(users, client_for, household):
    page = client_for(users["ctv_a"]).get(reverse("children:report-form", args=[household.pk, "note"]))
    assert f'data-sent-url="{reverse("children:my-updates")}"' in page.content.decode()


def test_an_implausible_growth_report_is_approved_only_once_the_officer_confirms_it(
    users, household, child, client_for
):
    # A 3-year-old of 40 kg: beyond WHO's plausibility limit for weight-for-age.
    data = {"child": child.pk, "measured_on": dmy(YESTERDAY), "weight_kg": "40", "height_cm": "94"}
    with pytest.raises(InvalidUpdate):  # the collaborator is asked first
        submit(users, household, "growth", data)
    update = submit(users, household, "growth", {**data, "confirm_implausible": "on"})
    officer = client_for(users["officer"])
    url = reverse("children:review-detail", args=[update.pk])
    # The review says so before the officer presses anything, in the collaborator's words, and asks to confirm.
    page = officer.get(url).content.decode()
    assert "trẻ 3 tuổi" not in page  # under five: in months (1,095 days: 35 months)
    assert "cân nặng 40 kg không hợp với trẻ 35 tháng tuổi" in page
    assert "Cộng tác viên đã kiểm tra lại và vẫn gửi." in page and 'id="confirm-approve"' in page
    refused = officer.post(url, {"action": "approve"}).content.decode()
    assert "Số đo có vẻ chưa đúng: cân nặng 40 kg" in refused and 'name="confirm_implausible"' in refused
    update.refresh_from_db()
    assert update.state == "waiting" and not GrowthMeasurement.objects.exists()
    assert officer.post(url, {"action": "approve", "confirm_implausible": "1"}).status_code == 302
    measurement = GrowthMeasurement.objects.get(child=child)
    assert measurement.confirmed_implausible and "waz" in measurement.flags
    update.refresh_from_db()
    assert update.state == "approved"


def test_a_safety_concern_is_received_as_a_case_never_just_filed(users, household, child, client_for):
    data = {"child": str(child.pk), "urgent": "True", "description": "Thấy trẻ bị đánh"}
    update = submit(users, household, "safety_concern", data)
    officer = client_for(users["officer"])
    url = reverse("children:review-detail", args=[update.pk])
    page = officer.get(url).content.decode()
    assert f"?lo-ngai={update.pk}" in page and 'value="approve"' not in page
    for action in ("approve", "edit_approve"):
        response = officer.post(url, {"action": action})
        assert response.status_code == 302 and response.url == f"{reverse('cases:intake')}?lo-ngai={update.pk}"
    update.refresh_from_db()
    assert update.state == "waiting"
    # Counted once on the officer's home: as a concern, not again among the reports to review.
    assert queue_counts(user=users["officer"]).waiting == 0
    home = officer.get(reverse("home-officer")).content.decode()
    assert "1 lo ngại về an toàn của trẻ chờ tiếp nhận" in home and "0 cập nhật của cộng tác viên chờ duyệt" in home


def test_a_safety_concern_is_marked_received_once_by_whoever_receives_it(users, household, child):
    update = submit(
        users, household, "safety_concern", {"child": str(child.pk), "urgent": "False", "description": "Thấy vết bầm"}
    )
    before = (Child.objects.count(), Child.history.count())
    received = update_mark_received(update=update, by=users["officer"])
    assert (received.state, received.reviewed_by, received.result_child) == ("approved", users["officer"], child)
    assert (Child.objects.count(), Child.history.count()) == before
    with pytest.raises(AlreadyReviewed):
        update_mark_received(update=update, by=users["officer"])
    note = submit(users, household, "note", {"text": "Gia đình đi làm rẫy"})
    with pytest.raises(ValueError, match="update_approve"):
        update_mark_received(update=note, by=users["officer"])  # the registry's own kinds are approved
    with pytest.raises(ValueError, match="approved in the registry"):
        receive_at("growth", Receiver("children:review-queue", "x", "x"))
    # The page that receives concerns is declared by the app above (cases), not named by the registry.
    assert RECEIVERS["safety_concern"].url_name == "cases:intake"


def test_a_concern_about_a_child_no_longer_living_is_not_received(users, household, child):
    update = submit(
        users, household, "safety_concern", {"child": str(child.pk), "urgent": "False", "description": "Thấy vết bầm"}
    )
    services.child_record_death(child=child, died_on=YESTERDAY, cause="illness", by=users["officer"])
    with pytest.raises(ValidationError, match="Không thể duyệt"):
        case_open(child=child, concern="violence", channel="collaborator", received_at=update.submitted_at,
                  description="Thấy vết bầm", by=users["officer"], from_update=update)  # fmt: skip
    assert HouseholdUpdate.objects.get(pk=update.pk).state == "waiting" and not child.cases.exists()


def test_the_registry_names_no_case():
    """The registry knows nothing of the app above that turns a concern into a case: no class, function, argument,
    attribute or variable of children/ is about a case, and no string names the cases app (DESIGN 1)."""
    import ast
    import re
    from pathlib import Path

    from django.conf import settings

    found = []
    for path in sorted((Path(settings.BASE_DIR) / "children").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Name | ast.FunctionDef | ast.ClassDef | ast.arg | ast.keyword):
                names = [getattr(node, "id", None) or getattr(node, "name", None) or getattr(node, "arg", None)]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.alias):
                names = [node.name, node.asname]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            elif (
                isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"\bcases[:.]", node.value)
            ):
                found.append(f"{path.name}: {node.value[:60]!r}")
            for name in filter(None, names):
                words = re.findall(r"[a-z]+|[A-Z][a-z]*", name.replace(".", "_"))
                if {w.lower() for w in words} & {"case", "cases"}:
                    found.append(f"{path.name}: {name}")
    assert found == []


def test_saving_the_proposal_unchanged_through_the_edit_form_is_not_an_edit(users, household, child):
    data = {"child": child.pk, "measured_on": dmy(YESTERDAY), "weight_kg": "13,2", "height_cm": "94"}
    update = submit(users, household, "growth", data)
    update_approve(update=update, by=users["officer"], edited=dict(data))
    update.refresh_from_db()
    assert not update.edited_by_officer and update.applied_payload is None


def test_a_refused_edit_is_confirmed_on_the_edit_form_with_the_officers_numbers(users, household, child, client_for):
    data = {"child": child.pk, "measured_on": dmy(YESTERDAY), "weight_kg": "14", "height_cm": "94"}
    update = submit(users, household, "growth", data)
    officer = client_for(users["officer"])
    url = reverse("children:review-detail", args=[update.pk])
    edited = {**data, "weight_kg": "40", "action": "edit_approve"}
    page = officer.post(url, edited).content.decode()
    approve_form, edit_form = page.split('value="edit_approve"')
    assert 'name="confirm_implausible"' not in approve_form.split('value="approve"')[-1]
    assert 'name="confirm_implausible"' in edit_form and 'value="40"' in edit_form
    assert officer.post(url, {**edited, "confirm_implausible": "1"}).status_code == 302
    assert GrowthMeasurement.objects.get(child=child).weight_kg == Decimal("40")
    update.refresh_from_db()
    assert update.payload["weight_kg"] == "14" and update.applied_payload["weight_kg"] == "40"


def test_the_review_page_shows_figures_with_a_decimal_comma(users, client_for, household, child):
    services.fact_save(
        fact=GrowthMeasurement(child=child, measured_on=YESTERDAY - timedelta(days=30), weight_kg=Decimal("6.99"),
                               height_cm=Decimal("65.5")),
        by=users["officer"], confirm_implausible=True,
    )  # fmt: skip
    data = {"child": child.pk, "measured_on": dmy(YESTERDAY), "weight_kg": "7,25", "height_cm": "66,5"}
    update = submit(users, household, "growth", {**data, "confirm_implausible": "on"})  # small for 3 years
    page = client_for(users["officer"]).get(reverse("children:review-detail", args=[update.pk])).content.decode()
    assert "6,99 kg, 65,5 cm" in page and "7,25" in page and "66,5" in page
    assert "6.99" not in page and "7.25" not in page and "65.5" not in page


def test_a_measurement_out_of_bounds_is_explained_with_a_decimal_comma(users, household, child):
    data = {"child": child.pk, "measured_on": dmy(YESTERDAY), "weight_kg": "0,3", "height_cm": ""}
    with pytest.raises(InvalidUpdate) as error:
        submit(users, household, "growth", data)
    # The same words as the child page's form (the measurement's own bounds, children.rules).
    assert error.value.form.errors["weight_kg"] == ["Ngoài giới hạn sinh lý (0,5-150 kg)."]
    with pytest.raises(ValidationError) as on_the_child_page:
        services.fact_save(
            fact=GrowthMeasurement(child=child, measured_on=YESTERDAY, weight_kg=Decimal("0.3")), by=None
        )
    assert on_the_child_page.value.message_dict["weight_kg"] == ["Ngoài giới hạn sinh lý (0,5-150 kg)."]


def test_the_sent_page_makes_the_same_number_of_queries_for_more_updates(
    users, client_for, household, child, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def send(n):
        for i in range(n):
            submit(users, household, "note", {"text": f"ghi chú {i}"})
            submit(users, household, "moved_away", {"child": child.pk, "moved_on": dmy(YESTERDAY)})
            birth = {
                "full_name": f"Lê Văn Số {i}",
                "sex": "M",
                "date_of_birth": dmy(YESTERDAY),
                "birth_registered": "False",
            }
            update = submit(users, household, "new_birth", birth)
            update_reject(update=update, by=users["officer"], reason="Trùng")

    client = client_for(users["ctv_a"])
    send(2)
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("children:my-updates")).content.decode()
    assert "Lê Văn Số 1" in page and "Lê Thị Thu" in page and "Trùng" in page
    send(15)  # 51 updates: a full page of 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("children:my-updates"))
    assert len(response.context["page"]) == 30


@pytest.mark.parametrize(
    ("kind", "data", "nothing", "button"),
    [
        ("note", {"text": "Gia đình khó khăn"}, "Ghi chú không thay đổi sổ", "Đã đọc, lưu ghi chú"),
        (
            "new_birth",
            {"full_name": "Lê Văn Bé", "sex": "M", "date_of_birth": dmy(YESTERDAY), "birth_registered": "True"},
            "Trẻ chưa có trong sổ: duyệt sẽ thêm trẻ vào hộ này.",
            "Duyệt: thêm trẻ vào sổ",
        ),
    ],
)
def test_the_review_page_speaks_of_what_each_kind_does(users, client_for, household, kind, data, nothing, button):
    update = submit(users, household, kind, data)
    page = client_for(users["officer"]).get(reverse("children:review-detail", args=[update.pk])).content.decode()
    assert nothing in page and f'type="submit">{button}</button>' in page
    assert "Chưa có trong sổ (hồ sơ mới)" not in page and ">Tiếp nhận<" not in page


def test_a_collaborator_is_told_in_plain_words_that_a_measurement_looks_wrong_and_may_still_send_it(
    users, client_for, household
):
    toddler = ChildFactory(
        household=household, full_name="Lý Văn Tí", sex="M", date_of_birth=TODAY - timedelta(days=17 * 30 + 15)
    )
    GrowthMeasurement.objects.create(
        child=toddler, measured_on=TODAY, weight_kg=Decimal("11"), height_cm=Decimal("85"), recorded_by=users["officer"]
    )
    client = client_for(users["ctv_a"])
    url = reverse("children:report-form", args=[household.pk, "growth"])
    typed = {"child": toddler.pk, "measured_on": dmy(TODAY), "weight_kg": "45", "height_cm": "60"}
    page = client.post(url, {**typed, "client_id": str(uuid.uuid4())})
    content = page.content.decode()
    assert page.status_code == 200 and not HouseholdUpdate.objects.exists()
    assert "cân nặng 45 kg không hợp với trẻ 17 tháng tuổi" in content
    assert f"chiều cao 60 cm thấp hơn lần đo ngày {dmy(TODAY)} (85 cm)" in content
    assert "Vẫn gửi: tôi đã kiểm tra lại, số đo này đúng" in content
    assert 'type="checkbox" name="confirm_implausible"' in content
    assert 'value="45"' in content and 'value="60"' in content  # what was typed is kept
    sent = client.post(url, {**typed, "confirm_implausible": "on", "client_id": str(uuid.uuid4())})
    assert sent.status_code == 302
    update = HouseholdUpdate.objects.get()
    review = client_for(users["officer"]).get(reverse("children:review-detail", args=[update.pk])).content.decode()
    assert "cân nặng 45 kg không hợp với trẻ 17 tháng tuổi" in review and "thấp hơn lần đo" in review
    assert "WAZ" not in review.split("data-entry-warnings")[1][:600]
    # A plausible measurement goes at once, without the question.
    plain = {"child": toddler.pk, "measured_on": dmy(TODAY), "weight_kg": "11,2", "height_cm": "85,5"}
    assert client.post(url, {**plain, "client_id": str(uuid.uuid4())}).status_code == 302


def test_a_new_birth_that_looks_wrong_is_questioned_sent_anyway_and_confirmed_by_the_officer(
    users, client_for, household, child
):
    # Reported as a new birth, born over 3 years ago: a mistyped year. That Lê Thị Thu (3 years old) was born
    # 2 months after it is said too.
    born = child.date_of_birth - timedelta(days=60)
    client = client_for(users["ctv_a"])
    url = reverse("children:report-form", args=[household.pk, "new_birth"])
    typed = {"full_name": "Lê Văn Bé", "sex": "M", "date_of_birth": dmy(born), "birth_registered": "False"}
    page = client.post(url, {**typed, "client_id": str(uuid.uuid4())})
    content = page.content.decode()
    assert page.status_code == 200 and not HouseholdUpdate.objects.exists()
    age = rules.age_words((TODAY - born).days)  # 37 months
    assert f"Ngày sinh có vẻ chưa đúng: ngày sinh {dmy(born)}: trẻ đã {age}, không còn là trẻ mới sinh" in content
    assert f"chỉ cách ngày sinh của Lê Thị Thu ({dmy(child.date_of_birth)}) 2 tháng" in content
    assert "Vẫn gửi: tôi đã kiểm tra lại, ngày sinh này đúng" in content
    assert 'value="Lê Văn Bé"' in content and f'value="{dmy(born)}"' in content  # what was typed is kept
    assert client.post(url, {**typed, "confirm_implausible": "on", "client_id": str(uuid.uuid4())}).status_code == 302
    update = HouseholdUpdate.objects.get()
    officer = client_for(users["officer"])
    review_url = reverse("children:review-detail", args=[update.pk])
    review = officer.get(review_url).content.decode()
    assert "Ngày sinh có vẻ chưa đúng:" in review and "không còn là trẻ mới sinh" in review
    assert "Cộng tác viên đã kiểm tra lại và vẫn gửi." in review and "Đã kiểm tra lại: ngày sinh này đúng" in review
    # Approving without the confirmation changes nothing; with it, the child is added.
    refused = officer.post(review_url, {"action": "approve"}).content.decode()
    assert "Ngày sinh có vẻ chưa đúng" in refused and not Child.objects.filter(full_name="Lê Văn Bé").exists()
    assert officer.post(review_url, {"action": "approve", "confirm_implausible": "1"}).status_code == 302
    assert Child.objects.get(full_name="Lê Văn Bé").date_of_birth == born


def test_a_new_birth_of_last_week_goes_without_a_question_and_a_move_in_is_never_before_the_birth(
    users, client_for, household
):
    client = client_for(users["ctv_a"])
    url = reverse("children:report-form", args=[household.pk, "new_birth"])
    typed = {"full_name": "Lê Văn Bé", "sex": "M", "date_of_birth": dmy(TODAY - timedelta(days=7))}
    assert client.post(url, {**typed, "birth_registered": "False", "client_id": str(uuid.uuid4())}).status_code == 302
    moved = {
        **typed,
        "date_of_birth": dmy(TODAY - timedelta(days=900)),
        "moved_in_on": dmy(TODAY - timedelta(days=901)),
    }
    page = client.post(
        reverse("children:report-form", args=[household.pk, "moved_in"]), {**moved, "client_id": str(uuid.uuid4())}
    )
    assert page.status_code == 200 and "Ngày không được trước ngày sinh của trẻ." in page.content.decode()
    assert HouseholdUpdate.objects.count() == 1
