from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Échéances et relances")

    def ready(self) -> None:
        # The campaign calendar is read once per request: its signal receivers reset it.
        from notifications import campaign  # noqa: F401
