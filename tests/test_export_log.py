"""The export log: every file that leaves the portal is written down with who, what, scope, filters, rows,
size and SHA-256; append-only; read by the admin."""

import hashlib
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import case_open
from tanloi_portal.models import AccessLog, AppendOnlyError, ExportRecord
from tests.exports import export
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_registry_export_is_written_down_with_the_files_size_and_digest(users, client_for, hamlet_a):
    for i in range(3):
        ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2020, 1, 1 + i))
    client = client_for(users["officer"])
    response = export(client, "children:export-children", {"hamlet": hamlet_a.pk})
    data = b"".join(response.streaming_content)
    record = ExportRecord.objects.get()
    assert (record.user, record.kind, record.rows) == (users["officer"], "children", 3)
    assert record.size == len(data) and record.sha256 == _sha(data)
    assert record.file_name.startswith("tre-em-") and record.commune.code == "tan-loi"


def test_a_printed_case_file_is_written_down(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    case = case_open(child=child, concern="violence", channel="family", received_at=timezone.now(),
                     description="Báo tin", by=users["officer"])  # fmt: skip
    response = client_for(users["officer"]).get(reverse("cases:case-file", args=[case.pk]))
    record = ExportRecord.objects.get(kind="case-file")
    assert record.sha256 == _sha(response.content) and record.scope == f"cases.case {case.pk}"


def test_the_access_log_workbook_is_written_down(users, client_for):
    AccessLog.objects.create(user=users["officer"], object_type="children.child", object_id=1, path="/tre-em/1/")
    client = client_for(users["admin"])
    response = client.post(
        "/quan-tri/tanloi_portal/accesslog/",
        {"action": "export_xlsx", "_selected_action": list(AccessLog.objects.values_list("pk", flat=True))},
    )
    data = b"".join(response.streaming_content)
    record = ExportRecord.objects.get(kind="access-log")
    assert record.sha256 == _sha(data) and record.rows == AccessLog.objects.filter(action="view").count()


def test_the_export_log_is_append_only_and_read_only_for_the_admin(users, client_for):
    record = ExportRecord.objects.create(user=users["officer"], kind="households", file_name="x.xlsx", size=1,
                                         sha256="0" * 64)  # fmt: skip
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ExportRecord.objects.update(rows=5)
    with pytest.raises(AppendOnlyError):
        ExportRecord.objects.all().delete()
    admin = client_for(users["admin"])
    assert admin.get("/quan-tri/tanloi_portal/exportrecord/").status_code == 200
    assert admin.get("/quan-tri/tanloi_portal/exportrecord/add/").status_code == 403
    assert client_for(users["officer"]).get("/quan-tri/tanloi_portal/exportrecord/").status_code in (302, 403)
