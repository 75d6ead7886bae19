"""Users (login by email), organisations, roles and per-département object grants."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Role(models.TextChoices):
    AGENT = "agent", _("Agent de préfecture")
    PAQTE_REFERENT = "paqte_referent", _("Référent PAQTE")
    PREFECT_VALIDATOR = "prefect_validator", _("Valideur préfectoral")
    CGET_REFERENT = "cget_referent", _("Référent CGET")
    NATIONAL_ADMIN = "national_admin", _("Administrateur national")


PREFECTURE_ROLES = frozenset({Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR})
NATIONAL_ROLES = frozenset({Role.CGET_REFERENT, Role.NATIONAL_ADMIN})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("Préfecture")
        CGET = "cget", _("CGET")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=150, unique=True)
    department = models.OneToOneField(
        "reference.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prefecture",
        verbose_name=_("département"),
    )
    # The prefecture's documents (the synthesis, the PAQTE report) are signed « Préfet du Nord » or
    # « Préfète du Nord » (reference.pdf); the national administrator sets it when a prefect changes.
    head_title = models.CharField(
        _("titre du préfet"),
        max_length=10,
        choices=[("Préfet", "Préfet"), ("Préfète", "Préfète")],
        default="Préfet",
        help_text=_("Comment les documents de la préfecture sont signés : « Préfet du Nord » ou « Préfète du Nord »."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="prefecture", department__isnull=False))
                | (models.Q(kind="cget", department__isnull=True)),
                name="organisation_prefecture_has_department",
                violation_error_message=_("Une préfecture a un département ; le CGET n'en a pas."),
            ),
            models.UniqueConstraint(fields=["kind"], condition=models.Q(kind="cget"), name="organisation_single_cget"),
        ]

    def __str__(self) -> str:
        return self.name


def email_normalise(value: str | None) -> str:
    """The one spelling of a login address: NFKC, trimmed, lower-case.

    Used where an address is stored (``User.save``), looked up (``get_by_natural_key``) and
    counted by django-axes (``accounts.login.axes_username``): a lock-out then covers every
    spelling that can log in, since the lookup is exact on this form (OWASP ASVS 5.0 6.3.1).
    """
    return unicodedata.normalize("NFKC", value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=email_normalise(self.normalize_email(email)), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Exact match on the normalised form, not ``iexact``: PostgreSQL's UPPER() folds more
        # characters than str.lower() (the dotless "ı" onto "I"), which let a spelling log in
        # that django-axes counted apart.
        return self.get(email=email_normalise(username))

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, blank=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("date d'inscription"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django's rule (an active superuser has every permission; else the first backend that
        says yes), asked of the backends loaded once (``accounts.backends.permission_backends``):
        Django builds the five of them anew at each question, several hundred calls a page."""
        if self.is_active and self.is_superuser:
            return True
        from accounts.backends import permission_backends  # the backends module reads this one

        for backend in permission_backends():
            try:
                if backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One address, one account: emails are stored lower-case whatever the entry path.
        self.email = email_normalise(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_national(self) -> bool:
        return self.is_superuser or self.role in NATIONAL_ROLES


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """Direct-foreign-key grant table (guardian docs, userguide/performance.md)."""

    content_object = models.ForeignKey("reference.Department", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("habilitation d'un utilisateur sur un département")
        verbose_name_plural = _("habilitations des utilisateurs sur les départements")


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("reference.Department", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("habilitation d'un groupe sur un département")
        verbose_name_plural = _("habilitations des groupes sur les départements")


class AbsenceCover(models.Model):
    """A user's absence and the colleague who covers it (same département and role): from
    ``starts_on`` to ``ends_on`` included, read on the campaign's clock, the colleague sees and
    acts on the tasks assigned to the absent user (``workflows.cases.tasks.task_may_act``) and
    receives his notices and their emails (``notifications.notice_services``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="absences", verbose_name=_("absent"))
    colleague = models.ForeignKey(User, on_delete=models.CASCADE, related_name="covers", verbose_name=_("remplaçant"))
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au (inclus)"))
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("absence et remplacement")
        verbose_name_plural = _("absences et remplacements")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absencecover_ends_after_start",
                violation_error_message=_("La fin de l'absence précède son début."),
            ),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("colleague")),
                name="absencecover_not_oneself",
                violation_error_message=_("On ne se remplace pas soi-même."),
            ),
        ]
        indexes = [
            models.Index(fields=["colleague", "ends_on"], name="absencecover_colleague_idx"),
            models.Index(fields=["user", "ends_on"], name="absencecover_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.colleague} ({self.starts_on} – {self.ends_on})"


class UserSession(AbstractBaseSession):
    """Django's database session, with the signed-in user's id beside its data: each request
    reads its session and its user, with his organisation, in one query
    (``accounts.sessions``; two before). The id is written from the data at each save, so a
    session without ``_auth_user_id`` (signed out, never signed in) has none."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("utilisateur")
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> Any:
        from accounts.sessions import SessionStore

        return SessionStore
