"""Benchmarks for `make bench`: they print figures and assert nothing."""


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
