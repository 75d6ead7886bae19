"""In-app notices of what happens to cases, and each user's choice of email per event type.

A ``Notice`` is one line of a user's bell ("Protocole renvoyé par le CGET – CV059"), created by
the receivers of the kernel's ``case_event`` (``workflows.inbox.receivers``). Its ``key``
(event × recipient) is unique: a receiver run twice, or an event replayed, creates nothing
more. Its email goes through the outbox like a deadline's reminder: one ``Reminder`` row per
notice (``Reminder.notice`` is unique), sent once by ``notifications.sending``, immediately or
in the daily digest according to the user's ``EventPreference`` for that event type (never:
no row). Démarches-simplifiées does the same per procedure and event
(``app/jobs/cron/instructeur_email_notification_job.rb``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """The events of the transition tables (``Transition.event``) users are told about."""

    RETURNED = "returned", _("un dossier vous est renvoyé")
    SUBMITTED = "submitted", _("un dossier arrive dans votre file")
    APPROVED = "approved", _("un dossier est approuvé")
    SIGNED = "signed", _("un dossier est signé")
    MESSAGE = "message", _("un message vous est adressé sur un dossier")
    OTHER = "other", _("autre changement d'un dossier suivi")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("un courriel aussitôt")
    DIGEST = "digest", _("dans le récapitulatif quotidien")
    NEVER = "never", _("jamais (seulement dans Quartiers)")


class Notice(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(_("événement"), max_length=20)
    key = models.CharField(max_length=160, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=250)
    body = models.TextField(_("détail"), blank=True)
    link_path = models.CharField(_("lien"), max_length=200, blank=True)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, null=True, related_name="+")
    case_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        app_label = "notifications"
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's count: a user's unread notices.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notice_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class EventPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_preferences")
    event = models.CharField(_("événement"), max_length=20, choices=Event.choices)
    frequency = models.CharField(_("courriel"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)

    class Meta:
        app_label = "notifications"
        verbose_name = _("préférence par événement")
        verbose_name_plural = _("préférences par événement")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="eventpreference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event} → {self.frequency}"
