"""Reference forms (DSFR). They only collect and check input; the services write."""

from __future__ import annotations

import datetime

from django import forms

from dsfr.forms import DsfrBaseForm

from reference.models import Measure

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureLevelForm(DsfrBaseForm):
    level = forms.ChoiceField(label="Nouveau niveau d'avancement", choices=Measure.Level.choices)
    changed_on = forms.DateField(label="Date du changement", widget=DATE_INPUT, initial=datetime.date.today)
    comment = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False)
