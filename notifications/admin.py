"""Django admin for the administrateur national: campaign calendar and reminder rules
(model permissions granted to the group by the data migration ``accounts/0003_role_groups_and_permissions``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import Campaign, Deadline, DeadlineDefinition, Reminder, ReminderRule
from notifications.services import deadlines_generate


class DeadlineDefinitionInline(admin.TabularInline[DeadlineDefinition, Campaign]):
    model = DeadlineDefinition
    extra = 0
    fields = ("code", "title", "kind", "scope", "due_on", "offset_years", "offset_days", "link_path")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ("name", "code", "starts_on", "ends_on", "is_active", "clock")
    inlines = [DeadlineDefinitionInline]


@admin.register(DeadlineDefinition)
class DeadlineDefinitionAdmin(admin.ModelAdmin[DeadlineDefinition]):
    list_display = ("title", "code", "campaign", "kind", "scope", "due_on", "offset_years")
    list_filter = ("campaign", "kind", "scope")
    readonly_fields = ("code",)

    def save_model(self, request: HttpRequest, obj: DeadlineDefinition, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A moved date (e.g. the charter migration day) reaches every département at once.
        deadlines_generate(campaign=obj.campaign)


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin[ReminderRule]):
    list_display = ("name", "campaign", "kind", "days", "recipient_role", "department", "definition", "is_active")
    list_filter = ("campaign", "kind", "recipient_role", "is_active")
    list_editable = ("days", "is_active")
    autocomplete_fields = ("department",)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin[Deadline]):
    list_display = ("title", "department", "due_on", "met_at")
    list_filter = ("definition__campaign", "definition")
    list_select_related = ("department",)
    search_fields = ("title", "department__code", "department__name")
    date_hierarchy = "due_on"
    readonly_fields = ("key", "case_type", "case_id", "created_at", "updated_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin[Reminder]):
    # A user's reminder, or a party's (a signatory reminded at its contact address).
    list_display = ("deadline", "rule", "recipient", "party", "status", "cancel_reason", "attempts", "sent_at")
    list_filter = ("status", "rule")
    list_select_related = ("deadline", "rule", "recipient", "party")
    search_fields = ("recipient__email", "party__contact_email", "party__name", "deadline__title")
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
