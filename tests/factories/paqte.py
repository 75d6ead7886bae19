"""PAQTE cases (annex 2 of the circular): companies with valid SIRETs, conventions, the référent's
designation, semestrial reports and charter conventions, put directly in a state."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from stdnum import luhn

from reference.models import Department
from workflows.paqte.models import CharterConvention, Company, PaqteConvention, ReferentDesignation, SemesterReport

_numbers = itertools.count(10_000_000)


def make_siret(n: int | None = None) -> str:
    """A valid SIRET: a SIREN with its Luhn key, then an establishment number and its key."""
    n = next(_numbers) if n is None else n
    siren = f"{n % 100_000_000:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


class CompanyFactory(factory.django.DjangoModelFactory[Company]):
    class Meta:
        model = Company

    siret = factory.LazyFunction(make_siret)
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    size = Company.Size.PME
    sector = "Commerce"
    address = "1 rue de la Paix, 59000 Lille"
    signature_level = Company.SignatureLevel.LOCAL


class PaqteConventionFactory(factory.django.DjangoModelFactory[PaqteConvention]):
    class Meta:
        model = PaqteConvention

    class Params:
        department_code = "59"

    company = factory.SubFactory(CompanyFactory)
    department = factory.LazyAttribute(lambda o: department(o.department_code))
    state = PaqteConvention.State.DRAFT


class ReferentDesignationFactory(factory.django.DjangoModelFactory[ReferentDesignation]):
    class Meta:
        model = ReferentDesignation

    class Params:
        department_code = "59"

    department = factory.LazyAttribute(lambda o: department(o.department_code))
    name = "Camille Martin"
    function = "Sous-préfète chargée de la politique de la ville"
    email = "camille.martin@example.gouv.fr"
    phone = "0100000000"


class SemesterReportFactory(factory.django.DjangoModelFactory[SemesterReport]):
    class Meta:
        model = SemesterReport

    class Params:
        department_code = "59"

    department = factory.LazyAttribute(lambda o: department(o.department_code))
    year = 2019
    semester = 1


class CharterConventionFactory(factory.django.DjangoModelFactory[CharterConvention]):
    """A "Charte entreprises et quartiers" convention, to be migrated into the PAQTE by January 2020."""

    class Meta:
        model = CharterConvention

    class Params:
        department_code = "59"

    department = factory.LazyAttribute(lambda o: department(o.department_code))
    company = factory.SubFactory(CompanyFactory)
    reference = factory.Sequence(lambda n: f"CEQ-{n:04d}")
    signed_on = dt.date(2017, 1, 1)
    ends_on = dt.date(2020, 1, 1)
