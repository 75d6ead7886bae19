from django.db import migrations


class Migration(migrations.Migration):
    """One word for one thing: the PAQTE report's and result's ``half`` is the ``semester``."""

    dependencies = [("workflows", "0704_renewal_prefect_validation")]

    operations = [
        migrations.RenameField(model_name="semesterreport", old_name="half", new_name="semester"),
        migrations.RenameField(model_name="semesterresult", old_name="half", new_name="semester"),
    ]
