from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.models import email_normalise
from reference.forms import DsfrForm


class LoginForm(DsfrForm, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Adresse électronique ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self) -> str:
        # The one spelling that is looked up and that django-axes counts (accounts.models.email_normalise).
        return email_normalise(self.cleaned_data.get("username"))


class PasswordResetRequestForm(DsfrForm, PasswordResetForm):
    """« Mot de passe oublié » (Django's form: the same answer whether the address exists or not)."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordChooseForm(DsfrForm, SetPasswordForm):
    """The new password, chosen from the emailed link (Django's validators, AUTH_PASSWORD_VALIDATORS)."""
