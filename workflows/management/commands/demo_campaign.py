"""A living 2019 campaign for the demonstration (``scripts/run.sh`` runs it after ``seed_demo``).

The Nord and the Pas-de-Calais, each case built through the real services and the case
kernel (``workflows.renewal.services``, ``workflows.paqte.services``,
``workflows.synthesis.services``, ``workflows.steering.services``), so that histories, tasks,
deadlines and lateness are the product's own: renovations at every step (some late, one
returned by the CGET with a comment), the PAQTE référents, companies with valid SIRETs,
conventions on the four axes with their semester results, a semestrial report, the syntheses
(one returned), a collège des chefs de service held in the Nord and missing in the
Pas-de-Calais.

The documents it deposits are readable PDFs about their case (``demo_documents``, each marked
« Document de démonstration »): each renovation's midterm evaluation and draft protocol,
the signed protocols and their signatories' signed pages, deposited through the services of a
user's upload (``renewal_document_add``, ``party_sign``), so through the same upload check.

Each step happens on its own day of the campaign: the campaign's clock is moved to that day and
``django.utils.timezone.now`` answers that day while the step runs, so that « transmis le » and
the histories read 2019 and a synthesis sent on time is not counted late. Every date is derived
from the campaign calendar (``notifications.campaign``), none is written here. The clock is left
on the demo's day (``--today``, default: two weeks after the renovations' signature date), when
every screen has something to show; the banner of every page says so.

Idempotent: a second run finds the Nord's renovations and only sets the clock again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from stdnum import luhn
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from notifications.campaign import (
    SERVICE_HEADS,
    CampaignCalendar,
    campaign_calendar,
    campaign_clock_set,
    campaign_scope_close,
    campaign_scope_open,
)
from reference.models import CityContract, Department
from reference.selectors import city_contract_qpvs
from workflows.cases import party_services
from workflows.cases.parties import Party
from workflows.cases.registry import kind_for_flow
from workflows.cases.runner import transition_run
from workflows.cases.tasks import task_assign, task_get, task_may_act
from workflows.models import Commitment, Renewal, RenewalDocument
from workflows.paqte import services as paqte
from workflows.paqte.models import Company, KeyIndicator, PaqteConvention, SemesterReport
from workflows.renewal import services as renewal_services
from workflows.renewal.flows import RenewalFlow
from workflows.steering import services as steering
from workflows.steering.models import Meeting
from workflows.synthesis import services as synthesis_services

if TYPE_CHECKING:
    from workflows.management import demo_documents

DEMO = "@demo.quartiers.gouv.fr"
_REAL_NOW = timezone.now


def documents() -> Any:
    """``workflows.management.demo_documents``, imported once the campaign is to be built: its
    PDF tooling (reportlab's layout, fontTools) would add a second to every start of the run,
    when the campaign is already there."""
    from workflows.management import demo_documents

    return demo_documents


# (name, size, sector, town) of the companies entering the PAQTE, per département.
COMPANIES = {
    "59": [
        ("Transports Lillois Réunis", Company.Size.LARGE, "Transport et logistique", "59000 Lille"),
        ("Boulangeries du Hainaut", Company.Size.ETI, "Agroalimentaire", "59300 Valenciennes"),
        ("Atelier Numérique de Roubaix", Company.Size.PME, "Services numériques", "59100 Roubaix"),
        ("Menuiserie Delattre", Company.Size.TPE, "Bâtiment", "59200 Tourcoing"),
    ],
    "62": [
        ("Logistique de l'Artois", Company.Size.LARGE, "Transport et logistique", "62000 Arras"),
        ("Conserverie Boulonnaise", Company.Size.PME, "Agroalimentaire", "62200 Boulogne-sur-Mer"),
    ],
}


def siret(n: int) -> str:
    """A valid SIRET (SIREN with its Luhn key, establishment 0001 and its key)."""
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


class Demo:
    def __init__(self, calendar: CampaignCalendar, out: Any) -> None:
        self.c = calendar
        self.out = out
        self.users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=DEMO)}
        self._minutes = itertools.count()
        self._territories: dict[int, demo_documents.Territory] = {}
        self.deposited = 0  # the PDFs deposited (each through the upload check)

    def user(self, key: str) -> User:
        try:
            return self.users[key]
        except KeyError:
            raise CommandError(f"Compte de démonstration manquant : {key}{DEMO} (lancez seed_demo).") from None

    @contextmanager
    def on(self, day: dt.date) -> Iterator[None]:
        """Run a step as on ``day``: the campaign's clock and the records' timestamps (Django's
        ``timezone.now``, viewflow's ``now`` imported by name, and the fields defaulting to it)."""
        campaign_clock_set(day)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))

        def now() -> dt.datetime:
            return start + dt.timedelta(minutes=next(self._minutes))

        real = _REAL_NOW
        with ExitStack() as stack:
            stack.enter_context(mock.patch("django.utils.timezone.now", now))
            for name, module in list(sys.modules.items()):
                if name.startswith(("viewflow", "workflows", "notifications")) and getattr(module, "now", None) is real:
                    stack.enter_context(mock.patch.object(module, "now", now))
            for model in apps.get_models():
                for model_field in model._meta.concrete_fields:
                    if getattr(model_field, "default", None) is real:
                        # Django caches the default's callable (Field._get_default): drop it on
                        # the way in and on the way out.
                        model_field.__dict__.pop("_get_default", None)
                        stack.enter_context(mock.patch.object(model_field, "default", now))
                        stack.callback(model_field.__dict__.pop, "_get_default", None)
            yield

    # --- Renovations ------------------------------------------------------------------------------

    def task(self, renewal: Renewal, node: str) -> Task:
        return Task.objects.get(
            process__artifact_object_id=renewal.pk,
            process__flow_class=RenewalFlow,
            flow_task=getattr(RenewalFlow, node),
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )

    def territory(self, contract: CityContract, agent: User) -> demo_documents.Territory:
        """The contract, its EPCI and its QPV as its département's agent sees them (reference data)."""
        if contract.pk not in self._territories:
            qpvs = tuple(city_contract_qpvs(user=agent, contract=contract))
            self._territories[contract.pk] = documents().Territory(contract=contract, qpvs=qpvs)
        return self._territories[contract.pk]

    def deposit(self, renewal: Renewal, user: User, kind: str, name: str, content: bytes) -> None:
        """A document deposited as from the case's page (``renewal_document_add``: the upload check)."""
        renewal_services.renewal_document_add(
            renewal=renewal, user=user, kind=kind, upload=documents().upload(name, content)
        )
        self.deposited += 1

    def commitments(self) -> list[tuple[str, dict[str, Any]]]:
        """The protocol's reciprocal commitments, one of the State, the EPCI and the communes, each
        with its indicator, target and follow-up (the pacte de Dijon's examples, seed note 004)."""
        year = self.c.first_year
        return [
            (
                "Cent entreprises signataires du PAQTE accueillent des stagiaires de 3e des QPV",
                {
                    "party": Commitment.Party.STATE,
                    "domain": "economy_employment",
                    "indicator": "Stages de 3e offerts aux collégiens des QPV",
                    "target_value": "100",
                    "target_year": year + 2,
                    "frequency": Commitment.Frequency.ANNUAL,
                },
            ),
            (
                "Aucun QPV à plus d'une demi-heure du centre de l'agglomération en transports en commun",
                {
                    "party": Commitment.Party.EPCI,
                    "domain": "mobility",
                    "indicator": "Temps d'accès moyen au centre depuis les QPV (minutes)",
                    "target_value": "30",
                    "target_year": year + 3,
                    "frequency": Commitment.Frequency.ANNUAL,
                    "unit": Commitment.Unit.COUNT,
                },
            ),
            (
                "Consolider le projet éducatif territorial dans les écoles de chaque QPV",
                {
                    "party": Commitment.Party.COMMUNE,
                    "domain": "education",
                    "indicator": "Écoles des QPV couvertes par le projet éducatif territorial",
                    "target_value": "100",
                    "target_year": year + 2,
                    "frequency": Commitment.Frequency.ANNUAL,
                    "unit": Commitment.Unit.PERCENT,
                },
            ),
        ]

    def signatures(self, renewal: Renewal, agent: User, day: dt.date) -> list[demo_documents.Signature]:
        """The protocol's signatories (circular, annex 1: « le président de l'EPCI, le ou les maire(s)
        et le préfet »): each added, asked to sign, then its signed page recorded through
        ``party_sign`` (the upload check), the prefect last, on the protocol's day."""
        territory = self.territory(renewal.city_contract, agent)
        department = renewal.department
        people = [
            (Party.Role.EPCI_PRESIDENT, territory.epci_name),
            *((Party.Role.MAYOR, f"Commune {documents().of(commune)}") for commune in territory.communes[:2]),
            (Party.Role.PREFECT, documents().prefect(department)),
        ]
        signatures = []
        for index, (role, name) in enumerate(people):
            signed_on = day - dt.timedelta(days=len(people) - 1 - index)
            signature = documents().Signature(role=str(role.label), name=name, signed_on=signed_on)
            party = party_services.party_add(case=renewal, user=agent, role=role, name=name)
            party = party_services.party_request(party=party, user=agent, on=day - dt.timedelta(days=14))
            content = documents().signed_page_pdf(
                territory=territory, signature=signature, commitments=renewal.commitments.count()
            )
            upload = documents().upload(f"page-signee-{renewal.city_contract.code}-{index + 1}.pdf", content)
            party_services.party_sign(party=party, user=agent, on=signed_on, upload=upload)
            self.deposited += 1
            signatures.append(signature)
        return signatures

    def renovation(self, code: str, contract: CityContract, steps: list[str], start: dt.date) -> Renewal:
        with self.on(start):
            renewal, _ = renewal_services.renewal_launch(city_contract=contract, user=self.user(f"agent.{code}"))
        day = start
        for step in steps:
            day += dt.timedelta(days=18)
            renewal = self.renovation_step(code, renewal, step, day)
        return renewal

    def renovation_step(self, code: str, renewal: Renewal, step: str, day: dt.date) -> Renewal:
        """One step of a renovation (``evaluate``, ``build_protocol``, ``validate``, ``approve``,
        ``return_to_prefecture``, ``sign``) done on ``day`` by the département's demo account."""
        agent, validator, cget = self.user(f"agent.{code}"), self.user(f"valideur.{code}"), self.user("referent.cget")
        contract = renewal.city_contract
        with self.on(day):
            renewal = Renewal.objects.get(pk=renewal.pk)
            if step == "evaluate":
                evaluated_on, councils_on = day - dt.timedelta(days=10), day - dt.timedelta(days=20)
                strengths = "Le programme de réussite éducative et les adultes-relais."
                improvements = "L'accès des jeunes à l'emploi et la mobilité."
                councils = f"Conseils citoyens de {contract.name[:80]}"
                content = documents().evaluation_pdf(
                    territory=self.territory(contract, agent),
                    evaluated_on=evaluated_on,
                    strengths=strengths,
                    improvements=improvements,
                    councils=councils,
                    councils_on=councils_on,
                )
                self.deposit(
                    renewal, agent, RenewalDocument.Kind.EVALUATION, f"evaluation-{contract.code}.pdf", content
                )
                renewal_services.renewal_task_complete(
                    task_pk=self.task(renewal, "evaluate").pk,
                    user=agent,
                    fields={
                        "evaluation_date": evaluated_on,
                        "evaluation_strengths": strengths,
                        "evaluation_improvements": improvements,
                        "councils_consulted_on": councils_on,
                        "councils_consulted": councils,
                    },
                )
            elif step == "build_protocol":
                for text, defaults in self.commitments():
                    Commitment.objects.get_or_create(renewal=renewal, text=text, defaults=defaults)
                childhood = "Lieux d'accueil parents-enfants dans chaque QPV."
                signatories = "Préfet, président de l'EPCI, maires, bailleurs"
                content = documents().protocol_pdf(
                    territory=self.territory(contract, agent),
                    commitments=list(renewal.commitments.order_by("pk")),
                    childhood_parenting=childhood,
                    signatories=signatories,
                    dated=day,
                )
                self.deposit(
                    renewal, agent, RenewalDocument.Kind.PROTOCOL, f"projet-protocole-{contract.code}.pdf", content
                )
                renewal_services.renewal_task_complete(
                    task_pk=self.task(renewal, "build_protocol").pk,
                    user=agent,
                    fields={"childhood_parenting": childhood, "protocol_signatories": signatories},
                )
            elif step == "validate":
                renewal_services.renewal_task_complete(
                    task_pk=self.task(renewal, "validate").pk, user=validator, transition="validate"
                )
            elif step in ("approve", "return_to_prefecture"):
                comment = (
                    "Les engagements de l'État sur l'emploi manquent de cibles chiffrées : "
                    "merci de compléter le protocole avant signature."
                    if step == "return_to_prefecture"
                    else ""
                )
                renewal_services.renewal_task_complete(
                    task_pk=self.task(renewal, "review").pk, user=cget, transition=step, comment=comment
                )
            elif step == "sign":
                signatures = self.signatures(renewal, agent, day)
                territory = self.territory(contract, agent)
                content = documents().protocol_pdf(
                    territory=territory,
                    commitments=list(renewal.commitments.order_by("pk")),
                    childhood_parenting=renewal.childhood_parenting,
                    signatories=renewal.protocol_signatories,
                    dated=day,
                    signatures=signatures,
                )
                self.deposited += 1
                renewal_services.renewal_task_complete(
                    task_pk=self.task(renewal, "sign").pk,
                    user=agent,
                    fields={"signed_on": day, "signed_by": ", ".join(signature.name for signature in signatures)},
                    uploads=[
                        (
                            RenewalDocument.Kind.SIGNED_PROTOCOL,
                            documents().upload(f"protocole-signe-{contract.code}.pdf", content),
                        )
                    ],
                )
        return renewal

    def renovations(self, *, until: dt.date | None = None, after: dt.date | None = None) -> None:
        """The renovations' launches and steps dated up to ``until`` (first pass), or after
        ``after`` (second pass): run in two passes around the synthesis's transmission, the
        table it freezes is the one the histories show on that day (a recomputation from the
        histories « as of » the transmission gives the same figures)."""

        def due(day: dt.date) -> bool:
            return (until is None or day <= until) and (after is None or day > after)

        start = self.c.starts_on + dt.timedelta(days=7)
        full = ["evaluate", "build_protocol", "validate", "approve", "sign"]
        plans = {
            "59": [
                full,
                full[:4],
                [*full[:3], "return_to_prefecture"],
                full[:3],
                full[:2],
                full[:1],
                [],
            ],
            "62": [full, full[:3], full[:2], full[:1], []],
        }
        for code, label in (("59", "nord"), ("62", "pas-de-calais")):
            contracts = list(CityContract.objects.filter(department__code=code).order_by("code"))
            for index, steps in enumerate(plans[code]):
                # The first Pas-de-Calais protocol is signed after the campaign's date (late).
                begin = start + dt.timedelta(days=40 if (code == "62" and index == 0) else 3 * index)
                if due(begin):
                    with self.on(begin):
                        renewal, _ = renewal_services.renewal_launch(
                            city_contract=contracts[index], user=self.user(f"agent.{label}")
                        )
                else:
                    renewal = Renewal.objects.get(city_contract=contracts[index])
                for number, step in enumerate(steps, start=1):
                    day = begin + dt.timedelta(days=18 * number)
                    if due(day):
                        renewal = self.renovation_step(label, renewal, step, day)

    # --- PAQTE ------------------------------------------------------------------------------------

    def paqte(self) -> None:
        cget = self.user("referent.cget")
        referent_day = self.c.referent_contact
        semester_end = self.c.date(SERVICE_HEADS)
        serial = itertools.count(73_282_932)
        for code, label, on_time in (("59", "nord", True), ("62", "pas-de-calais", False)):
            department = Department.objects.get(code=code)
            worker, validator = self.user(f"referent-paqte.{label}"), self.user(f"valideur.{label}")
            first, last = worker.first_name, worker.last_name
            sent = referent_day - dt.timedelta(days=5) if on_time else referent_day + dt.timedelta(days=12)
            with self.on(sent - dt.timedelta(days=2)):
                designation = paqte.referent_save(
                    user=worker,
                    department=department,
                    name=f"{first} {last}",
                    function="Sous-préfet chargé de la politique de la ville",
                    email=worker.email,
                    phone="03 20 30 59 59" if code == "59" else "03 21 21 20 00",
                )
                transition_run(case=designation, user=worker, name="send_to_validation")
            with self.on(sent):
                transition_run(case=designation, user=validator, name="validate")
            if on_time:
                with self.on(sent + dt.timedelta(days=4)):
                    transition_run(case=designation, user=cget, name="approve")

            conventions = []
            for index, (name, size, sector, town) in enumerate(COMPANIES[code]):
                signed = self.c.starts_on + dt.timedelta(days=30 + 15 * index)
                with self.on(signed - dt.timedelta(days=20)):
                    company = paqte.company_create(
                        siret=siret(next(serial)),
                        name=name,
                        size=size,
                        sector=sector,
                        address=f"{10 + index} rue de la République, {town}",
                        signature_level=Company.SignatureLevel.LOCAL,
                    )
                    convention = paqte.convention_create(user=worker, company=company, department=department)
                    seen: set[str] = set()
                    for indicator in KeyIndicator.objects.order_by("position"):
                        if indicator.axis not in seen:  # the four axes
                            seen.add(indicator.axis)
                            paqte.objective_add(
                                user=worker, convention=convention, indicator=indicator, target=10 * (index + 1)
                            )
                stage = "draft" if index == 3 else "negotiation" if index == 2 or (code == "62" and index) else "active"
                if stage == "draft":
                    conventions.append(convention)
                    continue
                with self.on(signed - dt.timedelta(days=10)):
                    convention = transition_run(case=convention, user=worker, name="start_negotiation")
                if stage == "active":
                    with self.on(signed):
                        convention = transition_run(case=convention, user=worker, name="sign", signed_on=signed)
                        convention = transition_run(case=convention, user=worker, name="activate")
                    with self.on(semester_end + dt.timedelta(days=5)):
                        for number, objective in enumerate(convention.objectives.order_by("pk")):
                            paqte.result_record(
                                user=worker,
                                objective=objective,
                                year=semester_end.year,
                                semester=1,
                                value=(index + 1) * (2 + number),
                            )
                conventions.append(convention)

            # The 1st semester's report: sent on time by the Nord, still a draft in the Pas-de-Calais.
            with self.on(semester_end + dt.timedelta(days=3)):
                report = paqte.report_create(user=worker, department=department, year=semester_end.year, semester=1)
                report = paqte.report_update(
                    user=worker,
                    report=report,
                    organisation="Un référent PAQTE par arrondissement, un comité de pilotage trimestriel.",
                    partners="Pôle emploi, missions locales, CCI, clubs d'entreprises",
                    examples="Job dating dans les QPV, stages de 3e, achats auprès des entreprises des quartiers.",
                    strategy="Mobiliser les ETI du territoire ; obstacle : la mobilité des jeunes.",
                    pru_count=12 if code == "59" else 5,
                    job_seekers_qpv=48_200 if code == "59" else 21_300,
                )
            if on_time:
                with self.on(semester_end + dt.timedelta(days=8)):
                    report = transition_run(case=report, user=worker, name="send_to_validation")
                with self.on(semester_end + dt.timedelta(days=10)):
                    transition_run(case=report, user=validator, name="validate")

    # --- Synthesis, collèges ----------------------------------------------------------------------

    @property
    def synthesis_on_time(self) -> dt.date:
        """The day the Nord's synthesis is transmitted, three days before the campaign's date."""
        return self.c.synthesis - dt.timedelta(days=3)

    def syntheses(self) -> None:
        cget = self.user("referent.cget")
        due = self.c.synthesis
        parts = {
            "steps_taken": "Réunion des maires et des présidents d'EPCI, lancement des évaluations à mi-parcours.",
            "measures": "Dédoublement des classes de CP et CE1 en REP+, emplois francs, PAQTE avec 40 entreprises.",
            "renovation_deadline": "Protocoles en négociation ; signature prévue avant l'échéance de la campagne.",
            "difficulties": "Mobilisation inégale des intercommunalités, calendrier serré des conseils citoyens.",
        }
        for code, label, on_time in (("59", "nord", True), ("62", "pas-de-calais", False)):
            department = Department.objects.get(code=code)
            agent, validator = self.user(f"agent.{label}"), self.user(f"valideur.{label}")
            sent = self.synthesis_on_time if on_time else due + dt.timedelta(days=6)
            with self.on(sent - dt.timedelta(days=4)):
                synthesis = synthesis_services.synthesis_save(user=agent, department=department, year=due.year, **parts)
                synthesis = transition_run(user=agent, case=synthesis, name="send_to_validation")
            with self.on(sent):
                synthesis = transition_run(user=validator, case=synthesis, name="validate")
            with self.on(sent + dt.timedelta(days=5)):
                if on_time:
                    transition_run(user=cget, case=synthesis, name="approve")
                else:
                    transition_run(
                        user=cget,
                        case=synthesis,
                        name="return_to_prefecture",
                        comment="La partie « difficultés rencontrées » doit citer les QPV concernés.",
                    )

    def colleges(self) -> None:
        """The 1st semester's collège des chefs de service: held in the Nord, missing in the Pas-de-Calais."""
        end = self.c.date(SERVICE_HEADS)
        agent = self.user("agent.nord")
        held = end - dt.timedelta(days=12)
        with self.on(held - dt.timedelta(days=30)):
            meeting = steering.meeting_create(
                user=agent,
                kind=Meeting.Kind.SERVICE_HEADS,
                year=end.year,
                semester=1,
                department=Department.objects.get(code="59"),
                date=held,
            )
            meeting = transition_run(user=agent, case=meeting, name="convene")
        with self.on(held):
            transition_run(user=agent, case=meeting, name="hold")

    def assign(self) -> None:
        """Each demo account takes up to three of the open tasks it may act on (its « À traiter »
        tab); the others stay in the département's queue."""
        taken: dict[int, int] = {}
        people = list(self.users.values())
        for task in Task.objects.filter(status=STATUS.NEW, owner__isnull=True).order_by("pk"):
            kind = kind_for_flow(task.process.flow_class)
            if kind is None:
                continue
            _task, case = task_get(kind, task.pk)
            for person in people:
                if taken.get(person.pk, 0) < 3 and task_may_act(user=person, task=task, case=case):
                    task_assign(kind=kind, task_pk=task.pk, user=person)
                    taken[person.pk] = taken.get(person.pk, 0) + 1
                    break


class Command(BaseCommand):
    help = (
        "Installe une campagne 2019 vivante (Nord et Pas-de-Calais) par les vrais services, "
        "puis règle la date de la campagne pour la démonstration. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Date de la campagne (AAAA-MM-JJ).")
        parser.add_argument("--force", action="store_true", help="Autorise l'exécution hors mode débogage (recette).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Campagne de démonstration refusée hors mode débogage (utilisez --force en recette).")
        campaign_scope_open()
        try:
            calendar = campaign_calendar()
            today = options["today"] or calendar.renewal_signature + dt.timedelta(days=16)
            if Renewal.objects.filter(city_contract__department__code__in=["59", "62"]).exists():
                self.stdout.write("Campagne de démonstration déjà en place.")
            else:
                demo = Demo(calendar, self.stdout)
                with transaction.atomic():
                    # The renovations up to the Nord's synthesis, which freezes their table, then the rest.
                    demo.renovations(until=demo.synthesis_on_time)
                    demo.syntheses()
                    demo.renovations(after=demo.synthesis_on_time)
                    demo.paqte()
                    demo.colleges()
                    with demo.on(today):
                        demo.assign()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Campagne de démonstration : {Renewal.objects.count()} rénovations, "
                        f"{PaqteConvention.objects.count()} conventions PAQTE, "
                        f"{SemesterReport.objects.count()} bilans, collèges et synthèses du Nord et du Pas-de-Calais, "
                        f"{demo.deposited} documents PDF déposés."
                    )
                )
            campaign_clock_set(today)
        finally:
            campaign_scope_close()
        self.stdout.write(
            f"Date de la campagne : {today:%d/%m/%Y} (administration › Campagnes › date de la campagne ; "
            "vide : la date réelle)."
        )
