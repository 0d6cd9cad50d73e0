"""The Excel import and the exports as tasks of the worker: delivered twice or again after a worker died, they
end with the same result; an export is for the user who asked alone, read with their permissions when it runs."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from children import tasks
from children.excel import exports, importer, jobs
from children.models import BirthRegistration, Child, CircumstanceMembership, ExportJob, Household, ImportJob
from tanloi_portal.models import AccessLog, Role
from tests.children.test_excel import GOOD, HEADERS, xlsx
from tests.exports import export, sheet_of
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[list]:
    return [
        [f"05-{i // 2:03d}", f"Lâm Văn Chủ {i // 2}", "Ấp 5", f"Lâm Thị Số {i}", "02/02/2020", "Nữ", None, None,
         "Có", "01/03/2020", "4", None]
        for i in range(n)
    ]  # fmt: skip


def _checked_job(tmp_path, users, client_for, rows) -> ImportJob:
    upload = SimpleUploadedFile("tre-em.xlsx", xlsx(tmp_path, rows).read_bytes())
    client_for(users["officer"]).post(reverse("children:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKED
    return job


def _confirmed(job: ImportJob) -> ImportJob:
    """Confirmed as the page does, without running the import's task (as when the worker has not taken it yet)."""
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
    job.refresh_from_db()
    return job


def _registry() -> tuple:
    return (Household.objects.count(), Child.objects.count(), BirthRegistration.objects.count(),
            CircumstanceMembership.objects.count())  # fmt: skip


def test_the_import_task_run_twice_gives_the_same_registry(tmp_path, users, client_for):
    job = _confirmed(_checked_job(tmp_path, users, client_for, _rows(6)))
    assert tasks.run_import.delay(str(job.pk)).get() == jobs.Outcome.RAN
    once = _registry()
    assert once == (3, 6, 6, 6)
    # The same message delivered again (acks_late): the job is done, nothing more is written.
    assert tasks.run_import.delay(str(job.pk)).get() == jobs.Outcome.SKIPPED
    assert _registry() == once
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.report["new"] == 6 and job.attempt == 2
    # and the check delivered again after the import changes nothing either
    assert tasks.check_import.delay(str(job.pk)).get() == jobs.Outcome.SKIPPED


class WorkerKilled(BaseException):
    """Like the worker's process dying: nothing of the task's code runs after it (no except clause catches it)."""


def test_a_worker_killed_half_way_leaves_nothing_and_the_redelivered_task_imports_it(
    tmp_path, users, client_for, monkeypatch
):
    job = _confirmed(_checked_job(tmp_path, users, client_for, _rows(10)))
    monkeypatch.setattr(importer, "CHILD_BATCH", 3)
    real = importer.record_creations
    calls = []

    def dies_after_some_rows(model, pks, **kwargs):
        real(model, pks, **kwargs)
        calls.append(model)
        if model is Child and calls.count(Child) == 2:  # households and six children written
            raise WorkerKilled

    monkeypatch.setattr(importer, "record_creations", dies_after_some_rows)
    with pytest.raises(WorkerKilled):
        tasks.run_import.delay(str(job.pk))
    assert _registry() == (0, 0, 0, 0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING and Path(job.stored_path).exists()

    monkeypatch.setattr(importer, "record_creations", real)
    # Redelivered at once, the job still looks held by a live worker: left alone, tried again later.
    assert jobs.job_run(job.pk, commit=True) == jobs.Outcome.BUSY
    # Redelivered once that worker's heartbeat is stale: taken over and imported, once.
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1))
    assert tasks.run_import.delay(str(job.pk)).get() == jobs.Outcome.RAN
    assert _registry() == (5, 10, 10, 10)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and not Path(job.stored_path).exists()


def test_a_failure_half_way_writes_nothing_and_the_job_runs_again(tmp_path, users, client_for, monkeypatch):
    job = _confirmed(_checked_job(tmp_path, users, client_for, _rows(10)))
    monkeypatch.setattr(importer, "CHILD_BATCH", 3)
    real = importer.record_creations

    def fails_after_some_rows(model, pks, **kwargs):
        real(model, pks, **kwargs)
        if model is BirthRegistration:  # every household and child written, and their registrations
            raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "record_creations", fails_after_some_rows)
    assert tasks.run_import.delay(str(job.pk)).get() == jobs.Outcome.RAN
    assert _registry() == (0, 0, 0, 0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "không có gì được nhập" in job.report["message"]


def test_a_step_taken_over_by_another_delivery_rolls_its_rows_back(tmp_path, users, client_for, monkeypatch):
    """A worker thought dead (its heartbeat stale) but only slow: whichever delivery no longer owns the job at
    the end of its write commits nothing."""
    job = _confirmed(_checked_job(tmp_path, users, client_for, _rows(4)))
    real = importer.record_creations

    def taken_over_meanwhile(model, pks, **kwargs):
        real(model, pks, **kwargs)
        if model is Child:
            ImportJob.objects.filter(pk=job.pk).update(attempt=99)

    monkeypatch.setattr(importer, "record_creations", taken_over_meanwhile)
    assert jobs.job_run(job.pk, commit=True) == jobs.Outcome.SKIPPED
    assert _registry() == (0, 0, 0, 0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING  # for the delivery that owns it


def test_an_unconfirmed_check_runs_again_the_same(tmp_path, users, client_for):
    job = _checked_job(tmp_path, users, client_for, [GOOD])
    report = job.report
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.CHECKING)  # as if its worker died at the end
    assert tasks.check_import.delay(str(job.pk)).get() == jobs.Outcome.RAN
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED and job.report == report and _registry() == (0, 0, 0, 0)
    assert len(jobs.Preview(job)[0:50]) == report["preview"]


# --- exports -----------------------------------------------------------------------------------------------


@pytest.fixture
def registry(hamlet_a, hamlet_b):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Trẻ Ấp Một", sex="F")
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_b), full_name="Trẻ Ấp Hai", sex="M")


def _ask(client, name="children:export-children", query="") -> ExportJob:
    response = client.post(reverse(name) + query)
    assert response.status_code == 302
    job = ExportJob.objects.latest("created_at")
    assert response.url == reverse("children:export-job", args=[job.pk])
    return job


def test_an_export_is_written_by_the_task_and_downloaded_with_todays_name(users, client_for, registry):
    client = client_for(users["officer"])
    job = _ask(client, query="?sex=M&hamlet=&unknown=1")
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.rows == 1 and job.filters == {"sex": ["M"], "hamlet": [""]}
    assert Path(job.file_path).parent == exports.export_folder()
    page = client.get(reverse("children:export-job", args=[job.pk])).content.decode()
    assert reverse("children:export-download", args=[job.pk]) in page and "js/progress.js" in page
    assert client.get(reverse("children:export-progress", args=[job.pk])).json()["final"] is True
    assert not AccessLog.objects.filter(action="export").exists()  # logged when the file is read
    response = client.get(reverse("children:export-download", args=[job.pk]))
    stamp = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="tre-em-{stamp}.xlsx"'
    assert [r[3] for r in sheet_of(response).iter_rows(min_row=5, values_only=True)] == ["Trẻ Ấp Hai"]
    entry = AccessLog.objects.get(action="export")
    assert (entry.object_type, entry.details) == ("children.child", {"filters": {"sex": "M"}, "rows": 1})
    households = export(client, "children:export-households")
    assert households["Content-Disposition"] == f'attachment; filename="ho-gia-dinh-{stamp}.xlsx"'


def test_a_queued_export_shows_its_progress_page(users, client_for, monkeypatch):
    monkeypatch.setattr(tasks.run_export, "delay", lambda job_id: None)  # the worker has not taken it yet
    client = client_for(users["officer"])
    job = _ask(client)
    page = client.get(reverse("children:export-job", args=[job.pk])).content.decode()
    assert 'id="progress"' in page and reverse("children:export-progress", args=[job.pk]) in page
    assert client.get(reverse("children:export-progress", args=[job.pk])).json() == {
        "state": "queued", "final": False, "done": 0, "total": 0,
    }  # fmt: skip
    # The download is not there yet: back to the page.
    assert client.get(reverse("children:export-download", args=[job.pk])).url == reverse(
        "children:export-job", args=[job.pk]
    )


def test_an_export_is_for_the_user_who_asked_alone(users, client_for, registry, other_commune):
    job = _ask(client_for(users["officer"]))
    other_officer = UserFactory(username="officer-2", role=Role.OFFICER, commune=users["officer"].commune)
    foreign_officer = UserFactory(username="officer-tan-hung", role=Role.OFFICER, commune=other_commune)
    for user in (other_officer, foreign_officer, users["ctv_a"], users["health"]):
        client = client_for(user)
        for name in ("children:export-job", "children:export-progress", "children:export-download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (user, name)
        refused = AccessLog.objects.filter(user=user, action="refused")
        assert refused.count() == 3 and {e.object_type for e in refused} == {"children.exportjob"}
        assert not AccessLog.objects.filter(user=user, action="export").exists()
    for role in ("chairman", "district", "admin"):
        client = client_for(users[role])
        for name in ("children:export-children", "children:export-households"):
            assert client.post(reverse(name)).status_code == 403, (role, name)
        for name in ("children:export-job", "children:export-progress", "children:export-download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 403, (role, name)
    assert ExportJob.objects.count() == 1


def test_the_task_reads_the_filters_again_with_the_users_permissions(users, client_for, registry, hamlet_b):
    from children.models import SpecialCircumstanceGroup

    child = Child.objects.get(full_name="Trẻ Ấp Hai")
    CircumstanceMembership.objects.create(
        child=child, group=SpecialCircumstanceGroup.objects.get(number=11), started_on=timezone.localdate()
    )
    ctv = users["ctv_a"]
    # Stored as if the request had been forged: another hamlet, a section-bound filter, junk.
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.CHILDREN, requested_by=ctv, commune=ctv.commune,
        filters={"hamlet": [str(hamlet_b.pk)], "group": ["11"], "q": ["x" * 5000]},
    )  # fmt: skip
    assert tasks.run_export.delay(str(job.pk)).get() is True
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.rows == 1  # the collaborator's own hamlet, no filter honoured
    names = [r[3] for r in sheet_of(client_for(ctv).get(reverse("children:export-download", args=[job.pk])))
             .iter_rows(min_row=5, values_only=True)]  # fmt: skip
    assert names == ["Trẻ Ấp Một"]
    # A user who has lost the role since asking gets nothing.
    officer = users["officer"]
    later = ExportJob.objects.create(kind=ExportJob.Kind.CHILDREN, requested_by=officer, commune=officer.commune)
    officer.role = Role.CHAIRMAN
    officer.save(update_fields=["role"])
    tasks.run_export.delay(str(later.pk))
    later.refresh_from_db()
    assert later.state == ExportJob.State.FAILED and later.message == "Bạn không còn quyền xuất danh sách này."
    assert not later.file_path


def test_an_export_run_again_does_nothing(users, client_for, registry):
    job = _ask(client_for(users["officer"]))
    job.refresh_from_db()
    before = (job.state, job.file_path, job.rows, job.finished_at)
    assert tasks.run_export.delay(str(job.pk)).get() is False
    job.refresh_from_db()
    assert (job.state, job.file_path, job.rows, job.finished_at) == before
    assert sorted(exports.export_folder().glob(f"{job.pk}-*.xlsx")) == [Path(job.file_path)]


def test_a_failing_export_ends_failed_with_a_message_and_no_file(users, client_for, registry, monkeypatch):
    def broken(stream, *args, **kwargs):
        stream.write(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_children", broken)
    client = client_for(users["officer"])
    job = _ask(client)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and not job.file_path
    assert job.message == "Lỗi hệ thống khi xuất tệp. Hãy thử lại hoặc báo quản trị hệ thống."
    assert not list(exports.export_folder().glob(f"{job.pk}-*"))
    assert job.message in client.get(reverse("children:export-job", args=[job.pk])).content.decode()
    assert client.get(reverse("children:export-download", args=[job.pk])).status_code == 302


def test_exported_files_are_removed_after_their_keeping_time(users, client_for, registry, settings):
    settings.EXPORT_KEEP_HOURS = 1
    client = client_for(users["officer"])
    old, recent = _ask(client), _ask(client)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    stray = exports.export_folder() / f"{old.pk}-killed.xlsx"
    stray.write_bytes(b"a delivery killed half-way")
    hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(stray, (hours_ago, hours_ago))
    old.refresh_from_db()
    recent.refresh_from_db()
    tasks.expire_import_jobs.delay()
    assert not Path(old.file_path).exists() and not stray.exists() and Path(recent.file_path).exists()
    old.refresh_from_db()
    assert old.file_path == ""
    page = client.get(reverse("children:export-job", args=[old.pk])).content.decode()
    assert "Tệp đã được xóa" in page
    assert client.get(reverse("children:export-download", args=[old.pk])).status_code == 302


def test_the_import_runs_in_tasks_enqueued_after_the_commit(tmp_path, users, client_for, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.check_import, "delay", sent.append)
    upload = SimpleUploadedFile("a.xlsx", xlsx(tmp_path, [GOOD], headers=HEADERS).read_bytes())
    client_for(users["officer"]).post(reverse("children:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert sent == [str(job.pk)] and job.state == ImportJob.State.CHECKING


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails as it does when Redis cannot be reached."""
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (tasks.check_import, tasks.run_import, tasks.run_export):
        monkeypatch.setattr(task, "delay", refuse)


def test_an_upload_while_the_worker_queue_is_down_fails_with_a_message_not_a_500(tmp_path, users, client_for,
                                                                                 broker_down):  # fmt: skip
    upload = SimpleUploadedFile("tre-em.xlsx", xlsx(tmp_path, _rows(2)).read_bytes())
    response = client_for(users["officer"]).post(reverse("children:import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and "hàng đợi công việc không chạy" in job.report["message"]
    assert "hàng đợi công việc không chạy" in response.content.decode()
    assert not Path(job.stored_path).exists() and Child.objects.count() == 0


def test_an_export_while_the_worker_queue_is_down_fails_with_a_message_not_a_500(users, client_for, broker_down):
    response = client_for(users["officer"]).post(reverse("children:export-households"), follow=True)
    assert response.status_code == 200
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.FAILED and "hàng đợi công việc không chạy" in job.message
    assert "hàng đợi công việc không chạy" in response.content.decode()


def test_an_export_reports_its_rows_as_it_writes_them(users, client_for, registry, monkeypatch):
    seen = []
    original = exports.cache.set

    def recorded(key, value, *args):
        if key.startswith("export-progress:"):
            seen.append(value)
        return original(key, value, *args)

    monkeypatch.setattr(exports.cache, "set", recorded)
    job = _ask(client_for(users["officer"]))
    assert seen[0] == {"done": 0, "total": job.rows} and job.rows > 0
    progress = client_for(users["officer"]).get(reverse("children:export-progress", kwargs={"pk": job.pk})).json()
    assert progress["final"] and progress["done"] == progress["total"] == job.rows
