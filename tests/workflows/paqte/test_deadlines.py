"""The PAQTE cases keep their campaign deadlines in step: the référent's
contact (15 February 2019), the semestrial report, the three-year end of a convention, the
charter conventions' expiries and the January 2020 migration, and the reminder emails' links."""

from __future__ import annotations

import datetime

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

import pytest

from accounts.models import User
from notifications import campaign as calendar
from notifications.models import Campaign, Deadline, DeadlineDefinition, Reminder
from notifications.reminders import reminders_sweep
from notifications.sending import reminder_email
from reference.models import Department
from tests.workflows.paqte.helpers import convention_of, make_siret
from tests.workflows.paqte.test_charter import csv_of, line
from tests.workflows.paqte.test_submissions import new_case, run
from workflows.cases.runner import transition_run
from workflows.paqte import services
from workflows.paqte.charter_import import charters_import
from workflows.paqte.models import CharterConvention, PaqteConvention, Submission

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()


@pytest.fixture
def actors(agent: User, validator: User, cget: User) -> dict[str, User]:
    return {"agent": agent, "validator": validator, "cget": cget}


def department_deadline(department: Department, code: str, occurrence: str = "") -> Deadline:
    return Deadline.objects.get(
        department=department, definition__code=code, occurrence=occurrence, case_id__isnull=True
    )


def case_deadlines(case: object, code: str) -> list[Deadline]:
    return list(Deadline.objects.filter(case_id=case.pk, definition__code=code))  # type: ignore[attr-defined]


# --- 15 February 2019: the référent's contact to the CGET ---------------------------------------


def test_referent_contact_is_met_when_the_prefect_sends_it_and_reopened_when_returned(
    actors: dict[str, User], nord: Department, pas_de_calais: Department
) -> None:
    designation = new_case("referent", actors["agent"], nord)
    designation = run(designation, "send_to_validation", actors)
    # Named, but not transmitted yet: still due.
    assert not Deadline.objects.filter(definition__code="referent-paqte-contact", met_at__isnull=False).exists()

    designation = run(designation, "validate", actors)
    deadline = department_deadline(nord, "referent-paqte-contact")
    assert deadline.due_on == D(2019, 2, 15) and deadline.met_at is not None
    assert department_deadline(pas_de_calais, "referent-paqte-contact").met_at is None

    designation = run(designation, "return_to_prefecture", actors)
    assert department_deadline(nord, "referent-paqte-contact").met_at is None

    designation = run(designation, "resubmit", actors)
    assert department_deadline(nord, "referent-paqte-contact").met_at is not None
    run(designation, "approve", actors)
    assert department_deadline(nord, "referent-paqte-contact").met_at is not None


def test_a_refused_transition_leaves_the_deadline_alone(actors: dict[str, User], nord: Department) -> None:
    designation = run(new_case("referent", actors["agent"], nord), "send_to_validation", actors)
    with pytest.raises(services.PaqteError):
        transition_run(case=designation, user=actors["validator"], name="approve")
    assert not Deadline.objects.filter(definition__code="referent-paqte-contact", met_at__isnull=False).exists()


# --- Semestrial report -------------------------------------------------------------------------------


def test_semester_report_meets_its_own_semester_when_submitted(actors: dict[str, User], nord: Department) -> None:
    report: Submission = new_case("report", actors["agent"], nord)  # 2019, first semester
    report = run(run(report, "send_to_validation", actors), "validate", actors)

    first = department_deadline(nord, "paqte-semester-report", "2019-S1")
    assert first.due_on == D(2019, 6, 30) and first.met_at is not None
    assert department_deadline(nord, "paqte-semester-report", "2019-S2").met_at is None
    assert Deadline.objects.filter(definition__code="paqte-semester-report", met_at__isnull=False).count() == 1

    report = run(report, "return_to_prefecture", actors)
    assert department_deadline(nord, "paqte-semester-report", "2019-S1").met_at is None
    report = run(report, "resubmit", actors)
    run(report, "approve", actors)
    assert department_deadline(nord, "paqte-semester-report", "2019-S1").met_at is not None


def test_a_report_sent_back_by_the_prefect_does_not_meet_it(actors: dict[str, User], nord: Department) -> None:
    report = run(run(new_case("report", actors["agent"], nord), "send_to_validation", actors), "send_back", actors)
    assert report.state == "draft"
    assert not Deadline.objects.filter(definition__code="paqte-semester-report", met_at__isnull=False).exists()


# --- Convention end, three years after the signature ----------------------------------------------


@pytest.mark.parametrize(
    "signed_on",
    [
        D(2019, 4, 10),
        D(2019, 3, 1),  # the day before the anniversary is 28 February 2022
        D(2020, 2, 29),  # no 29 February in 2023: the anniversary is 28 February
        D(2021, 2, 28),  # a month end before a leap year: 27 February 2024, not the 28th
        D(2021, 3, 1),  # the day before is 29 February 2024
        D(2019, 12, 31),
    ],
)
def test_convention_end_deadline_is_the_conventions_own_end(
    agent: User, nord: Department, signed_on: datetime.date
) -> None:
    convention = convention_of(agent, nord, state="signed", signed_on=signed_on)
    (deadline,) = case_deadlines(convention, "paqte-convention-end")
    assert convention.ends_on == calendar.convention_end(signed_on)
    assert deadline.due_on == convention.ends_on
    assert deadline.department_id == nord.pk and deadline.met_at is None
    assert deadline.link_path == f"/paqte/conventions/{convention.pk}/"
    assert convention.company.name in deadline.title


def test_the_definition_says_the_same_rule_as_the_convention() -> None:
    """The campaign data (notifications 0002): signature + 3 years − 1 day, so the campaign data agrees with ends_on."""
    definition = DeadlineDefinition.objects.get(campaign__code="2019", code="paqte-convention-end")
    assert (definition.offset_years, definition.offset_days) == (3, -1)


def test_convention_end_is_met_when_renewed_or_expired(agent: User, nord: Department) -> None:
    near_end = calendar.add_years(TODAY, -3) + datetime.timedelta(days=30)
    renewed = convention_of(agent, nord, state="active", signed_on=near_end)
    successor = services.convention_renew(user=agent, convention=renewed)
    assert case_deadlines(renewed, "paqte-convention-end")[0].met_at is not None
    assert case_deadlines(successor, "paqte-convention-end") == []  # it gets its own at its signature

    ended = convention_of(agent, nord, state="active", signed_on=TODAY - datetime.timedelta(days=4 * 365))
    transition_run(case=ended, user=agent, name="expire")
    assert case_deadlines(ended, "paqte-convention-end")[0].met_at is not None


@pytest.mark.parametrize("state", ["signed", "active"])
def test_convention_end_is_dropped_when_terminated_early(agent: User, nord: Department, state: str) -> None:
    convention = convention_of(agent, nord, state=state)
    assert len(case_deadlines(convention, "paqte-convention-end")) == 1
    transition_run(case=convention, user=agent, name="terminate", comment="Cessation d’activité")
    assert case_deadlines(convention, "paqte-convention-end") == []


def test_a_convention_is_signed_even_when_the_campaign_is_switched_off(agent: User, nord: Department) -> None:
    Campaign.objects.filter(code="2019").update(is_active=False)
    convention = convention_of(agent, nord, state="active")
    assert convention.state == "active"
    assert case_deadlines(convention, "paqte-convention-end") == []
    charters_import(content=csv_of(line("A1")))
    assert not Deadline.objects.filter(definition__code="charter-convention-expiry").exists()


def test_no_deadline_before_the_signature(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="negotiation")
    assert case_deadlines(convention, "paqte-convention-end") == []


# --- Charter conventions ----------------------------------------------------------------------------


def test_each_imported_charter_gets_its_expiry_and_reimport_follows_a_moved_date(nord: Department) -> None:
    charters_import(content=csv_of(line("A1", date_fin="14/03/2019"), line("A2", date_fin="30/06/2019")))
    for charter in CharterConvention.objects.all():
        (deadline,) = case_deadlines(charter, "charter-convention-expiry")
        assert deadline.due_on == charter.ends_on
        assert deadline.link_path == f"/paqte/chartes/{charter.pk}/"
        assert deadline.department_id == nord.pk

    a1 = CharterConvention.objects.get(reference="A1")
    charters_import(content=csv_of(line("A1", siret=a1.company.siret, date_fin="31/12/2019")))
    assert case_deadlines(a1, "charter-convention-expiry")[0].due_on == D(2019, 12, 31)
    assert Deadline.objects.filter(definition__code="charter-convention-expiry").count() == 2


def test_charter_migration_is_met_once_every_charter_of_the_department_is_handled(
    agent: User, nord: Department, pas_de_calais: Department
) -> None:
    charters_import(content=csv_of(line("A1"), line("A2"), line("A3")))
    # Pas-de-Calais has no charter convention: nothing to migrate, the deadline is met.
    assert department_deadline(pas_de_calais, "charter-migration").met_at is not None
    assert department_deadline(nord, "charter-migration").met_at is None
    assert department_deadline(nord, "charter-migration").due_on == D(2020, 1, 31)

    a1, a2, a3 = CharterConvention.objects.order_by("reference")
    services.charter_migrate(user=agent, charter=services.charter_offer(user=agent, charter=a1))
    assert case_deadlines(a1, "charter-convention-expiry")[0].met_at is not None
    assert case_deadlines(a2, "charter-convention-expiry")[0].met_at is None
    assert department_deadline(nord, "charter-migration").met_at is None

    services.charter_migrate(user=agent, charter=services.charter_offer(user=agent, charter=a2))
    transition_run(case=services.charter_offer(user=agent, charter=a3), user=agent, name="decline")
    # Two migrated, one declined: nothing left that the prefecture can migrate.
    assert department_deadline(nord, "charter-migration").met_at is not None
    assert case_deadlines(a3, "charter-convention-expiry")[0].met_at is not None

    # A new charter convention imported later reopens it.
    charters_import(content=csv_of(line("A4", siret=make_siret())))
    assert department_deadline(nord, "charter-migration").met_at is None


def test_paqte_offer_meets_the_migration_of_departments_without_charters(nord: Department) -> None:
    from django.core.management import call_command

    call_command("paqte_offer", verbosity=0)
    assert department_deadline(nord, "charter-migration").met_at is not None
    assert Deadline.objects.filter(definition__code="charter-migration", met_at__isnull=True).count() == 0


# --- Reminder emails link to the PAQTE pages ---------------------------------------------------------


def html_of(message: EmailMultiAlternatives) -> str:
    return str(message.alternatives[0][0])


def _reminder_for(user: User, code: str, today: datetime.date) -> Reminder:
    reminders_sweep(today=today, enqueue=None)
    return Reminder.objects.select_related("deadline", "rule", "recipient").get(
        recipient=user, deadline__definition__code=code
    )


def test_convention_end_reminder_links_to_the_convention(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="active", signed_on=D(2023, 6, 12))
    assert convention.ends_on == D(2026, 6, 11)  # a Thursday: the 7-day reminder leaves on 4 June
    reminder = _reminder_for(agent, "paqte-convention-end", D(2026, 6, 4))
    message = reminder_email(reminder)
    link = f"http://localhost:8000/paqte/conventions/{convention.pk}/"
    assert link in message.body
    assert f'href="{link}"' in html_of(message)
    assert "11/06/2026" in message.subject


def test_charter_expiry_reminder_links_to_the_charter(agent: User, nord: Department) -> None:
    charters_import(content=csv_of(line("A1", date_fin="14/03/2019")))
    charter = CharterConvention.objects.get()
    reminder = _reminder_for(agent, "charter-convention-expiry", D(2019, 3, 7))
    assert f"http://localhost:8000/paqte/chartes/{charter.pk}/" in reminder_email(reminder).body


def test_semester_report_reminder_links_to_the_paqte_tasks_and_stops_once_submitted(
    actors: dict[str, User], nord: Department
) -> None:
    reminder = _reminder_for(actors["agent"], "paqte-semester-report", D(2019, 6, 21))  # 30 June is a Sunday
    assert reminder.deadline is not None and reminder.deadline.occurrence == "2019-S1"
    message = reminder_email(reminder)
    assert "http://localhost:8000/paqte/taches/" in message.body
    assert 'href="http://localhost:8000/paqte/taches/"' in html_of(message)

    report = new_case("report", actors["agent"], nord)
    run(run(report, "send_to_validation", actors), "validate", actors)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED
    # The escalation of the next day is not written for a met deadline.
    reminders_sweep(today=D(2019, 7, 1), enqueue=None)
    assert not Reminder.objects.filter(
        deadline__department=nord, deadline__definition__code="paqte-semester-report", rule__kind="after"
    ).exists()


def test_referent_contact_reminder_links_to_the_paqte_tasks(agent: User, nord: Department) -> None:
    reminder = _reminder_for(agent, "referent-paqte-contact", D(2019, 2, 14))
    assert "http://localhost:8000/paqte/taches/" in reminder_email(reminder).body


def test_a_convention_reaches_the_reminder_only_through_its_state(agent: User, nord: Department) -> None:
    """Guard against stale rows: a terminated convention sends nothing at its former end."""
    convention = convention_of(agent, nord, state="active", signed_on=D(2023, 6, 12))
    transition_run(case=convention, user=agent, name="terminate", comment="Rachat")
    reminders_sweep(today=D(2026, 6, 4), enqueue=None)
    assert not Reminder.objects.filter(deadline__definition__code="paqte-convention-end").exists()
    assert PaqteConvention.objects.get(pk=convention.pk).state == "terminated"
