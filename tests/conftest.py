import pytest
from django.test import Client

from indicators.reference_data import load_reference_data
from tanloi_portal.models import Commune, Hamlet, Role, Unit
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The plan's reference data (commune, 13 hamlets, groups, units, indicators) is in every test's database."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def commune(db) -> Commune:
    return Commune.objects.get(code="tan-loi")


@pytest.fixture
def hamlet_a(commune) -> Hamlet:
    return commune.hamlets.get(code="ap-1")


@pytest.fixture
def hamlet_b(commune) -> Hamlet:
    return commune.hamlets.get(code="ap-2")


@pytest.fixture
def other_commune(db) -> Commune:
    """A second commune of the same installation, with one hamlet and a health station of its own."""
    other = Commune.objects.create(code="tan-hung", name="Tân Hưng", authority_name="UBND XÃ TÂN HƯNG")
    Hamlet.objects.create(commune=other, code="ap-1", name="Ấp 1", position=1)
    Unit.objects.create(commune=other, code="tram-y-te", name="Trạm Y tế xã Tân Hưng", kind=Unit.Kind.HEALTH)
    return other


@pytest.fixture
def users(commune, hamlet_a, hamlet_b) -> dict:
    """The shared cast: one user per role, two collaborators of different hamlets, health and school staff."""
    unit = {u.code: u for u in commune.units.all()}
    return {
        "officer": UserFactory(username="officer", role=Role.OFFICER, commune=commune),
        "ctv_a": UserFactory(username="ctv-a", role=Role.COLLABORATOR, commune=commune, hamlet=hamlet_a),
        "ctv_b": UserFactory(username="ctv-b", role=Role.COLLABORATOR, commune=commune, hamlet=hamlet_b),
        "health": UserFactory(username="tramyte", role=Role.UNIT_STAFF, commune=commune, unit=unit["tram-y-te"]),
        "school": UserFactory(username="truong-th", role=Role.UNIT_STAFF, commune=commune, unit=unit["truong-th"]),
        "chairman": UserFactory(username="chairman", role=Role.CHAIRMAN, commune=commune),
        "district": UserFactory(username="district", role=Role.DISTRICT, commune=None),
        "admin": UserFactory(username="admin", role=Role.ADMIN, commune=None),
    }


@pytest.fixture
def client_for():
    """client_for(user) -> a test client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def committed_reference_data(transactional_db):
    """For tests on a committed database (threads, browsers): it is flushed after each, so load the plan again."""
    load_reference_data()


@pytest.fixture(autouse=True)
def in_vietnamese():
    """Each test starts in Vietnamese, as the portal does: a request in English leaves its language active in
    the thread (the locale middleware activates a language per request and never resets it), and the next
    test's messages would be English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: what one test's pages kept (a dashboard under a commune's id) is
    not another's, whose database rows reuse the same ids."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def on_commit_runs_as_after_a_commit(monkeypatch):
    """A test runs inside a transaction that is rolled back, never committed, so callbacks waiting for the
    commit (tasks enqueued with transaction.on_commit, run at once by the eager worker) would never run. Called
    where only the test's own transaction is open, a callback runs at once, as it would in autocommit mode
    outside tests; one registered inside a transaction of the code under test waits for it as usual (and is
    dropped with the test's rollback)."""
    from django.db import connections, transaction

    on_commit = transaction.on_commit

    def run_or_wait(func, using=None, robust=False):
        connection = connections[using or "default"]
        if connection.in_atomic_block and all(getattr(a, "_from_testcase", False) for a in connection.atomic_blocks):
            func()
        else:
            on_commit(func, using=using, robust=robust)

    monkeypatch.setattr(transaction, "on_commit", run_or_wait)
