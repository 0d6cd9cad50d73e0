"""`make bench`: figures for the registry pages, printed, never asserted.

Builds a throw-away database (a temporary SQLite file, or the PostgreSQL database named by BENCH_DATABASE_URL),
loads the plan, seeds demo registries of several sizes and times the pages an officer opens most.
"""

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "3500,35000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def _setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["ALLOWED_HOSTS"] = "testserver"
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.test_settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    _setup_django(url)

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks import reset_database
    from children import models as m
    from children.demo import generate_registry
    from children.demo_facts import generate_facts
    from children.models import Child, Household
    from tanloi_portal.models import Commune

    FACT_MODELS = [
        m.SupportRecord, m.CircumstanceMembership, m.Disability, m.GrowthMeasurement, m.VaccinationDose,
        m.SchoolEnrolment, m.Death, m.Injury, m.ChildLabour, m.ChildMarriage, m.BirthRegistration, m.Caregiver,
        m.HouseholdPoverty,
    ]  # fmt: skip
    from indicators.reference_data import load_reference_data
    from tanloi_portal.models import Role
    from tanloi_portal.services import user_create

    reset_database()
    load_reference_data()
    commune = Commune.objects.get(code="tan-loi")
    officer = user_create(username="bench-officer", role=Role.OFFICER, commune=commune, password="bench-pw-1")
    client = Client()
    client.force_login(officer)
    pages = {
        "child list, page 1 (Vietnamese order)": "/tre-em/",
        "child list, page 20": "/tre-em/?page=20",
        "search 'nguyen thi' (no accents)": "/tre-em/?q=nguyen+thi",
        "household list": "/ho-gia-dinh/",
        "officer home (counts per hamlet)": "/trang-chu/can-bo/",
    }
    print(f"database: {connection.vendor}; {REPEAT} requests per page, median and max in ms")
    for size in SIZES:
        for model in FACT_MODELS:
            model.objects.all().delete()
        Child.objects.all().delete()
        Household.objects.all().delete()
        today = timezone.localdate()
        seconds = _timed(lambda n=size, t=today: generate_registry(commune=commune, children=n, today=t))
        print(f"\n{size:,} children: demo registry generated in {seconds:.2f} s ({size / seconds:,.0f} children/s)")
        seconds = _timed(lambda t=today: generate_facts(commune=commune, today=t))
        print(f"  demo facts (growth, vaccination, schooling, ...) generated in {seconds:.2f} s")
        busiest = Child.objects.annotate(n=Count("vaccinationdose")).order_by("-n", "pk").first()
        for label, path in {**pages, "child page (all tabs and history)": f"/tre-em/{busiest.pk}/"}.items():
            if client.get(path).status_code != 200:  # also warms the caches
                raise SystemExit(f"{path} did not answer 200")
            times = []
            for _ in range(REPEAT):
                times.append(_timed(lambda p=path: client.get(p)) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(
                f"  {label:<40} median {statistics.median(times):7.1f}  max {max(times):7.1f}"
                f"  queries {len(queries.captured_queries)}"
            )
    tmp.cleanup()


if __name__ == "__main__":
    main()
