"""Writes on a case's parties (``workflows.cases.parties``): add one, ask for its signature, record
its signature with the signed page (checked by ``workflows.uploads`` before it is stored), or its
refusal. The permission is the case's: whoever may work on the case may record its signatures
(``may_work`` of the kind, asked through the registry's FSM permission of ``sign``): the agent of
the département for a renovation, the agent and the référent PAQTE for a PAQTE convention.

Each change writes a ``PartyHistory`` row (who, when, from which state to which), shown in the
case's timeline. The agent who adds a party, then the one who asks for its signature, is the
contact its reminders name (``notifications.sending``); a party that has signed or refused gets no
more reminders (the outbox re-checks when sending).

Every write takes the case's one lock (``workflows.cases.locks.case_locked``, the row lock the
runner takes): a signature recorded while the case's ``sign`` transition runs waits for it, so the
transition's check of the missing parties and the party's change never interleave; two agents
adding a party at once get distinct positions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile

from workflows.cases.locks import case_locked
from workflows.cases.parties import Party
from workflows.cases.party_history import PartyHistory
from workflows.cases.registry import kind_of
from workflows.uploads import MAX_DOCUMENT_SIZE, upload_check

PDF_ONLY = {"pdf": "application/pdf"}


def _may_sign(case: Any, user: Any) -> None:
    meta = getattr(getattr(case, "sign", None), "_django_fsm", None)
    allowed = False
    if meta is not None:
        allowed = any(step.has_perm(case, user) for step in meta.transitions.values())
    if not allowed:
        raise PermissionDenied(kind_of(case).denied)


def _log(*, party: Party, user: Any, action: str, source: str) -> None:
    when = f" le {party.state_on:%d/%m/%Y}" if party.state_on and action != "party_add" else ""
    PartyHistory.objects.create(
        party=party, actor=user, transition=action, source=source, target=party.state, comment=f"{party}{when}"
    )


def may_change_parties(*, case: Any, user: Any) -> bool:
    try:
        _may_sign(case, user)
    except PermissionDenied:
        return False
    return True


def party_add(*, case: Any, user: Any, role: str, name: str, contact_email: str = "", mandatory: bool = True) -> Party:
    _may_sign(case, user)
    case_type = ContentType.objects.get_for_model(type(case))
    party = Party(
        case_type=case_type,
        case_id=case.pk,
        role=role,
        name=name.strip(),
        contact_email=contact_email.strip(),
        mandatory=mandatory,
        prefecture_contact=user,
    )
    party.full_clean()
    with case_locked(case):
        party.position = Party.objects.filter(case_type=case_type, case_id=case.pk).count()
        party.save()
        _log(party=party, user=user, action="party_add", source="")
    return party


def _party_state(*, party: Party, user: Any, state: str, on: dt.date, action: str) -> Party:
    case: Any = party.case
    _may_sign(case, user)
    with case_locked(case):
        locked = Party.objects.get(pk=party.pk)
        source = locked.state
        locked.state, locked.state_on = state, on
        fields = ["state", "state_on"]
        if action == "party_request":
            locked.prefecture_contact = user
            fields.append("prefecture_contact")
        locked.save(update_fields=fields)
        _log(party=locked, user=user, action=action, source=source)
    return locked


def party_request(*, party: Party, user: Any, on: dt.date) -> Party:
    """The party has been asked to sign (« sollicitée »), on ``on``."""
    return _party_state(party=party, user=user, state=Party.State.REQUESTED, on=on, action="party_request")


def party_sign(*, party: Party, user: Any, on: dt.date, upload: UploadedFile) -> Party:
    """The party signed on ``on``; its signed page (a PDF) is checked before anything is stored."""
    case: Any = party.case
    _may_sign(case, user)
    upload_check(upload=upload, types=PDF_ONLY, max_size=MAX_DOCUMENT_SIZE)
    with case_locked(case):
        locked = Party.objects.get(pk=party.pk)
        source = locked.state
        locked.state, locked.state_on = Party.State.SIGNED, on
        locked.proof_name = (upload.name or "page-signee.pdf")[:200]
        locked.proof.save(locked.proof_name, upload, save=False)
        locked.save()
        _log(party=locked, user=user, action="party_sign", source=source)
    return locked


def party_refuse(*, party: Party, user: Any, on: dt.date) -> Party:
    """The party refused to sign, on ``on`` (the case stays unsigned while it is mandatory)."""
    return _party_state(party=party, user=user, state=Party.State.REFUSED, on=on, action="party_refuse")
