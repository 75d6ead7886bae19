"""The administrateur national reads the history of the PAQTE's semester results in Django's admin
(``workflows.admin.SemesterResultRecordAdmin``): view only, each recording being written once (no
add, change nor delete)."""

from django.db import migrations

from accounts.role_permissions import role_permissions_operation

ROLES = {
    "Administrateur national": ["workflows.view_semesterresultrecord"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0018_national_admin_party_admin"),
        ("accounts", "0003_role_groups_and_permissions"),
    ]

    operations = [role_permissions_operation(ROLES)]
