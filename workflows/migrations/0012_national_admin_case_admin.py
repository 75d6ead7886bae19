"""The administrateur national sees and corrects every case in Django's admin (``workflows.admin``):
view and change on the case models, view on their histories and documents. No add nor delete (the
services create cases, histories are kept), and the admin leaves states read-only: transitions
stay with the runner."""

from django.db import migrations

from accounts.role_permissions import role_permissions_operation

CHANGED = [
    "renewal",
    "commitment",
    "commitmentfollowup",
    "referentdesignation",
    "paqteconvention",
    "objective",
    "charterconvention",
    "semesterreport",
    "company",
    "steeringcommittee",
    "committeemember",
    "synthesis",
    "meeting",
]
VIEWED = [
    "renewaltransition",
    "renewaldocument",
    "paqtehistory",
    "semesterresult",
    "synthesishistory",
    "meetinghistory",
]
ROLES = {
    "Administrateur national": sorted(
        {f"workflows.{action}_{model}" for model in CHANGED for action in ("view", "change")}
        | {f"workflows.view_{model}" for model in VIEWED}
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0011_search_full_text"),
        ("accounts", "0003_role_groups_and_permissions"),
    ]

    operations = [role_permissions_operation(ROLES)]
