"""Renovation cases (annex 1 of the circular) put directly in a state, for the tests that read
them; the transitions themselves are exercised through the kernel in tests/workflows/renewal/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from reference.models import CityContract
from workflows.models import Commitment, Renewal, RenewalState, RenewalTransition
from workflows.renewal.followup.models import CommitmentFollowUp


def free_contract(department_code: str = "59", index: int = 0) -> CityContract:
    """The ``index``-th contrat de ville of the département with no renovation yet."""
    return CityContract.objects.filter(department__code=department_code, renewal__isnull=True).order_by("code")[index]


class RenewalFactory(factory.django.DjangoModelFactory[Renewal]):
    """A renovation of the first contrat de ville still free in the département (``department_code``)."""

    class Meta:
        model = Renewal

    class Params:
        department_code = "59"
        signed = factory.Trait(
            state=RenewalState.SIGNED,
            signed_on=dt.date(2019, 7, 12),
            signed_by="Préfet, président de l'EPCI",
        )

    city_contract = factory.LazyAttribute(lambda o: free_contract(o.department_code))
    department = factory.LazyAttribute(lambda o: o.city_contract.department)
    state = RenewalState.NOT_STARTED


class RenewalTransitionFactory(factory.django.DjangoModelFactory[RenewalTransition]):
    """A row of a renovation's history: the renovation entered ``target`` at ``at``."""

    class Meta:
        model = RenewalTransition

    renewal = factory.SubFactory(RenewalFactory)
    transition = "t"
    source = ""
    target = RenewalState.EVALUATION


class CommitmentFactory(factory.django.DjangoModelFactory[Commitment]):
    """A commitment of the protocol: its party, domain of the pacte de Dijon, indicator, target and frequency."""

    class Meta:
        model = Commitment

    renewal = factory.SubFactory(RenewalFactory)
    party = Commitment.Party.EPCI
    domain = "economy_employment"
    text = "Créer une offre de locaux en pied d'immeuble"
    indicator = "Nombre de commerces créés"
    target_value = "20"
    target_year = 2021
    frequency = Commitment.Frequency.ANNUAL


class CommitmentFollowUpFactory(factory.django.DjangoModelFactory[CommitmentFollowUp]):
    class Meta:
        model = CommitmentFollowUp

    commitment = factory.SubFactory(CommitmentFactory, renewal=factory.SubFactory(RenewalFactory, signed=True))
    due_on = dt.date(2020, 7, 12)


def renewal_signed(department_code: str = "59", *, signed_on: dt.date = dt.date(2019, 7, 12), **kwargs: Any) -> Renewal:
    return RenewalFactory.create(department_code=department_code, signed=True, signed_on=signed_on, **kwargs)
