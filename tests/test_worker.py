"""The real worker: a Celery worker process, through Redis, against the test database (PostgreSQL, as in
production). An Excel import is checked and imported by it, the figures the import moved are recomputed by
its debounced task, and an officer's "Tính lại" finishes through it."""

import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from children.excel.jobs import job_confirm, job_start
from children.models import Child, ImportJob
from indicators.freshness import recompute_request
from indicators.models import Measurement, StaleFigure
from indicators.selectors import current_plan, metric_values
from tanloi_portal.celery import app as celery_app
from tanloi_portal.models import Commune, Role
from tests.children.test_excel import xlsx
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the worker test runs on PostgreSQL"
    ),
]
WAIT_SECONDS = 120


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, what: str, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"the worker did not {what} within {WAIT_SECONDS} s; its log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def worker(committed_reference_data, settings, tmp_path):
    """A worker on a queue of this test's own, sharing the test's database, cache and private folder."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    cache_dir = tmp_path / "cache"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(cache_dir)}}  # fmt: skip
    settings.FIGURES_AUTO_REFRESH = True
    settings.FIGURES_DEBOUNCE_SECONDS = 1
    # This process publishes for real, to the worker's queue (restored after the test).
    before = {"task_always_eager": celery_app.conf.task_always_eager,
              "task_default_queue": celery_app.conf.task_default_queue}  # fmt: skip
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tanloi_portal.settings",
        "TESTING": "true",
        "DATABASE_URL": _database_url(),
        "CELERY_QUEUE": queue,
        "CACHE_URL": f"filecache://{cache_dir}",
        "PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
        "FIGURES_DEBOUNCE_SECONDS": "1",
    }
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "tanloi_portal", "worker", "--pool=solo", "-Q", queue,
               "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "ready" in log.read_text(), "start", log)
        yield log
    finally:
        celery_app.conf.update(**before)
        process.terminate()
        process.wait(timeout=30)


def test_an_import_and_a_recompute_finish_through_the_real_worker(worker, tmp_path):
    commune = Commune.objects.get(code="tan-loi")
    officer = UserFactory(username="officer", role=Role.OFFICER, commune=commune)
    plan = current_plan(commune=commune)
    year = timezone.localdate().year
    born = date(year - 2, 3, 4).strftime("%d/%m/%Y")
    rows = [[f"01-{i:03d}", f"Lê Văn Tám {i}", "Ấp 1", f"Lê Thị Mơ {i}", born, "Nữ", "Kinh", None,
             "Có" if i < 3 else "Không", born if i < 3 else None, None, None] for i in range(4)]  # fmt: skip
    upload = SimpleUploadedFile("tre-em.xlsx", xlsx(tmp_path, rows).read_bytes())
    job = job_start(upload=upload, commune=commune, by=officer)

    def state():
        job.refresh_from_db()
        return job.state

    _wait_for(lambda: state() == ImportJob.State.CHECKED, "check the file", worker)
    assert job_confirm(job=job)
    _wait_for(lambda: state() == ImportJob.State.DONE, "import the file", worker)
    assert Child.objects.filter(household__commune=commune).count() == 4
    # The import marked the commune's figures stale; the worker's debounced task computed them.
    _wait_for(lambda: not StaleFigure.objects.exists(), "recompute the figures the import moved", worker)
    births = next(v for v in metric_values(plan=plan, year=year) if v.metric.code == "14")
    assert (births.numerator, births.denominator, births.value, births.stale) == (3, 4, 75, False)

    # The officer's "Tính lại": the year's marks go once the worker has recomputed every scope.
    before = Measurement.objects.filter(year=year, hamlet=None, metric__code="14").get().at
    assert recompute_request(plan=plan, year=year)
    assert StaleFigure.objects.filter(year=year).count() == 1 + commune.hamlets.count()
    _wait_for(lambda: not StaleFigure.objects.exists(), "recompute the year", worker)
    assert Measurement.objects.filter(year=year, hamlet=None, metric__code="14").get().at > before
    assert "Task indicators.tasks.recompute_year" in worker.read_text()
