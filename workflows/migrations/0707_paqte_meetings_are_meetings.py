"""One meeting model: the PAQTE steering committees and checkpoints (annex 2) become meetings of
their département (kinds ``paqte_committee`` / ``paqte_checkpoint``), with the companies present.

Forwards, each PAQTE meeting is copied with its date, minutes and companies, held if its date has
passed (convened otherwise), with its history; backwards, the PAQTE meetings are copied back."""

import datetime as dt

from django.db import migrations, models

KINDS = {"steering": "paqte_committee", "checkpoint": "paqte_checkpoint"}


def forwards(apps, schema_editor):
    CommitteeMeeting = apps.get_model("workflows", "CommitteeMeeting")
    Meeting = apps.get_model("workflows", "Meeting")
    MeetingHistory = apps.get_model("workflows", "MeetingHistory")
    today = dt.date.today()
    for old in CommitteeMeeting.objects.select_related("committee").order_by("pk"):
        held = old.held_on <= today
        meeting = Meeting.objects.create(
            kind=KINDS[old.kind],
            department_id=old.committee.department_id,
            year=old.held_on.year,
            date=old.held_on,
            minutes=old.minutes,
            state="held" if held else "convened",
        )
        meeting.companies.set(old.companies.all())
        MeetingHistory.objects.create(meeting=meeting, transition="convene", source="to_schedule", target="convened")
        if held:
            MeetingHistory.objects.create(meeting=meeting, transition="hold", source="convened", target="held")


def backwards(apps, schema_editor):
    CommitteeMeeting = apps.get_model("workflows", "CommitteeMeeting")
    SteeringCommittee = apps.get_model("workflows", "SteeringCommittee")
    Meeting = apps.get_model("workflows", "Meeting")
    reverse = {new: old for old, new in KINDS.items()}
    for meeting in Meeting.objects.filter(kind__in=list(reverse)).order_by("pk"):
        committee, _ = SteeringCommittee.objects.get_or_create(department_id=meeting.department_id)
        old = CommitteeMeeting.objects.create(
            committee=committee, kind=reverse[meeting.kind], held_on=meeting.date, minutes=meeting.minutes
        )
        old.companies.set(meeting.companies.all())
        meeting.delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0706_semester_constraints_and_campaign_year")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="companies",
            field=models.ManyToManyField(
                blank=True, related_name="paqte_meetings", to="workflows.company", verbose_name="entreprises présentes"
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="CommitteeMeeting"),
    ]
