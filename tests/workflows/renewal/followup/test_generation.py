"""Follow-ups generated at the right dates for each frequency, idempotently, each one a
deadline of the reminders engine."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType

import pytest

from accounts.models import Role
from notifications.models import Campaign, Deadline
from tests.conftest import MakeUser
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from tests.workflows.renewal.helpers import open_task, pdf, renewal_in
from workflows.models import RenewalDocument
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.services import follow_up_dates, follow_up_period_end, follow_ups_generate
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db

END = dt.date(2022, 12, 31)
D = dt.date


@pytest.mark.parametrize(
    ("signed_on", "frequency", "expected"),
    [
        (
            D(2019, 7, 12),
            "semestrial",
            [D(2020, 1, 12), D(2020, 7, 12), D(2021, 1, 12), D(2021, 7, 12), D(2022, 1, 12), D(2022, 7, 12)],
        ),
        (D(2019, 7, 12), "annual", [D(2020, 7, 12), D(2021, 7, 12), D(2022, 7, 12)]),
        (D(2019, 7, 12), "triennial", [D(2022, 7, 12)]),
        # Month-end signatures stay on month-ends (31 August → 28/29 February → 31 August).
        (
            D(2019, 8, 31),
            "semestrial",
            [D(2020, 2, 29), D(2020, 8, 31), D(2021, 2, 28), D(2021, 8, 31), D(2022, 2, 28), D(2022, 8, 31)],
        ),
        (D(2019, 2, 28), "annual", [D(2020, 2, 29), D(2021, 2, 28), D(2022, 2, 28)]),
        (
            D(2019, 6, 30),
            "semestrial",
            [
                D(2019, 12, 31),
                D(2020, 6, 30),
                D(2020, 12, 31),
                D(2021, 6, 30),
                D(2021, 12, 31),
                D(2022, 6, 30),
                D(2022, 12, 31),
            ],
        ),
        # The last date may fall on the end of the contrats de ville itself, not after it.
        (D(2019, 12, 31), "triennial", [D(2022, 12, 31)]),
        (D(2020, 1, 15), "triennial", []),
    ],
)
def test_dates_for_each_frequency(signed_on: dt.date, frequency: str, expected: list[dt.date]) -> None:
    assert list(follow_up_dates(signed_on=signed_on, frequency=frequency, ends_on=END)) == expected


def test_period_end_comes_from_the_campaign() -> None:
    assert follow_up_period_end() == D(2022, 12, 31)
    Campaign.objects.filter(code="2019").update(ends_on=D(2021, 12, 31))
    assert follow_up_period_end() == D(2021, 12, 31)


def _deadlines(follow_ups: list[CommitmentFollowUp]) -> list[Deadline]:
    case_type = ContentType.objects.get_for_model(CommitmentFollowUp)
    return list(Deadline.objects.filter(case_type=case_type, case_id__in=[f.pk for f in follow_ups]).order_by("due_on"))


def test_generation_creates_follow_ups_and_deadlines_idempotently() -> None:
    renewal = signed_renewal(signed_on=D(2019, 7, 12))
    semestrial = commitment(renewal, "semestrial")
    annual = commitment(renewal, "annual")
    assert follow_ups_generate(renewal=renewal) == 9
    assert follow_ups_generate(renewal=renewal) == 0
    follow_ups = list(CommitmentFollowUp.objects.filter(commitment=semestrial))
    assert [f.due_on for f in follow_ups][:2] == [D(2020, 1, 12), D(2020, 7, 12)]
    assert CommitmentFollowUp.objects.filter(commitment=annual).count() == 3
    deadlines = _deadlines(list(CommitmentFollowUp.objects.filter(commitment__renewal=renewal)))
    assert len(deadlines) == 9
    assert {d.definition.code for d in deadlines} == {"commitment-follow-up"}
    assert {d.department_id for d in deadlines} == {renewal.department_id}
    assert sorted(d.due_on for d in deadlines) == sorted(
        CommitmentFollowUp.objects.filter(commitment__renewal=renewal).values_list("due_on", flat=True)
    )
    assert all(d.met_at is None for d in deadlines)
    assert deadlines[0].link_path == f"/renovations/suivis/{follow_ups[0].pk}/"


def test_changed_frequency_drops_only_unrecorded_stale_follow_ups(make_user: MakeUser) -> None:
    from workflows.renewal.followup.services import follow_up_record

    renewal = signed_renewal(signed_on=D(2019, 7, 12))
    item = commitment(renewal, "semestrial")
    follow_ups_generate(renewal=renewal)
    first = CommitmentFollowUp.objects.filter(commitment=item).first()
    assert first is not None
    follow_up_record(follow_up=first, user=make_user(Role.AGENT, "59"), value="3", comment="")
    item.frequency = "annual"
    item.save()
    follow_ups_generate(renewal=renewal)
    dates = list(CommitmentFollowUp.objects.filter(commitment=item).values_list("due_on", flat=True))
    # The recorded January 2020 follow-up is kept; the annual dates are there; the others went.
    assert dates == [D(2020, 1, 12), D(2020, 7, 12), D(2021, 7, 12), D(2022, 7, 12)]
    assert len(_deadlines(list(CommitmentFollowUp.objects.filter(commitment=item)))) == 4


def test_unsigned_protocol_generates_nothing() -> None:
    renewal = signed_renewal()
    commitment(renewal)
    renewal.signed_on = None
    assert follow_ups_generate(renewal=renewal) == 0


def test_signature_through_the_task_generates_the_follow_ups(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(
        "signature",
        agent=agent,
        validator=make_user(Role.PREFECT_VALIDATOR, "59"),
        referent=make_user(Role.CGET_REFERENT),
    )
    renewal_task_complete(
        task_pk=open_task(renewal, "sign").pk,
        user=agent,
        fields={"signed_on": D(2019, 7, 12), "signed_by": "Préfet, président de l'EPCI"},
        uploads=[(RenewalDocument.Kind.SIGNED_PROTOCOL, pdf("protocole-signe.pdf"))],
    )
    # renewal_helpers.add_commitment: an annual commitment.
    follow_ups = list(CommitmentFollowUp.objects.filter(commitment__renewal=renewal))
    assert [f.due_on for f in follow_ups] == [D(2020, 7, 12), D(2021, 7, 12), D(2022, 7, 12)]
    assert len(_deadlines(follow_ups)) == 3


def test_backfill_command_is_idempotent() -> None:
    from io import StringIO

    from django.core.management import call_command

    for code in ("59", "62"):
        commitment(signed_renewal(code, signed_on=D(2019, 7, 12)), "annual")
    out = StringIO()
    call_command("commitment_follow_ups", stdout=out)
    assert out.getvalue().strip() == "6 suivi(s) créé(s) pour 2 protocole(s) signé(s)."
    call_command("commitment_follow_ups", stdout=out)
    assert out.getvalue().strip().endswith("0 suivi(s) créé(s) pour 2 protocole(s) signé(s).")
