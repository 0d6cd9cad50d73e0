"""The read replica: with one configured, the dashboards, a report's preview and the workbook read from it and
write to the primary; nothing else reads from it. The test database's "replica" alias is a mirror of it
(tanloi_portal/test_settings.py), so what the router sends there is seen on that alias's connection."""

import json
import sys

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.dashboard_cache import forget
from reports.services import report_start
from tanloi_portal.models import ExportRecord
from tanloi_portal.replica import replica_reads
from tests.factories import ChildFactory
from tests.test_production import production_env, run

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings, committed_reference_data):
    settings.READ_FROM_REPLICA = True


def _sql(queries) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries).lower()


def test_the_dashboards_read_from_the_replica(replica_on, users, client_for):
    ChildFactory()
    chairman = client_for(users["chairman"])
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        assert chairman.get(reverse("home-chairman")).status_code == 200
    assert "indicators_measurement" in _sql(replica) and "children_child" in _sql(replica)
    assert "indicators_measurement" not in _sql(primary)  # the primary only answered the session and the user
    forget(None)  # read afresh, not from the figures the chairman's page left in the cache
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client_for(users["district"]).get(reverse("home-district")).status_code == 200
    assert "indicators_measurement" in _sql(replica)


def test_a_preview_reads_from_the_replica_and_writes_its_log_to_the_primary(replica_on, users, client_for):
    report = report_start(commune=users["officer"].commune, year=2025, half=0, by=users["officer"])
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        assert client_for(users["officer"]).get(reverse("report-preview", args=[report.pk])).status_code == 200
    assert "children_child" in _sql(replica)
    assert "insert" not in _sql(replica)
    assert 'insert into "tanloi_portal_exportrecord"' in _sql(primary)
    assert ExportRecord.objects.filter(kind=ExportRecord.Kind.REPORT).count() == 1


def test_other_pages_and_locked_reads_stay_on_the_primary(replica_on, users, client_for):
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client_for(users["officer"]).get(reverse("children:child-list")).status_code == 200
        with replica_reads(), transaction.atomic():  # a read that locks rows is a write's first step
            list(ExportRecord.objects.select_for_update())
    assert replica.captured_queries == []


def test_without_a_replica_the_router_sends_nothing_there(settings, committed_reference_data, users, client_for):
    settings.READ_FROM_REPLICA = False
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client_for(users["chairman"]).get(reverse("home-chairman")).status_code == 200
    assert replica.captured_queries == []


def test_database_replica_url_adds_the_replica():
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(sorted(settings.DATABASES)))"
    )
    env = production_env()
    env.pop("DATABASE_REPLICA_URL", None)
    assert json.loads(run([sys.executable, "-c", script], env).stdout) == ["default"]
    with_replica = {**env, "DATABASE_REPLICA_URL": "postgres://reader@db-replica:5432/tanloi_portal"}
    assert json.loads(run([sys.executable, "-c", script], with_replica).stdout) == ["default", "replica"]
    assert settings.DATABASE_ROUTERS == ["tanloi_portal.replica.ReplicaRouter"]
