"""Each step records its legal form's content as structured fields; the service refuses what the form refuses."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import legal_forms
from cases.selectors import case_timeline
from tests.cases import steps
from tests.cases.steps import valid_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(open_case):
    # Received two days ago: a form's date may then be before today without being before the receipt.
    return open_case(channel="school", received=timezone.now() - timedelta(days=2), description="Cô giáo thấy vết bầm")


def take(case, action, user, data, **kw):
    return steps.take(case, action, user, data=data, **kw)


def test_every_step_of_the_process_declares_its_form_and_label():
    from cases.rules import STEPS

    assert set(legal_forms.FIELDS) == set(STEPS)
    assert set(legal_forms.LABELS) == {*STEPS, "intake"}


def test_missing_required_fields_are_all_named_and_nothing_changes(case, users):
    with pytest.raises(ValidationError) as error:
        take(case, "assess", users["officer"], {"harm_signs": ["physical"]})
    assert set(error.value.error_dict) == {"risk", "immediate_danger"}
    assert "Mức độ nguy cơ" in str(error.value.error_dict["risk"])
    case.refresh_from_db()
    assert case.status == "intake" and case.timeline.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"risk": "extreme", "immediate_danger": False}, "risk"),
        ({"risk": "low", "immediate_danger": "yes"}, "immediate_danger"),
        ({"risk": "low", "immediate_danger": False, "harm_signs": ["physical", "made-up"]}, "harm_signs"),
        ({"risk": "low", "immediate_danger": False, "perpetrator": "robot"}, "perpetrator"),
    ],
)
def test_values_outside_the_form_are_refused(case, users, data, field):
    with pytest.raises(ValidationError) as error:
        take(case, "assess", users["officer"], data)
    assert set(error.value.error_dict) == {field}


def test_dates_on_a_form_keep_to_the_case(case, users):
    take(case, "assess", users["officer"], valid_form("assess"))
    before = timezone.localtime(case.received_at).date() - timedelta(days=1)
    with pytest.raises(ValidationError, match="trước ngày tiếp nhận"):
        take(case, "detail", users["officer"], valid_form("detail", meeting_on=before))
    with pytest.raises(ValidationError, match="tương lai"):
        take(case, "detail", users["officer"], valid_form("detail", meeting_on=timezone.localdate() + timedelta(1)))
    take(case, "detail", users["officer"], valid_form("detail"))
    with pytest.raises(ValidationError, match="từ hôm nay"):
        take(
            case,
            "draft_plan",
            users["officer"],
            valid_form("draft_plan", review_on=timezone.localdate() - timedelta(1)),
        )


def test_the_form_content_is_kept_on_the_timeline_and_shown_with_labels(case, users):
    take(case, "assess", users["officer"], valid_form("assess", harm_signs=["physical", "psychological"],
         perpetrator="parent", child_whereabouts="Ở nhà bà ngoại", confirmed=True, extra="dropped"))  # fmt: skip
    take(case, "detail", users["officer"], valid_form("detail"))
    entry = case.timeline.filter(kind="step").last()
    assert entry.data["protection_level"] == "support" and entry.data["meeting_on"] == timezone.localdate().isoformat()
    assessed = case.timeline.get(form="Mẫu 02")
    assert "extra" not in assessed.data and assessed.data["harm_signs"] == ["physical", "psychological"]
    rows = {row.entry.pk: row for row in case_timeline(case)}
    shown = dict(rows[assessed.pk].details)
    assert rows[assessed.pk].title == "Đánh giá nguy cơ ban đầu"
    assert shown["Dấu hiệu tổn hại"] == "Tổn hại thân thể, Tổn hại tinh thần"
    assert shown["Người gây tổn hại"] == "Cha, mẹ, người chăm sóc"
    assert shown["Đã xác minh trẻ bị xâm hại"] == "Có"
    assert dict(rows[entry.pk].details)["Ngày họp xác định nhu cầu"] == timezone.localdate().strftime("%d/%m/%Y")
    case.refresh_from_db()
    assert case.confirmed is True


def test_closing_needs_an_outcome_and_the_childs_situation(case, users):
    for action, who in [("assess", "officer"), ("detail", "officer"), ("draft_plan", "officer"),
                        ("approve_plan", "chairman"), ("start", "officer"), ("review", "officer")]:  # fmt: skip
        take(case, action, users[who], valid_form(action))
    with pytest.raises(ValidationError) as error:
        take(case, "close", users["chairman"], {}, text="")
    assert set(error.value.error_dict) == {"outcome"}
    with pytest.raises(ValidationError) as error:
        take(case, "close", users["chairman"], valid_form("close"), text="  ")
    assert set(error.value.error_dict) == {"text"}
    take(case, "close", users["chairman"], valid_form("close"), text="Trẻ an toàn")
    case.refresh_from_db()
    assert (case.status, case.outcome_kind, case.outcome) == ("closed", "safe_with_family", "Trẻ an toàn")


def test_the_review_can_send_the_case_back_to_planning(case, users):
    for action, who in [("assess", "officer"), ("detail", "officer"), ("draft_plan", "officer"),
                        ("approve_plan", "chairman"), ("start", "officer")]:  # fmt: skip
        take(case, action, users[who], valid_form(action))
    take(case, "review", users["officer"], valid_form("review", situation="unchanged", recommendation="plan_again"))
    take(case, "draft_plan", users["officer"], valid_form("draft_plan", objectives="Kế hoạch lần 2"))
    case.refresh_from_db()
    assert case.status == "plan_drafted"
    assert case.timeline.filter(form="Mẫu 04").count() == 2


def test_the_step_page_shows_the_forms_fields_and_keeps_what_was_typed(case, users, client_for):
    officer = client_for(users["officer"])
    url = reverse("cases:step", args=[case.pk, "assess"])
    page = officer.get(url).content.decode()
    assert "Đánh giá nguy cơ ban đầu" in page and "Mẫu 02" in page and "Dấu hiệu tổn hại" in page
    typed = {"version": case.version, "harm_signs": ["sexual"], "child_whereabouts": "Ở nhà dì", "text": "Ghi chú dài"}
    response = officer.post(url, typed)
    content = response.content.decode()
    assert response.status_code == 200 and "Trường này là bắt buộc." in content and case.timeline.count() == 1
    assert 'value="Ở nhà dì"' in content and "Ghi chú dài" in content
    assert re.search(r'value="sexual"[^>]*checked', content)  # the ticked box stays ticked
    response = officer.post(url, {**typed, "risk": "high", "immediate_danger": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk == "high" and case.immediate_danger is True
    assert case.timeline.get(form="Mẫu 02").data["harm_signs"] == ["sexual"]


def test_the_case_page_names_steps_and_shows_the_forms_content(case, users, client_for):
    take(case, "assess", users["officer"], valid_form("assess", child_whereabouts="Ở nhà bà ngoại"))
    page = client_for(users["officer"]).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Trẻ hiện ở đâu, với ai" in page and "Ở nhà bà ngoại" in page
    assert "Đánh giá chi tiết, họp xác định nhu cầu (Mẫu 03)" in page  # the next step's button, by its name
