"""Operations that several apps' migrations share."""

from django.db import migrations
from django.db.models import F


def names_kept_in_vietnamese(app_label: str, *fields: tuple[str, str]) -> migrations.RunPython:
    """The name each row had becomes its Vietnamese name (django-modeltranslation's `<field>_vi`), for
    `(model, field)` pairs of `app_label`; the English names come with the next `load_plan`."""

    def forwards(apps, schema_editor):
        for model_name, field in fields:
            apps.get_model(app_label, model_name).objects.update(**{f"{field}_vi": F(field)})

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
