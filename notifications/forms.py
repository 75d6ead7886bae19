from __future__ import annotations

from django import forms

from notifications.models import NotificationPreference


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Comment recevoir vos relances ?",
        choices=NotificationPreference.Frequency.choices,
        widget=forms.RadioSelect,
    )
