"""Django's admin over every case model, for the administrateur national (DESIGN: « Django admin for
national administrators over every model »).

What the admin may and may not do:

- it shows each case with its **history** (the append-only rows of ``workflows.cases.history``,
  read-only inlines, each transition under its timeline label), searches and filters;
- it never moves a case: the **state** (and what only a transition writes: the sending date, the
  return comment) is read-only, transitions go through the runner (``workflows.cases.runner``)
  from the case's page; the case's identity (its département, contract, company, period) is
  read-only too, the guardian grants follow it;
- cases are created by the services (launch, designation, new report…), never « added » here, and
  never deleted (their history is kept); the permissions the national administrator's group holds
  (view, change) are data (migration ``workflows.0012_national_admin_case_admin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.http import HttpRequest

from workflows.cases.parties import ACTIONS as PARTY_ACTIONS
from workflows.cases.registry import kind_of
from workflows.models import (
    CharterConvention,
    Commitment,
    CommitmentFollowUp,
    CommitteeMember,
    Company,
    Meeting,
    MeetingHistory,
    Message,
    Objective,
    PaqteConvention,
    PaqteHistory,
    Party,
    PartyHistory,
    ReferentDesignation,
    Renewal,
    RenewalDocument,
    RenewalTransition,
    SemesterReport,
    SemesterResult,
    SemesterResultRecord,
    SteeringCommittee,
    Synthesis,
    SynthesisHistory,
)

HISTORY_FIELDS = ("at", "actor", "action", "source", "target", "comment")


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """An inline that only shows: no row added, changed or deleted from the admin."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HistoryInline(ReadOnlyInline):
    """The case's history rows, oldest first, each transition by its kind's timeline label."""

    fields = HISTORY_FIELDS
    readonly_fields = HISTORY_FIELDS
    ordering = ("at", "pk")
    verbose_name = "action de l'historique"
    verbose_name_plural = "historique (en lecture seule : chaque action y est écrite une fois)"
    classes = ("history",)

    class Media:
        css = {"all": ("workflows/admin-history.css",)}

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="action")
    def action(self, row: Any) -> str:
        return str(kind_of(self.parent_model).table.timeline_label(row.transition))


class RenewalHistoryInline(HistoryInline):
    model = RenewalTransition


class SynthesisHistoryInline(HistoryInline):
    model = SynthesisHistory


class MeetingHistoryInline(HistoryInline):
    model = MeetingHistory


class PaqteHistoryInline(GenericTabularInline, HistoryInline):
    """The PAQTE cases share one history table, linked by content type and id."""

    model = PaqteHistory
    ct_field = "content_type"
    ct_fk_field = "object_id"


class CaseAdmin(admin.ModelAdmin[Any]):
    """What every case's admin shares: read-only state and identity, never added nor deleted,
    searched by its département, filtered by state and region."""

    state_fields: tuple[str, ...] = ("state",)
    identity_fields: tuple[str, ...] = ("department",)
    written_fields: tuple[str, ...] = ()  # written by the services (timestamps, sending, return)
    list_per_page = 50
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            *self.state_fields,
            *self.identity_fields,
            *self.written_fields,
            *super().get_readonly_fields(request, obj),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Renovation of the city contracts -------------------------------------------------------------


class CommitmentInline(admin.TabularInline[Commitment, Renewal]):
    model = Commitment
    extra = 0
    can_delete = False
    fields = ("party", "party_name", "domain", "text", "indicator", "target_value", "target_year", "frequency")
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RenewalDocumentInline(ReadOnlyInline):
    """The documents' names only: the files are served by the case's page, which checks the scope."""

    model = RenewalDocument
    fields = ("kind", "original_name", "size", "depositor", "uploaded_at")
    readonly_fields = fields

    @admin.display(description="déposé par")
    def depositor(self, document: RenewalDocument) -> str:
        return str(document.uploaded_by)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(Renewal)
class RenewalAdmin(CaseAdmin):
    list_display = ("city_contract", "department", "state", "evaluation_date", "signed_on", "updated")
    list_select_related = ("city_contract", "department")
    list_filter = ("state", "department__region")  # a département: by the search box (code or name)
    search_fields = ("city_contract__code", "city_contract__name", "department__code", "department__name")
    identity_fields = ("city_contract", "department")
    written_fields = ("return_comment", "created", "updated")
    raw_id_fields = ("merged_contracts",)
    inlines = [CommitmentInline, RenewalDocumentInline, RenewalHistoryInline]
    date_hierarchy = "updated"


class FollowUpInline(admin.TabularInline[CommitmentFollowUp, Commitment]):
    model = CommitmentFollowUp
    extra = 0
    can_delete = False
    fields = ("due_on", "value", "comment", "recorded_at", "recorded_by")
    readonly_fields = ("due_on", "recorded_at", "recorded_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Commitment)
class CommitmentAdmin(CaseAdmin):
    """A commitment of a renovation protocol, with its follow-ups."""

    list_display = ("__str__", "renewal", "party", "domain", "target_year")
    list_select_related = ("renewal__city_contract",)
    list_filter = ("party", "domain", "frequency", "renewal__department__region")
    search_fields = ("text", "indicator", "party_name", "renewal__city_contract__code", "renewal__city_contract__name")
    state_fields = ()
    identity_fields = ("renewal",)
    raw_id_fields = ("measure_indicator",)
    inlines = [FollowUpInline]


@admin.register(CommitmentFollowUp)
class CommitmentFollowUpAdmin(CaseAdmin):
    list_display = ("__str__", "due_on", "value", "recorded_at", "recorded_by")
    list_select_related = ("commitment", "recorded_by")
    list_filter = ("due_on", "commitment__renewal__department__region")
    search_fields = ("commitment__text", "commitment__renewal__city_contract__code", "value", "comment")
    state_fields = ()
    identity_fields = ("commitment", "due_on")
    written_fields = ("recorded_at", "recorded_by")


# --- PAQTE --------------------------------------------------------------------------------------


@admin.register(ReferentDesignation)
class ReferentDesignationAdmin(CaseAdmin):
    list_display = ("department", "name", "function", "email", "state", "submitted_at")
    list_select_related = ("department",)
    list_filter = ("state", "department__region")
    search_fields = ("name", "email", "function", "department__code", "department__name")
    written_fields = ("submitted_at", "return_comment")
    inlines = [PaqteHistoryInline]


class ObjectiveInline(admin.TabularInline[Objective, PaqteConvention]):
    model = Objective
    extra = 0
    can_delete = False
    fields = ("axis", "indicator", "label", "target")
    readonly_fields = ("axis", "indicator")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("indicator")


@admin.register(PaqteConvention)
class PaqteConventionAdmin(CaseAdmin):
    list_display = ("company", "department", "state", "signed_on", "ends_on")
    list_select_related = ("company", "department")
    list_filter = ("state", "company__size", "department__region")
    search_fields = ("company__name", "company__siret", "department__code", "department__name")
    identity_fields = ("company", "department", "renewal_of")
    written_fields = ("renewal_offered_on", "created")
    inlines = [ObjectiveInline, PaqteHistoryInline]


@admin.register(CharterConvention)
class CharterConventionAdmin(CaseAdmin):
    list_display = ("reference", "company", "department", "state", "ends_on", "offered_on")
    list_select_related = ("company", "department")
    list_filter = ("state", "department__region")
    search_fields = ("reference", "company__name", "company__siret", "department__code", "department__name")
    identity_fields = ("reference", "company", "department", "paqte_convention")
    written_fields = ("offered_on",)
    inlines = [PaqteHistoryInline]


@admin.register(SemesterReport)
class SemesterReportAdmin(CaseAdmin):
    list_display = ("__str__", "department", "year", "semester", "state", "submitted_at")
    list_select_related = ("department",)
    list_filter = ("state", "year", "semester", "department__region")
    search_fields = ("department__code", "department__name", "examples", "partners")
    identity_fields = ("department", "year", "semester")
    written_fields = ("submitted_at", "return_comment", "figures_snapshot")  # frozen at transmission
    inlines = [PaqteHistoryInline]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin[Company]):
    list_display = ("name", "siret", "size", "sector", "signature_level")
    list_filter = ("size", "signature_level")
    search_fields = ("name", "siret", "sector")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommitteeMemberInline(admin.TabularInline[CommitteeMember, SteeringCommittee]):
    model = CommitteeMember
    extra = 0
    fields = ("kind", "name", "contact")


@admin.register(SteeringCommittee)
class SteeringCommitteeAdmin(CaseAdmin):
    list_display = ("__str__", "department")
    list_select_related = ("department",)
    list_filter = ("department__region",)
    search_fields = ("department__code", "department__name", "members__name")
    state_fields = ()
    inlines = [CommitteeMemberInline]


@admin.register(SemesterResult)
class SemesterResultAdmin(CaseAdmin):
    """Results are recorded from the convention's page; here they are read."""

    list_display = ("objective", "year", "semester", "value", "recorded_at")
    list_select_related = ("objective__indicator",)
    list_filter = ("year", "semester", "objective__axis")
    search_fields = ("objective__convention__company__name", "objective__label")
    state_fields = ()
    identity_fields = ("objective", "year", "semester", "value")
    written_fields = ("recorded_by", "recorded_at")


@admin.register(SemesterResultRecord)
class SemesterResultRecordAdmin(admin.ModelAdmin[SemesterResultRecord]):
    """Each recording of a PAQTE result (annex 2: the results of each semester), as it was typed:
    read only, the history being written once (``AppendOnly``), the one a semestrial report's
    figures are recomputed from. The view permission is data (``workflows.0019``)."""

    list_display = ("at", "company", "department", "objective", "year", "semester", "value", "recorded_by")
    list_select_related = (
        "objective__indicator",
        "objective__convention__company",
        "objective__convention__department",
        "recorded_by",
    )
    list_filter = ("year", "semester", "objective__axis", "objective__convention__department__region")
    search_fields = (
        "objective__convention__company__name",
        "objective__convention__company__siret",
        "objective__convention__department__code",
        "objective__convention__department__name",
        "objective__label",
    )
    fields = ("company", "department", "objective", "year", "semester", "value", "recorded_by", "at")
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description="entreprise")
    def company(self, record: SemesterResultRecord) -> str:
        return str(record.objective.convention.company)

    @admin.display(description="département")
    def department(self, record: SemesterResultRecord) -> str:
        return str(record.objective.convention.department)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Synthesis and meetings -----------------------------------------------------------------------


@admin.register(Synthesis)
class SynthesisAdmin(CaseAdmin):
    list_display = ("__str__", "department", "year", "state", "submitted_at", "updated")
    list_select_related = ("department",)
    list_filter = ("state", "year", "department__region")
    search_fields = ("department__code", "department__name", "steps_taken", "difficulties")
    identity_fields = ("department", "year")
    written_fields = ("submitted_at", "return_comment", "renovation_snapshot", "created", "updated")
    inlines = [SynthesisHistoryInline]


@admin.register(Meeting)
class MeetingAdmin(CaseAdmin):
    list_display = ("kind", "scope", "year", "semester", "date", "state")
    list_select_related = ("department", "region", "city_contract")
    list_filter = ("kind", "state", "year", "semester", "department__region")
    search_fields = ("department__code", "department__name", "region__name", "city_contract__code", "minutes")
    identity_fields = ("kind", "department", "region", "city_contract", "year", "semester")
    written_fields = ("created",)
    raw_id_fields = ("companies",)
    inlines = [MeetingHistoryInline]

    @admin.display(description="territoire")
    def scope(self, meeting: Meeting) -> str:
        return meeting.scope_label


# --- Parties to sign a case (a renovation's protocol, a PAQTE convention) --------------------------


class PartyHistoryInline(HistoryInline):
    model = PartyHistory

    @admin.display(description="action")
    def action(self, row: Any) -> str:
        return PARTY_ACTIONS.get(row.transition, row.transition)


@admin.register(Party)
class PartyAdmin(CaseAdmin):
    """A party's identity and contact may be corrected here; its state, date and signed page are
    written by the services (``workflows.cases.party_services``), each change in its history."""

    list_display = ("name", "role", "state", "state_on", "mandatory", "case_type", "case_id", "contact_email")
    list_select_related = ("case_type",)
    list_filter = ("state", "role", "mandatory", "case_type")
    search_fields = ("name", "contact_email")
    state_fields = ("state", "state_on")
    identity_fields = ("case_type", "case_id")
    written_fields = ("proof", "proof_name", "prefecture_contact")
    inlines = [PartyHistoryInline]


# --- Messages of the cases (the prefecture's notes are never here: the CGET never reads them) -----


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    """The prefecture ↔ CGET thread of each case, read only: a message is never rewritten."""

    list_display = ("at", "author", "from_cget", "case_type", "case_id", "attachment_name")
    list_select_related = ("author", "case_type")
    list_filter = ("from_cget", "case_type")
    search_fields = ("text", "author__email", "author__last_name")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
