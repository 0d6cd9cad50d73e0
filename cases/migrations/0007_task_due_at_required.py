"""Every task has its due time now (filled by 0006): the column becomes NOT NULL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_fill_due_at")]

    operations = [
        migrations.AlterField(model_name="task", name="due_at", field=models.DateTimeField(editable=False)),
    ]
