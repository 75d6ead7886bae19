from django.db import migrations


class Migration(migrations.Migration):
    """Joins the process index of the load work (0700) with the synthesis and follow-up lines."""

    dependencies = [
        ("workflows", "0125_merge_synthesis_followup"),
        ("workflows", "0700_process_flow_class_index"),
    ]

    operations = []
