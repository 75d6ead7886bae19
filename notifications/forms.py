from __future__ import annotations

from django import forms

from notifications.models import NotificationPreference
from notifications.notices import Event, Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Comment recevoir vos relances ?",
        choices=NotificationPreference.Frequency.choices,
        widget=forms.RadioSelect,
    )


def event_field_name(event: str) -> str:
    return f"evenement_{event}"


class EventPreferenceForm(forms.Form):
    """One choice per event type of the transition tables: an email at once, in the daily
    digest, or never (the notice stays in Quartiers' bell either way)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for event in Event:
            self.fields[event_field_name(event.value)] = forms.ChoiceField(
                label=f"Quand {event.label}",
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                initial=Frequency.IMMEDIATE,
            )
