"""PAQTE deadlines wired to their cases.

- ``paqte-convention-end``: a PAQTE convention ends the day *before* the third anniversary of
  its signature (``workflows.paqte.calendar.convention_end``, the date shown to users), while
  0002 computed signature + 3 years. The definition now says signature + 3 years − 1 day, and
  the PAQTE services pass the convention's own ``ends_on`` anyway (29 February signatures).
- The PAQTE deadlines' emails link to the PAQTE task list (``/paqte/taches/``), where those
  tasks are, instead of the renovation inbox; the deadlines already generated follow.
"""

from django.db import migrations

PAQTE_CODES = ["referent-paqte-contact", "paqte-semester-report", "charter-migration",
               "paqte-convention-end", "charter-convention-expiry"]
OLD_LINK, NEW_LINK = "/taches/", "/paqte/taches/"


def _relink(apps, old, new):
    Definition = apps.get_model("notifications", "DeadlineDefinition")
    Deadline = apps.get_model("notifications", "Deadline")
    Definition.objects.filter(code__in=PAQTE_CODES, link_path=old).update(link_path=new)
    Deadline.objects.filter(definition__code__in=PAQTE_CODES, case_id__isnull=True, link_path=old).update(
        link_path=new)


def forwards(apps, schema_editor):
    Definition = apps.get_model("notifications", "DeadlineDefinition")
    Definition.objects.filter(code="paqte-convention-end", offset_years=3, offset_days=0).update(offset_days=-1)
    _relink(apps, OLD_LINK, NEW_LINK)


def backwards(apps, schema_editor):
    Definition = apps.get_model("notifications", "DeadlineDefinition")
    Definition.objects.filter(code="paqte-convention-end", offset_years=3, offset_days=-1).update(offset_days=0)
    _relink(apps, NEW_LINK, OLD_LINK)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_national_admin_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
