from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each case kind registers itself with the case kernel (``workflows.cases.registry``) in its
# ``transitions`` module: its model, flow, transition table and history.
CASE_KINDS = (
    "workflows.paqte.transitions",
    "workflows.renewal.transitions",
    "workflows.steering.transitions",
    "workflows.synthesis.transitions",
)


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Dossiers et circuits de travail")

    def ready(self) -> None:
        from viewflow.workflow.models import Task

        from config.statements import choices_written_registered

        # A task's status in the SQL, not a parameter: the inbox's partial indexes (open tasks
        # only) stay usable by PostgreSQL's plans of prepared statements.
        choices_written_registered(Task._meta.get_field("status"))
        for module in CASE_KINDS:
            import_module(module)
        # Notices of what happens to cases (the kernel's case_event), for every kind.
        import_module("workflows.inbox.receivers").connect()
