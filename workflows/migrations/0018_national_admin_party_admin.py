"""The administrateur national sees and corrects the parties to sign a case in Django's admin
(``workflows.admin.PartyAdmin``), as the other case models: view and change on the parties, view on
their history. No add nor delete: the services add them and record their signatures."""

from django.db import migrations

from accounts.role_permissions import role_permissions_operation

ROLES = {
    "Administrateur national": ["workflows.change_party", "workflows.view_party", "workflows.view_partyhistory"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0017_task_open_by_process_index"),
        ("accounts", "0003_role_groups_and_permissions"),
    ]

    operations = [role_permissions_operation(ROLES)]
