"""Benchmarks for `make bench`: they print figures and assert nothing."""

import os
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(*, client: bool = False) -> tempfile.TemporaryDirectory:
    """Set Django up for a benchmark: on BENCH_DATABASE_URL, or a fresh SQLite file in the temporary folder it
    returns (cleaned up by the caller); `client`: the test Client's host allowed."""
    tmp = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    if client:
        os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.test_settings")
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return tmp


def reset_database() -> None:
    """Start from an empty schema (PostgreSQL: the bench database may hold tables of an older schema)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        call_command("flush", interactive=False, verbosity=0)  # a second size in the same file starts empty


def parse_size(arg: str) -> tuple[int, int]:
    """A size given as COMMUNES:CHILDREN (or CHILDREN: one commune)."""
    communes, _, children = arg.rpartition(":")
    return int(communes or 1), int(children)


def print_page_ratios(small: dict[str, tuple[float, int]], large: dict[str, tuple[float, int]], width: int) -> None:
    """Per page, the large size's median against the small one's, and their query counts: {label: (ms, queries)}."""
    for label in small:
        (ms_small, q_small), (ms_large, q_large) = small[label], large[label]
        print(
            f"    {label:<{width}} {ms_small:7.1f} -> {ms_large:7.1f} ms: {ms_large / ms_small:4.2f}x, "
            f"queries {q_small} -> {q_large}"
        )
