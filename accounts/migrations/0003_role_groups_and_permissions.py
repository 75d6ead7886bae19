"""The five roles and what each may do, as data (one Django group per role).

Prefecture roles act only where guardian grants them their département; the CGET référent's
national reach is the global ``reference.view_department``; ``viewflow.view_process`` and the
flows' ``view_*process`` let viewflow show the flows in the inbox (which cases are shown stays
scoped by département). The administrateur national edits the campaign calendar and the
reminder rules, the users and their grants, and reads the audit log.
Later changes to a role are small migrations through the same ``role_permissions_operation``.
"""

from django.db import migrations

from accounts.role_permissions import role_permissions_operation

ROLES = {
    "Agent de préfecture": [
        "viewflow.view_process",
        "workflows.view_paqte",
        "workflows.view_paqteprocess",
        "workflows.view_renewal",
        "workflows.view_renewalprocess",
        "workflows.view_steering",
        "workflows.view_synthesisprocess",
        "workflows.work_paqte",
        "workflows.work_renewal",
        "workflows.work_steering",
        "workflows.work_synthesis",
    ],
    "Référent PAQTE": [
        "viewflow.view_process",
        "workflows.view_paqte",
        "workflows.view_paqteprocess",
        "workflows.view_renewal",
        "workflows.view_renewalprocess",
        "workflows.view_steering",
        "workflows.view_synthesisprocess",
        "workflows.work_paqte",
        "workflows.work_steering",
    ],
    "Valideur préfectoral": [
        "viewflow.view_process",
        "workflows.validate_paqte",
        "workflows.validate_renewal",
        "workflows.validate_synthesis",
        "workflows.view_paqte",
        "workflows.view_paqteprocess",
        "workflows.view_renewal",
        "workflows.view_renewalprocess",
        "workflows.view_steering",
        "workflows.view_synthesisprocess",
        "workflows.work_steering",
    ],
    "Référent CGET": [
        "reference.view_department",
        "viewflow.view_process",
        "workflows.review_paqte",
        "workflows.review_renewal",
        "workflows.review_synthesis",
        "workflows.view_paqte",
        "workflows.view_paqteprocess",
        "workflows.view_renewal",
        "workflows.view_renewalprocess",
        "workflows.view_steering",
        "workflows.view_synthesisprocess",
    ],
    "Administrateur national": [
        "accounts.add_departmentgroupobjectpermission",
        "accounts.add_departmentuserobjectpermission",
        "accounts.add_user",
        "accounts.change_departmentuserobjectpermission",
        "accounts.change_organisation",
        "accounts.change_user",
        "accounts.delete_departmentgroupobjectpermission",
        "accounts.delete_departmentuserobjectpermission",
        "accounts.view_departmentgroupobjectpermission",
        "accounts.view_departmentuserobjectpermission",
        "accounts.view_organisation",
        "accounts.view_user",
        "auditlog.view_logentry",
        "auth.view_group",
        "notifications.add_reminderrule",
        "notifications.change_campaign",
        "notifications.change_deadlinedefinition",
        "notifications.change_reminderrule",
        "notifications.delete_reminderrule",
        "notifications.view_campaign",
        "notifications.view_deadline",
        "notifications.view_deadlinedefinition",
        "notifications.view_reminder",
        "notifications.view_reminderrule",
        "reference.change_measure",
        "reference.view_citycontract",
        "reference.view_department",
        "reference.view_epci",
        "reference.view_measure",
        "reference.view_measureindicator",
        "reference.view_qpv",
        "reference.view_region",
        "viewflow.view_process",
        "workflows.launch_all_renewals",
        "workflows.view_commitment",
        "workflows.view_paqte",
        "workflows.view_paqteprocess",
        "workflows.view_renewal",
        "workflows.view_renewaldocument",
        "workflows.view_renewalprocess",
        "workflows.view_renewaltransition",
        "workflows.view_steering",
        "workflows.view_synthesisprocess",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisations_in_departments_and_grants"),
        ("auditlog", "0017_add_actor_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_campaign_deadlines_outbox_and_notices"),
        ("reference", "0001_geography_contracts_and_measures"),
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0006_inbox"),
    ]

    operations = [role_permissions_operation(ROLES)]
