"""A child keeps its household's commune and hamlet (children.models.Child.save, and every bulk writer), so that
the lists and the counts of a commune or a hamlet read the children's table alone: the child list's orders are
indexed within a commune and within a hamlet instead of across the whole registry.

Added empty, filled from the households (the children and each historical record from the household it names:
a household never changes hamlet, so that is where the child was then), then required.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_households(apps, schema_editor):
    Household = apps.get_model("children", "Household")
    for name in ("Child", "HistoricalChild"):
        model = apps.get_model("children", name)
        household = Household.objects.filter(pk=OuterRef("household_id"))
        model.objects.update(
            commune_id=Subquery(household.values("commune_id")[:1]),
            hamlet_id=Subquery(household.values("hamlet_id")[:1]),
        )


def place_field(to, verbose_name, *, null):
    return models.ForeignKey(
        db_index=False, editable=False, null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to=to, verbose_name=verbose_name,
    )  # fmt: skip


def history_field(to, verbose_name):
    return models.ForeignKey(
        blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+", to=to, verbose_name=verbose_name,
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0014_list_order_and_trigram_search"),
        ("tanloi_portal", "0011_report_cutoff_label"),
    ]

    operations = [
        migrations.AddField("child", "commune", place_field("tanloi_portal.commune", "xã", null=True)),
        migrations.AddField("child", "hamlet", place_field("tanloi_portal.hamlet", "ấp/sóc", null=True)),
        migrations.AddField("historicalchild", "commune", history_field("tanloi_portal.commune", "xã")),
        migrations.AddField("historicalchild", "hamlet", history_field("tanloi_portal.hamlet", "ấp/sóc")),
        migrations.RunPython(fill_from_households, migrations.RunPython.noop, elidable=False),
        migrations.AlterField("child", "commune", place_field("tanloi_portal.commune", "xã", null=False)),
        migrations.AlterField("child", "hamlet", place_field("tanloi_portal.hamlet", "ấp/sóc", null=False)),
        migrations.RemoveIndex("child", "child_list_order_idx"),
        migrations.RemoveIndex("child", "child_sex_list_order_idx"),
        migrations.AddIndex(
            "child",
            models.Index(fields=["commune", "name_sort_key", "date_of_birth", "id"], name="child_commune_order_idx"),
        ),
        migrations.AddIndex(
            "child",
            models.Index(fields=["hamlet", "name_sort_key", "date_of_birth", "id"], name="child_hamlet_order_idx"),
        ),
        migrations.AddIndex(
            "child",
            models.Index(
                fields=["commune", "sex", "name_sort_key", "date_of_birth", "id"], name="child_commune_sex_order_idx"
            ),
        ),
    ]
