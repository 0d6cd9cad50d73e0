"""One row per role, none required: the admin ticks the roles that must use a second factor."""

from django.db import migrations

ROLES = ["officer", "collaborator", "unit_staff", "chairman", "district", "admin"]


def add_rows(apps, schema_editor):
    requirement = apps.get_model("tanloi_portal", "SecondFactorRequirement")
    for role in ROLES:
        requirement.objects.get_or_create(role=role, defaults={"required": False})


class Migration(migrations.Migration):
    dependencies = [("tanloi_portal", "0004_second_factor_requirement")]

    operations = [migrations.RunPython(add_rows, migrations.RunPython.noop)]
