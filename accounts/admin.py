from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.models import (
    AbsenceCover,
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    Organisation,
    Role,
    User,
    email_normalise,
)
from accounts.selectors import SUPERUSER_ONLY_FIELDS, roles_assignable, user_is_manageable
from accounts.services import AccountError, role_check, user_assign


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, with the address in the one spelling django-axes counts (as LoginForm)."""

    def clean_username(self) -> str:
        return email_normalise(self.cleaned_data.get("username"))


admin.site.login_form = AdminLoginForm


class UserAdminFormMixin:
    """The address in its one spelling, and no role above what the account making the change may give.

    ``actor`` is set by ``UserAdmin.get_form`` for each request; the role field's choices are
    limited too, this check also holds for a forged POST (OWASP ASVS 5.0 8.3.1).
    """

    actor: User | None = None

    def clean_email(self) -> str:
        # Normalised before the form's uniqueness check: "AGENT@…" is the account "agent@…"
        # already open, a French error rather than the database's unique index.
        return email_normalise(self.cleaned_data.get("email"))  # type: ignore[attr-defined]

    def clean_role(self) -> str:
        role: str = self.cleaned_data.get("role") or ""  # type: ignore[attr-defined]
        if role and self.actor is not None and role not in roles_assignable(actor=self.actor):
            raise forms.ValidationError(
                _("Vous ne pouvez pas attribuer le rôle « %(role)s »."), params={"role": Role(role).label}
            )
        return role


class UserCreateForm(UserAdminFormMixin, UserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "organisation")


class UserChangeForm(UserAdminFormMixin, BaseUserChangeForm[User]):
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
            "user_permissions",
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
        # Superusers only (get_fieldsets): rights beyond a role.
        (
            _("Droits avancés"),
            {"classes": ("collapse",), "fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "role", "organisation")}),
        (None, {"classes": ("wide",), "fields": ("password1", "password2")}),
    )

    # Only a superuser changes the rights beyond a role and the accounts at or above one's own;
    # a national administrator assigns the roles below his own (accounts.selectors).

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [field for field in options["fields"] if field not in SUPERUSER_ONLY_FIELDS]
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_form(self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:
            allowed = roles_assignable(actor=request.user)  # type: ignore[arg-type]
            kwargs["choices"] = [("", "---------"), *((role.value, role.label) for role in allowed)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_is_manageable(actor=request.user, target=obj))  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or user_is_manageable(actor=request.user, target=obj))  # type: ignore[arg-type]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The form holds none of these fields for a non-superuser; this guard refuses any other
        # way of getting them here (a form subclass, a forged request) before anything is saved.
        actor: User = request.user  # type: ignore[assignment]
        if not actor.is_superuser:
            stored = User.objects.get(pk=obj.pk) if change else User()
            if change and not user_is_manageable(actor=actor, target=stored):
                raise PermissionDenied
            if any(getattr(obj, field) != getattr(stored, field) for field in ("is_superuser", "is_staff")):
                raise PermissionDenied
            if obj.role and obj.role != stored.role and obj.role not in roles_assignable(actor=actor):
                raise PermissionDenied
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
    list_display = ("name", "kind", "department", "head_title")
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


@admin.register(AbsenceCover)
class AbsenceCoverAdmin(admin.ModelAdmin[AbsenceCover]):
    """Absences and their covers (``accounts.covers``): the dates are read on the campaign's clock."""

    list_display = ("user", "colleague", "starts_on", "ends_on")
    list_select_related = ("user", "colleague")
    search_fields = ("user__email", "user__last_name", "colleague__email", "colleague__last_name")
    date_hierarchy = "starts_on"
    autocomplete_fields = ("user", "colleague")


@admin.register(DepartmentGroupObjectPermission)
class DepartmentGroupGrantAdmin(admin.ModelAdmin[DepartmentGroupObjectPermission]):
    list_display = ("group", "permission", "content_object")
    list_select_related = ("group", "permission", "content_object")
    autocomplete_fields = ("content_object",)


class SuperuserTokenAdmin(TokenAdmin):
    """API tokens are credentials: superusers only, whatever model permissions a group holds."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


# rest_framework.authtoken (listed before accounts in INSTALLED_APPS) registered its own admin.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, SuperuserTokenAdmin)
