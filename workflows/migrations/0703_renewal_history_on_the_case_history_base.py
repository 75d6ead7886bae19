from django.db import migrations


class Migration(migrations.Migration):
    """The renovation history takes the fields of the case kernel's history base."""

    dependencies = [("workflows", "0702_case_history_base")]

    operations = [
        migrations.RenameField(model_name="renewaltransition", old_name="name", new_name="transition"),
    ]
