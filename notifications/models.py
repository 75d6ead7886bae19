"""Deadlines and reminders: the campaign calendar as data, and the reminder outbox.

- ``Campaign`` holds ``DeadlineDefinition`` rows (fixed date, every semester, or relative to a
  case) and the ``ReminderRule`` rows the administrateur national edits in the Django admin.
- ``Deadline`` is one concrete date for one département, optionally for one case (generic link:
  the case models attach themselves through ``notifications.services``).
- ``Reminder`` is the outbox: one row per (deadline, rule, recipient) under a unique constraint.
  Its status is the truth about what was sent; Celery messages only carry ids. The recipient is
  a user, or a party to sign the case (``workflows.cases.parties.Party``: a maire, the ARS, a
  company… who has no account), reminded at its contact address by the « per party » rules:
  one row per (deadline, rule, party).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class Campaign(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Seules les campagnes actives relancent."))
    clock = models.DateField(
        _("date de la campagne"),
        null=True,
        blank=True,
        help_text=_(
            "« Aujourd'hui » pour toutes les pages, retards, tableaux de bord, exports, calendriers et relances "
            "(démonstration, formation). Vide : la date réelle (production)."
        ),
    )

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class DeadlineDefinition(models.Model):
    class Kind(models.TextChoices):
        FIXED = "fixed", _("date fixe")
        SEMESTRIAL = "semestrial", _("chaque semestre")
        RELATIVE = "relative", _("relative à un dossier")

    class Scope(models.TextChoices):
        DEPARTMENT = "department", _("une échéance par département")
        CASE = "case", _("une échéance par dossier")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="definitions", verbose_name=_("campagne")
    )
    code = models.SlugField(_("code stable"), max_length=50, help_text=_("Utilisé par le code ; ne pas modifier."))
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices, default=Scope.DEPARTMENT)
    due_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("Date fixe, ou première échéance semestrielle (les suivantes tombent tous les six mois)."),
    )
    offset_years = models.PositiveSmallIntegerField(_("décalage (années)"), default=0)
    offset_days = models.IntegerField(_("décalage (jours)"), default=0)
    link_path = models.CharField(
        _("lien de la tâche"),
        max_length=200,
        default="/taches/",
        help_text=_("Chemin ouvert depuis les courriels quand l'échéance n'est pas liée à un dossier."),
    )

    class Meta:
        verbose_name = _("définition d'échéance")
        verbose_name_plural = _("définitions d'échéances")
        ordering = ["campaign", "due_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="deadlinedefinition_unique_code"),
            models.CheckConstraint(
                condition=models.Q(kind="relative") | models.Q(due_on__isnull=False),
                name="deadlinedefinition_dated_unless_relative",
                violation_error_message=_("Une échéance fixe ou semestrielle a une date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Deadline(models.Model):
    """One concrete date. ``key`` is the natural key (definition, département, case, occurrence)
    so that generation is an idempotent upsert."""

    definition = models.ForeignKey(
        DeadlineDefinition, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("définition")
    )
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("département"),
        help_text=_("Vide : échéance nationale (visible des seuls rôles nationaux)."),
    )
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    case = GenericForeignKey("case_type", "case_id")
    occurrence = models.CharField(_("occurrence"), max_length=20, blank=True, help_text=_("ex. 2019-S1"))
    key = models.CharField(max_length=120, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=250)
    due_on = models.DateField(_("échéance"))
    link_path = models.CharField(_("lien"), max_length=200)
    met_at = models.DateTimeField(_("respectée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["due_on", "id"]
        indexes = [
            # The sweep reads open deadlines by date only: a partial index keeps met ones out.
            models.Index(fields=["due_on"], condition=models.Q(met_at__isnull=True), name="deadline_open_due_idx"),
            models.Index(fields=["case_type", "case_id"], name="deadline_case_idx"),
            models.Index(fields=["department", "due_on"], name="deadline_department_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on:%d/%m/%Y})"

    @property
    def is_met(self) -> bool:
        return self.met_at is not None


class ReminderRule(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("avant l'échéance")
        AFTER = "after", _("après l'échéance (escalade)")
        # Each party of the case that has not signed (nor refused), at its contact address.
        PARTY = "party", _("avant l'échéance, à chaque signataire qui n'a pas signé")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules", verbose_name=_("campagne"))
    name = models.CharField(_("nom"), max_length=100)
    kind = models.CharField(_("type"), max_length=6, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(_("jours"), help_text=_("Jours avant (ou après) l'échéance."))
    recipient_role = models.CharField(
        _("destinataires (rôle)"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("Vide pour une règle « à chaque signataire » : le signataire est le destinataire."),
    )
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("département"),
        help_text=_("Vide : tous les départements."),
    )
    definition = models.ForeignKey(
        DeadlineDefinition,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("échéance"),
        help_text=_("Vide : toutes les échéances de la campagne."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle de relance")
        verbose_name_plural = _("règles de relance")
        ordering = ["campaign", "kind", "-days"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="party", recipient_role="")
                | (~models.Q(kind="party") & ~models.Q(recipient_role="")),
                name="reminderrule_role_unless_per_party",
                violation_error_message=_(
                    "Une règle « à chaque signataire » n'a pas de rôle destinataire ; les autres en ont un."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """The outbox. Status moves only through conditional UPDATEs (see ``notifications.sending``)."""

    class Status(models.TextChoices):
        READY = "ready", _("à envoyer")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("en échec")
        CANCELLED = "cancelled", _("annulée")

    # A deadline's reminder (deadline + rule), or a case event's email (``notice``, see
    # ``notifications.notices``): the same outbox, the same exactly-once sending.
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True)
    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True)
    notice = models.OneToOneField(
        "notifications.Notice", on_delete=models.CASCADE, related_name="email", null=True, blank=True
    )
    # "digest" or "immediate" chosen for this row (the event type's preference); empty: the
    # user's general preference (deadline reminders).
    frequency = models.CharField(_("envoi"), max_length=10, blank=True, default="", db_default="")
    # A user, or a party to sign (its contact address, read when sending): exactly one.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    party = models.ForeignKey(
        "workflows.Party",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
        verbose_name=_("signataire"),
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.READY)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"))
    campaign_day = models.DateField(
        _("jour de campagne"), help_text=_("Jour du balayage qui l'a créée (date rejouée en démonstration).")
    )
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "rule", "recipient"], name="reminder_unique_per_recipient"),
            models.UniqueConstraint(fields=["deadline", "rule", "party"], name="reminder_unique_per_party"),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, party__isnull=True)
                | models.Q(recipient__isnull=True, party__isnull=False, notice__isnull=True),
                name="reminder_user_or_party",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__isnull=False, rule__isnull=False, notice__isnull=True)
                | models.Q(deadline__isnull=True, rule__isnull=True, notice__isnull=False),
                name="reminder_deadline_or_notice",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "enqueued_at"],
                condition=models.Q(status__in=["ready", "sending"]),
                name="reminder_pending_idx",
            ),
            models.Index(fields=["recipient", "status"], name="reminder_recipient_status_idx"),
        ]

    def __str__(self) -> str:
        to = f"signataire {self.party_id}" if self.party_id else self.recipient_id
        return f"{self.deadline} → {to} ({self.get_status_display()})"


def party_model() -> Any:
    """The parties to sign (``workflows.cases.parties.Party``), a model of the case kernel above this
    app: reached through the outbox's foreign key, never imported."""
    return Reminder._meta.get_field("party").related_model


def party_table() -> str:
    return str(party_model()._meta.db_table)


class NotificationPreference(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("un courriel par relance")
        DIGEST = "digest", _("un récapitulatif quotidien")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret of a user's iCalendar feed URL. Revoking deletes the row; regenerating replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("jeton de calendrier")
        verbose_name_plural = _("jetons de calendrier")

    def __str__(self) -> str:
        return f"{self.user_id}"
