"""The access log answers "who saw this child": every read of a sensitive record, a drill-down, a narrative or an
edit form, every refused request for an object; append-only, searchable and exportable by the admin."""

import io
import uuid
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.services import case_open
from children.household_updates import update_submit
from children.models import CircumstanceMembership, SpecialCircumstanceGroup, SupportRecord
from tanloi_portal.models import AccessLog, AppendOnlyError
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _entries(user):
    return [(e.action, e.object_type, e.object_id) for e in AccessLog.objects.filter(user=user).order_by("pk")]


@pytest.fixture
def concern(users, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a)
    child = ChildFactory(household=home, full_name="Võ Thị Bé")
    data = {"child": str(child.pk), "urgent": "True", "description": "Thấy vết bầm trên tay"}
    return update_submit(user=users["ctv_a"], household=home, kind="safety_concern", client_id=uuid.uuid4(), data=data)


def test_the_review_page_and_the_intake_that_show_a_concern_narrative_are_logged(concern, users, client_for):
    officer = client_for(users["officer"])
    assert "Thấy vết bầm trên tay" in officer.get(reverse("children:review-detail", args=[concern.pk])).content.decode()
    assert "Thấy vết bầm trên tay" in officer.get(reverse("cases:intake"), {"lo-ngai": concern.pk}).content.decode()
    assert _entries(users["officer"]) == [
        ("view", "children.householdupdate", concern.pk),
        ("view", "children.householdupdate", concern.pk),
    ]


def test_the_drill_down_of_metric_9_is_logged_with_what_it_listed(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Đỗ Thị Hạnh")
    case = case_open(child=child, concern="sexual_abuse", channel="family", received_at=timezone.now(),
                     description="x", by=users["officer"])  # fmt: skip
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(confirmed=True)
    year = timezone.localdate().year
    response = client_for(users["officer"]).get(reverse("indicators:drill-down", args=["9"]), {"nam": year})
    assert response.status_code == 200 and "Đỗ Thị Hạnh" in response.content.decode()
    entry = AccessLog.objects.get(user=users["officer"], action="drill-down")
    assert entry.object_type == "children.child"
    assert entry.details == {"metric": "9", "year": year, "hamlet": None, "rows": 1}


def test_the_edit_forms_of_support_and_special_circumstance_records_are_logged(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    membership = CircumstanceMembership.objects.create(
        child=child, group=SpecialCircumstanceGroup.objects.get(number=9), started_on=date(2025, 3, 1)
    )
    support = SupportRecord.objects.create(
        child=child, membership=membership, description="Tư vấn tâm lý", given_on=date(2025, 3, 4)
    )
    officer = client_for(users["officer"])
    for kind, fact in (("hoan-canh", membership), ("ho-tro", support)):
        assert officer.get(reverse("children:fact-edit", args=[child.pk, kind, fact.pk])).status_code == 200
    assert _entries(users["officer"]) == [
        ("edit-form", "children.circumstancemembership", membership.pk),
        ("edit-form", "children.supportrecord", support.pk),
    ]


def test_refused_probes_for_objects_leave_a_record(users, client_for, other_commune, hamlet_b):
    from tanloi_portal.models import Hamlet

    elsewhere = ChildFactory(household=HouseholdFactory(hamlet=Hamlet.objects.get(commune=other_commune)))
    neighbour = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b))
    officer = client_for(users["officer"])
    assert officer.get(reverse("children:child-detail", args=[elsewhere.pk])).status_code == 404
    assert officer.get(reverse("cases:detail", args=[987654])).status_code == 404
    collaborator = client_for(users["ctv_a"])
    assert collaborator.get(reverse("children:child-detail", args=[neighbour.pk])).status_code == 404
    assert client_for(users["chairman"]).get(reverse("children:child-detail", args=[neighbour.pk])).status_code == 403
    refused = AccessLog.objects.filter(action="refused").order_by("pk")
    assert [(e.user.username, e.object_type, e.object_id, e.details["status"], e.details["url"]) for e in refused] == [
        ("officer", "children.child", elsewhere.pk, 404, "children:child-detail"),
        ("officer", "cases.case", 987654, 404, "cases:detail"),
        ("ctv-a", "children.child", neighbour.pk, 404, "children:child-detail"),
        ("chairman", "children.child", neighbour.pk, 403, "children:child-detail"),
    ]
    # A page that names no object (a mistyped address) is not a probe for a record.
    officer.get("/khong-co-trang-nay/")
    assert AccessLog.objects.filter(action="refused").count() == 4


def test_the_log_is_append_only(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    client_for(users["officer"]).get(reverse("children:child-detail", args=[child.pk]))
    entry = AccessLog.objects.get()
    entry.path = "/khac/"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk).update(path="/khac/")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    with pytest.raises((IntegrityError, Exception)), transaction.atomic():
        users["officer"].delete()  # the viewer cannot be removed from under the log (PROTECT)
    assert AccessLog.objects.get().path == reverse("children:child-detail", args=[child.pk])


def test_the_admin_searches_who_saw_a_child_and_exports_the_log(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    other = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    for key, name in (("officer", "Lê Thị Hoa"), ("ctv_a", "Trần Văn Nam")):  # no digit a search could match
        users[key].full_name = name
        users[key].save(update_fields=["full_name"])
    client_for(users["officer"]).get(reverse("children:child-detail", args=[child.pk]))
    client_for(users["ctv_a"]).get(reverse("children:child-detail", args=[child.pk]))
    client_for(users["officer"]).get(reverse("children:child-detail", args=[other.pk]))
    admin = client_for(users["admin"])
    listing = admin.get(reverse("admin:tanloi_portal_accesslog_changelist"), {"q": f"children.child {child.pk}"})
    assert listing.status_code == 200 and listing.context["cl"].result_count == 2
    entry = AccessLog.objects.first()
    change = admin.post(reverse("admin:tanloi_portal_accesslog_change", args=[entry.pk]), {"path": "/x/"})
    assert change.status_code == 403
    delete = admin.post(reverse("admin:tanloi_portal_accesslog_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    ids = [str(e.pk) for e in AccessLog.objects.filter(object_id=child.pk)]
    response = admin.post(
        reverse("admin:tanloi_portal_accesslog_changelist"), {"action": "export_xlsx", "_selected_action": ids}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Thời điểm", "Người xem", "Vai trò", "Thao tác")
    assert sorted(r[1] for r in rows[1:]) == ["ctv-a", "officer"]
    # In words, with the code the admin's search takes.
    assert {r[2:5] for r in rows[1:]} == {
        ("Cộng tác viên ấp/sóc", "xem", "trẻ em (children.child)"),
        ("Công chức VH-XH (cán bộ phụ trách)", "xem", "trẻ em (children.child)"),
    }
    assert "trẻ em (children.child)" in listing.content.decode()
    # Exporting the log is itself a read that is logged.
    assert AccessLog.objects.filter(user=users["admin"], action="export", details={"rows": 2}).exists()


def test_the_log_exports_even_entries_holding_control_characters(users, client_for):
    entry = AccessLog.objects.create(
        user=users["officer"],
        object_type="children.child",
        object_id=7,
        path="/tre-em/?q=a\x01b",
        details={"q": "=1+1"},
    )
    response = client_for(users["admin"]).post(
        reverse("admin:tanloi_portal_accesslog_changelist"), {"action": "export_xlsx", "_selected_action": [entry.pk]}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    row = list(sheet.iter_rows(values_only=True))[1]
    assert row[6] == "/tre-em/?q=ab"
    assert row[8] == '{"q": "=1+1"}'


def test_access_log_entries_show_local_time(users):
    from datetime import datetime
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 30, 0, 25, tzinfo=timezone.UTC)):
        entry = AccessLog.objects.create(user=users["officer"], object_type="children.child", object_id=1, path="/")
    entry.refresh_from_db()
    assert str(entry).startswith("30/11/2026 07:25")


def test_the_address_logged_is_the_one_our_proxy_saw(settings):
    from django.test import RequestFactory

    from tanloi_portal.client_ip import client_ip

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header may be forged
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw; "1.2.3.4" was written by the client


def test_the_child_edit_and_merge_pages_are_logged(users, client_for, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a)
    child = ChildFactory(household=home, full_name="Trần Văn Tâm", date_of_birth=date(2019, 4, 1))
    twin = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Trần Văn Tâm",
                        date_of_birth=date(2019, 4, 1))  # fmt: skip
    officer = client_for(users["officer"])
    assert officer.get(reverse("children:child-edit", args=[child.pk])).status_code == 200
    assert officer.get(reverse("children:child-merge", args=[child.pk])).status_code == 200
    assert _entries(users["officer"]) == [
        ("edit-form", "children.child", child.pk),
        ("edit-form", "children.child", child.pk),
        ("edit-form", "children.child", twin.pk),
    ]
