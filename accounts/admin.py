from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import DepartmentGroupObjectPermission, DepartmentUserObjectPermission, Organisation, User
from accounts.services import AccountError, role_check, user_assign


class UserCreateForm(UserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "organisation")


class UserChangeForm(BaseUserChangeForm[User]):
    class Meta:
        model = User
        fields = (
            "email",
            "password",
            "first_name",
            "last_name",
            "role",
            "organisation",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, organisation = data.get("role"), data.get("organisation")
        if role:
            try:
                role_check(role=role, organisation=organisation)
            except AccountError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreateForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active", "organisation__kind")
    list_select_related = ("organisation",)
    search_fields = ("email", "first_name", "last_name")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Rôle"), {"fields": ("role", "organisation", "is_active")}),
        (_("Droits avancés"), {"classes": ("collapse",), "fields": ("is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "role", "organisation")}),
        (None, {"classes": ("wide",), "fields": ("password1", "password2")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.role:
            try:
                user_assign(user=obj, role=obj.role, organisation=obj.organisation)
            except AccountError as exc:  # already validated by the form; kept as a guard
                messages.error(request, str(exc))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.instance.role:
            # The role decides the groups: re-apply after the m2m widget saved its own value.
            user_assign(user=form.instance, role=form.instance.role, organisation=form.instance.organisation)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "department")
    list_filter = ("kind",)
    search_fields = ("name", "department__code", "department__name")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)


@admin.register(DepartmentUserObjectPermission)
class DepartmentUserGrantAdmin(admin.ModelAdmin[DepartmentUserObjectPermission]):
    list_display = ("user", "permission", "content_object")
    list_select_related = ("user", "permission", "content_object")
    list_filter = ("permission",)
    search_fields = ("user__email", "content_object__code", "content_object__name")
    autocomplete_fields = ("user", "content_object")


@admin.register(DepartmentGroupObjectPermission)
class DepartmentGroupGrantAdmin(admin.ModelAdmin[DepartmentGroupObjectPermission]):
    list_display = ("group", "permission", "content_object")
    list_select_related = ("group", "permission", "content_object")
    autocomplete_fields = ("content_object",)
