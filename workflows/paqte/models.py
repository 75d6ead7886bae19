"""PAQTE cases: référent designation, steering committee, companies, conventions with
objectives and semester results, charter conventions, and the semestrial report to the CGET.

States are protected FSM fields; a transition only changes the object in memory, the services
(``workflows.paqte.services``) lock the row, check, save and write the history row.
Guards only answer a question; ``refusal`` gives the French sentence a refused guard shows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.models import Process

from notifications.campaign import SEMESTER_CHOICES, campaign_today, convention_end, semester_label
from reference.addresses import reverse_ids
from workflows.cases.history import AppendOnly, AppendOnlyHistory
from workflows.paqte.permissions import can_review, can_validate, can_work
from workflows.paqte.siret import siret_validator
from workflows.submissions.models import Submission, SubmissionState

__all__ = [
    "Axis",
    "CharterConvention",
    "CommitteeMember",
    "Company",
    "KeyIndicator",
    "Objective",
    "PaqteConvention",
    "PaqteHistory",
    "PaqteProcess",
    "ReferentDesignation",
    "SemesterReport",
    "SemesterResult",
    "SemesterResultRecord",
    "SteeringCommittee",
]


# A convention or a charter convention "nears its end" this many days before it: its renewal
# (or the PAQTE, for a charter) is proposed from then on.
NEAR_END_DAYS = 180


class Axis(models.TextChoices):
    AWARENESS = "awareness", _("Sensibiliser")
    TRAINING = "training", _("Former")
    HIRING = "hiring", _("Recruter")
    PURCHASING = "purchasing", _("Acheter")


class PaqteHistory(AppendOnlyHistory):
    """Append-only log of every transition of every PAQTE case (who, when, from, to, comment)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("historique PAQTE")
        verbose_name_plural = _("historiques PAQTE")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        permissions = [
            ("view_paqte", _("Consulter le PAQTE")),
            ("work_paqte", _("Instruire les dossiers PAQTE du département")),
            ("validate_paqte", _("Valider les envois PAQTE au nom du préfet")),
            ("review_paqte", _("Examiner les envois PAQTE au CGET")),
        ]


class KeyIndicator(models.Model):
    """The predefined key indicators of the PAQTE (data migration ``0007_paqte_key_indicators``), one axis each."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    axis = models.CharField(_("axe"), max_length=12, choices=Axis.choices)
    label = models.CharField(_("indicateur"), max_length=250)
    unit = models.CharField(_("unité"), max_length=40)
    position = models.PositiveSmallIntegerField(_("ordre"))

    class Meta:
        verbose_name = _("indicateur clé PAQTE")
        verbose_name_plural = _("indicateurs clés PAQTE")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class Company(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("Grande entreprise")
        ETI = "eti", _("ETI")
        PME = "pme", _("PME")
        TPE = "tpe", _("TPE")

    class SignatureLevel(models.TextChoices):
        NATIONAL = "national", _("Signature nationale")
        LOCAL = "local", _("Signature locale")

    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        validators=[siret_validator],
        error_messages={"unique": _("Une entreprise avec ce SIRET existe déjà.")},
    )
    size = models.CharField(_("taille"), max_length=5, choices=Size.choices)
    sector = models.CharField(_("secteur d'activité"), max_length=150)
    address = models.CharField(_("adresse"), max_length=300)
    signature_level = models.CharField(_("signature"), max_length=8, choices=SignatureLevel.choices)

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def commits_on_all_axes(self) -> bool:
        """A grande entreprise or an ETI commits on the four axes (annex 2, § 2)."""
        return self.size in (self.Size.LARGE, self.Size.ETI)


# --- Référent PAQTE and submissions to the CGET -------------------------------------------


def _can_work(instance: Any, user: Any) -> bool:
    return can_work(user, instance.department)


class PaqteSubmission(Submission):
    """A PAQTE submission to the CGET: worked by the département's PAQTE team, validated by the
    prefect's valideur, reviewed by the CGET (``workflows.paqte.permissions``)."""

    class Meta:
        abstract = True

    def may_work(self, user: Any) -> bool:
        return can_work(user, self.department)

    def may_validate(self, user: Any) -> bool:
        return can_validate(user, self.department)

    def may_review(self, user: Any) -> bool:
        return can_review(user)


class ReferentDesignation(PaqteSubmission):
    """The PAQTE référent of a département, due to the CGET by the campaign's « referent-paqte-contact » date."""

    department = models.OneToOneField(
        "reference.Department",
        on_delete=models.PROTECT,
        related_name="paqte_referent",
        verbose_name=_("département"),
    )
    name = models.CharField(_("nom et prénom"), max_length=150)
    function = models.CharField(_("fonction"), max_length=150)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=30)

    class Meta:
        verbose_name = _("désignation du référent PAQTE")
        verbose_name_plural = _("désignations des référents PAQTE")
        ordering = ["department__code"]

    def __str__(self) -> str:
        return f"Référent PAQTE – {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("paqte:department_detail", args=[self.department.code])


# --- Steering committee ----------------------------------------------------------------------


class SteeringCommittee(models.Model):
    department = models.OneToOneField(
        "reference.Department",
        on_delete=models.PROTECT,
        related_name="paqte_committee",
        verbose_name=_("département"),
    )

    class Meta:
        verbose_name = _("comité de pilotage PAQTE")
        verbose_name_plural = _("comités de pilotage PAQTE")

    def __str__(self) -> str:
        return f"Comité de pilotage PAQTE – {self.department}"


class CommitteeMember(models.Model):
    class Kind(models.TextChoices):
        BUSINESS_CLUB = "business_club", _("Club d'entreprises (FACE, CREPI, LEPC…)")
        DIRECCTE = "direccte", _("DIRECCTE")
        POLE_EMPLOI = "pole_emploi", _("Pôle emploi")
        EPCI = "epci", _("Intercommunalité (EPCI)")
        LOCAL_AUTHORITY = "local_authority", _("Autre collectivité locale")
        OTHER = "other", _("Autre")

    committee = models.ForeignKey(SteeringCommittee, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("catégorie"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("organisme"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membre du comité de pilotage")
        verbose_name_plural = _("membres du comité de pilotage")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


# --- Conventions ------------------------------------------------------------------------------


class PaqteConvention(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        NEGOTIATION = "negotiation", _("En négociation")
        SIGNED = "signed", _("Signée")
        ACTIVE = "active", _("En cours")
        EXPIRED = "expired", _("Échue")
        RENEWED = "renewed", _("Renouvelée")
        TERMINATED = "terminated", _("Résiliée")

    OPEN_STATES = (State.DRAFT, State.NEGOTIATION, State.SIGNED, State.ACTIVE)
    SIGNATORY_STATES = (State.SIGNED, State.ACTIVE)

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("entreprise")
    )
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        related_name="paqte_conventions",
        verbose_name=_("département"),
    )
    state = FSMField(_("état"), max_length=12, choices=State.choices, default=State.DRAFT, protected=True)
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    ends_on = models.DateField(_("prend fin le"), null=True, blank=True)
    renewal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renouvelle la convention"),
    )
    renewal_offered_on = models.DateField(_("renouvellement proposé le"), null=True, blank=True)
    termination_reason = models.TextField(_("motif de résiliation"), blank=True)
    created = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("convention PAQTE")
        verbose_name_plural = _("conventions PAQTE")
        ordering = ["department__code", "company__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "department"],
                condition=models.Q(state__in=["draft", "negotiation", "signed", "active"]),
                name="paqte_one_open_convention_per_company_department",
                violation_error_message=_("Cette entreprise a déjà une convention PAQTE en cours dans ce département."),
            ),
        ]
        indexes = [models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"Convention PAQTE – {self.company} ({self.department.code})"

    def get_absolute_url(self) -> str:
        return reverse_ids("paqte:convention_detail", self.pk)

    # Guards: they only answer.
    def has_objectives(self: Any) -> bool:
        return self.objectives.exists()

    def has_valid_commitments(self: Any) -> bool:
        return not self.commitment_problems()

    def has_ended(self: Any) -> bool:
        return self.ends_on is not None and campaign_today() > self.ends_on

    def is_near_end(self: Any) -> bool:
        return self.ends_on is not None and (self.ends_on - campaign_today()).days <= NEAR_END_DAYS

    def commitment_problems(self) -> list[str]:
        """The axis rules by company size (annex 2, § 2 and § 3), in French."""
        objectives = list(self.objectives.all())
        problems = []
        if not objectives:
            problems.append("La convention doit comporter au moins un objectif.")
        if self.company.commits_on_all_axes:
            covered = {o.axis for o in objectives if o.indicator_id is not None}
            missing = [label for value, label in Axis.choices if value not in covered]
            if missing:
                problems.append(
                    f"Une entreprise de taille « {self.company.get_size_display()} » s'engage sur les quatre axes : "
                    "il manque un objectif sur un indicateur clé pour : " + ", ".join(map(str, missing)) + "."
                )
            if any(o.indicator_id is None for o in objectives):
                problems.append(
                    "Les engagements spécifiques sont réservés aux PME et TPE ; "
                    "une grande entreprise ou une ETI s'engage sur les indicateurs clés."
                )
        return problems

    @transition(state, source=State.DRAFT, target=State.NEGOTIATION, conditions=[has_objectives], permission=_can_work)
    def start_negotiation(self) -> None:
        pass

    @transition(
        state, source=State.NEGOTIATION, target=State.SIGNED, conditions=[has_valid_commitments], permission=_can_work
    )
    def sign(self, *, signed_on: datetime.date) -> None:
        self.signed_on = signed_on
        self.ends_on = convention_end(signed_on)

    @transition(state, source=State.SIGNED, target=State.ACTIVE, permission=_can_work)
    def activate(self) -> None:
        pass

    @transition(state, source=State.ACTIVE, target=State.EXPIRED, conditions=[has_ended], permission=_can_work)
    def expire(self) -> None:
        pass

    @transition(state, source=State.ACTIVE, target=State.RENEWED, conditions=[is_near_end], permission=_can_work)
    def renew(self) -> None:
        """Its successor, a draft (``renewal_of``), is what the transition creates (the table's
        ``creates``: ``workflows.paqte.successors``), in the same transaction."""

    @transition(state, source=[State.SIGNED, State.ACTIVE], target=State.TERMINATED, permission=_can_work)
    def terminate(self, *, reason: str) -> None:
        self.termination_reason = reason

    @property
    def is_editable(self) -> bool:
        """Objectives change while the convention is negotiated, never after the signature."""
        return self.state in (self.State.DRAFT, self.State.NEGOTIATION)


class Objective(models.Model):
    """One commitment of a convention: a key indicator with a target, or (PME/TPE only) a
    specific commitment described in words."""

    convention = models.ForeignKey(PaqteConvention, on_delete=models.CASCADE, related_name="objectives")
    axis = models.CharField(_("axe"), max_length=12, choices=Axis.choices)
    indicator = models.ForeignKey(
        KeyIndicator, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("indicateur clé")
    )
    label = models.CharField(_("engagement spécifique"), max_length=250, blank=True)
    target = models.PositiveIntegerField(_("cible"))

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["convention", "axis", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(indicator__isnull=False) | ~models.Q(label=""),
                name="paqte_objective_indicator_or_label",
                violation_error_message=_(
                    "Un objectif porte sur un indicateur clé ou décrit un engagement spécifique."
                ),
            ),
            models.UniqueConstraint(
                fields=["convention", "indicator"],
                condition=models.Q(indicator__isnull=False),
                name="paqte_objective_indicator_once",
                violation_error_message=_("Cet indicateur a déjà un objectif dans la convention."),
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.indicator)

    @property
    def title(self) -> str:
        return self.indicator.label if self.indicator_id and self.indicator else self.label


class SemesterResult(models.Model):
    """The result of one objective over one semester (semester 1 = January–June)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField(_("année"))
    semester = models.PositiveSmallIntegerField(_("semestre"), choices=SEMESTER_CHOICES)
    value = models.PositiveIntegerField(_("réalisé"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now=True)

    class Meta:
        verbose_name = _("résultat semestriel")
        verbose_name_plural = _("résultats semestriels")
        ordering = ["year", "semester"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "year", "semester"], name="paqte_one_result_per_semester"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-S{self.semester}: {self.value}"


class SemesterResultRecord(AppendOnly, models.Model):
    """Each recording of a semester result, written once (``SemesterResult`` keeps only the last
    value): the history a semestrial report's figures are recomputed from « as of » its
    transmission to the CGET (``workflows.paqte.figures``)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="result_records")
    year = models.PositiveSmallIntegerField(_("année"))
    semester = models.PositiveSmallIntegerField(_("semestre"), choices=SEMESTER_CHOICES)
    value = models.PositiveIntegerField(_("réalisé"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("saisie d'un résultat semestriel")
        verbose_name_plural = _("historique des résultats semestriels")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["objective", "year", "semester", "at"])]

    def __str__(self) -> str:
        return f"{self.year}-S{self.semester}: {self.value} ({self.at:%d/%m/%Y})"


# --- Charte entreprises et quartiers ------------------------------------------------------------


class CharterConvention(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("En cours")
        OFFERED = "offered", _("PAQTE proposé")
        MIGRATED = "migrated", _("Transformée en PAQTE")
        DECLINED = "declined", _("PAQTE refusé")
        EXPIRED = "expired", _("Échue")

    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        related_name="charter_conventions",
        verbose_name=_("département"),
    )
    reference = models.CharField(_("numéro de la convention"), max_length=40)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="charter_conventions", verbose_name=_("entreprise")
    )
    signed_on = models.DateField(_("signée le"))
    ends_on = models.DateField(_("prend fin le"))
    # Targets per axis carried over into the PAQTE convention on migration (empty: axis not kept).
    targets = models.JSONField(_("cibles par axe"), default=dict, blank=True)
    commitments = models.TextField(_("engagements de la charte"), blank=True)
    state = FSMField(_("état"), max_length=10, choices=State.choices, default=State.ACTIVE, protected=True)
    offered_on = models.DateField(_("PAQTE proposé le"), null=True, blank=True)
    paqte_convention = models.OneToOneField(
        PaqteConvention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charter",
        verbose_name=_("convention PAQTE issue de la charte"),
    )

    class Meta:
        verbose_name = _("convention Charte entreprises et quartiers")
        verbose_name_plural = _("conventions Charte entreprises et quartiers")
        ordering = ["department__code", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["department", "reference"], name="charter_reference_per_department"),
        ]

    def __str__(self) -> str:
        return f"Charte {self.reference} – {self.company}"

    def get_absolute_url(self) -> str:
        return reverse_ids("paqte:charter_detail", self.pk)

    def has_ended(self: Any) -> bool:
        return campaign_today() > self.ends_on

    @transition(state, source=State.ACTIVE, target=State.OFFERED, permission=_can_work)
    def offer(self, *, today: datetime.date | None = None) -> None:
        self.offered_on = today or timezone.localdate()

    @transition(state, source=State.OFFERED, target=State.MIGRATED, permission=_can_work)
    def migrate(self) -> None:
        """The PAQTE convention it becomes (``paqte_convention``) is what the transition creates
        (the table's ``creates``: ``workflows.paqte.successors``), in the same transaction."""

    @transition(state, source=State.OFFERED, target=State.DECLINED, permission=_can_work)
    def decline(self) -> None:
        pass

    @transition(
        state, source=[State.ACTIVE, State.OFFERED], target=State.EXPIRED, conditions=[has_ended], permission=_can_work
    )
    def expire(self) -> None:
        pass


# --- Semestrial report ---------------------------------------------------------------------------


class SemesterReport(PaqteSubmission):
    """The six-monthly PAQTE report of a département to the CGET (annex 2's format). The figures
    come from the data (selectors.report_aggregates); the agent completes the text."""

    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="paqte_reports", verbose_name=_("département")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    semester = models.PositiveSmallIntegerField(_("semestre"), choices=SEMESTER_CHOICES)
    organisation = models.TextField(
        _("organisation retenue de suivi et d'animation du PAQTE"),
        blank=True,
        help_text=_(
            "Ex. : chargé de mission au sein de la préfecture ; désignation d'un délégué du Préfet référent ; "
            "subventions accordées à des partenaires en charge de l'animation…"
        ),
    )
    partners = models.TextField(_("associations et autres acteurs partenaires du déploiement"), blank=True)
    examples = models.TextField(_("exemples concrets d'actions réalisées"), blank=True)
    strategy = models.TextField(_("stratégie et obstacles rencontrés"), blank=True)
    pru_count = models.PositiveIntegerField(_("nombre de PRU d'intérêt national"), null=True, blank=True)
    job_seekers_qpv = models.PositiveIntegerField(
        _("demandeurs d'emploi en fin de mois (DEFM) dans les QPV"), null=True, blank=True
    )
    # The report's figures as transmitted to the CGET (``workflows.paqte.selectors.ReportFigures``),
    # frozen by the runner under the case's lock (the table's ``snapshot``); None: computed from the
    # data when the page is drawn (a draft, a report returned by the CGET).
    figures_snapshot = models.JSONField(_("chiffres transmis"), null=True, blank=True)

    class Meta:
        verbose_name = _("bilan semestriel PAQTE")
        verbose_name_plural = _("bilans semestriels PAQTE")
        ordering = ["-year", "-semester", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "semester"], name="paqte_one_report_per_semester"),
        ]

    def __str__(self) -> str:
        return f"Bilan PAQTE {self.year}-S{self.semester} – {self.department}"

    def get_absolute_url(self) -> str:
        return reverse_ids("paqte:report_detail", self.pk)

    def is_complete(self: Any) -> bool:
        return bool(self.organisation.strip()) and self.pru_count is not None and self.job_seekers_qpv is not None

    @transition(
        "state",
        source=SubmissionState.DRAFT,
        target=SubmissionState.PREFECT_VALIDATION,
        conditions=[is_complete],
        permission=_can_work,
    )
    def send_to_validation(self) -> None:
        pass

    # Transmitted to the CGET: the figures are frozen (``figures``, computed by the runner under
    # the lock); returned, the report is corrected on live figures again.
    @transition(
        "state",
        source=SubmissionState.PREFECT_VALIDATION,
        target=SubmissionState.SUBMITTED,
        permission=lambda report, user: report.may_validate(user),
    )
    def validate(self, *, figures: dict[str, Any]) -> None:
        self.submitted_at = timezone.now()
        self.figures_snapshot = figures

    @transition(
        "state",
        source=SubmissionState.SUBMITTED,
        target=SubmissionState.RETURNED,
        permission=lambda report, user: report.may_review(user),
    )
    def return_to_prefecture(self, *, reason: str) -> None:
        self.return_comment = reason
        self.figures_snapshot = None

    @transition(
        "state",
        source=SubmissionState.RETURNED,
        target=SubmissionState.SUBMITTED,
        permission=lambda report, user: report.may_work(user),
    )
    def resubmit(self, *, figures: dict[str, Any]) -> None:
        self.submitted_at = timezone.now()
        self.figures_snapshot = figures

    @property
    def semester_label(self) -> str:
        return semester_label(self.year, self.semester)


# --- viewflow ---------------------------------------------------------------------------------


class PaqteProcess(Process):
    """A PAQTE case's process; the case is the artifact (its ``department`` scopes the inbox)."""

    class Meta:
        proxy = True
        verbose_name = _("processus PAQTE")
        verbose_name_plural = _("processus PAQTE")

    def __str__(self) -> str:
        title = self.flow_class.process_title if self.flow_class else "PAQTE"
        return f"{title} – {self.artifact}" if self.artifact_object_id else str(title)
