"""Writes and reads of the notes and messages of any case (``workflows.cases.notes``).

Who reads what:

- notes: the prefecture team (agent, référent PAQTE, valideur) of the case's département, never
  the CGET nor a national role (démarches-simplifiées' private annotations);
- messages: the prefecture team of the case's département and the CGET (national roles).

A CGET return's reason is the thread's first message: ``thread_of`` reads the history rows of
the transitions the tables mark ``message=True`` (their comment), beside the ``Message`` rows;
nothing is copied. A message sent is an event of the case: ``case_event`` with
``event="message"``, on commit, so the inbox's receivers notify the other side (in-app notice
and email by preference, through the outbox) exactly as for a transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model

from accounts.models import PREFECTURE_ROLES
from accounts.selectors import scoped
from config.statements import Compiled
from workflows.cases.events import case_event_after_commit
from workflows.cases.notes import MAX_TEXT, Message, Note
from workflows.cases.registry import kind_for_code, kind_of
from workflows.uploads import MAX_DOCUMENT_SIZE, OFFICE_TYPES, upload_check

NOTE_DENIED = "Les notes internes sont réservées à l'équipe de la préfecture du dossier."
MESSAGE_DENIED = "Vous ne pouvez pas écrire sur ce dossier."
TEXT_REQUIRED = "Écrivez votre texte avant de l'envoyer."
TEXT_TOO_LONG = f"Le texte dépasse {MAX_TEXT} caractères."


def case_visible(*, user: Any, case: Model) -> bool:
    """The case is in the user's scope (read once per request and case: cached on the user)."""
    kind = kind_of(case)
    cache: dict[tuple[str, int], bool] = user.__dict__.setdefault("_cases_visible", {})
    key = (kind.code, case.pk)
    if key not in cache:
        cache[key] = (
            scoped(kind.model._default_manager.all(), user, department_field=kind.department_field)
            .filter(pk=case.pk)
            .exists()
        )
    return cache[key]


def case_visible_known(*, user: Any, case: Model) -> None:
    """A page that read ``case`` through the user's scope (``accounts.selectors.scoped``, as
    ``case_visible`` reads it) says so: its notes and messages then ask no second query."""
    user.__dict__.setdefault("_cases_visible", {})[(kind_of(case).code, case.pk)] = True


def is_prefecture(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in PREFECTURE_ROLES)


def is_cget(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_national)


def may_read_notes(*, user: Any, case: Model) -> bool:
    """The prefecture team of the case's département; never the CGET."""
    return is_prefecture(user) and case_visible(user=user, case=case)


def may_message(*, user: Any, case: Model) -> bool:
    """The prefecture team of the case's département, and the CGET."""
    return (is_prefecture(user) or is_cget(user)) and case_visible(user=user, case=case)


def _link(case: Model) -> dict[str, Any]:
    return {"case_type": ContentType.objects.get_for_model(kind_of(case).model), "case_id": case.pk}


def _text_check(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(TEXT_REQUIRED)
    if len(text) > MAX_TEXT:
        raise ValidationError(TEXT_TOO_LONG)
    return text


def _attach(row: Note | Message, upload: UploadedFile | None) -> None:
    """The one upload validator (magic numbers, sniffable markup, PDF scripts, zip bombs,
    clamd): a refused file raises its French ``ValidationError`` before anything is stored."""
    if upload is None:
        return
    row.attachment_type = upload_check(upload=upload, types=OFFICE_TYPES, max_size=MAX_DOCUMENT_SIZE)
    row.attachment_name = (upload.name or "piece-jointe")[:200]
    row.attachment_size = upload.size or 0
    row.attachment.save(upload.name or "piece-jointe", upload, save=False)


def note_add(*, user: Any, case: Model, text: str, upload: UploadedFile | None = None) -> Note:
    if not may_read_notes(user=user, case=case):
        raise PermissionDenied(NOTE_DENIED)
    note = Note(**_link(case), author=user, text=_text_check(text))
    case.__dict__.pop(ROWS_READ, None)
    _attach(note, upload)
    try:
        with transaction.atomic():
            note.save()
    except BaseException:
        if note.attachment:
            note.attachment.delete(save=False)
        raise
    return note


def message_add(*, user: Any, case: Model, text: str, upload: UploadedFile | None = None) -> Message:
    if not may_message(user=user, case=case):
        raise PermissionDenied(MESSAGE_DENIED)
    message = Message(**_link(case), author=user, text=_text_check(text), from_cget=is_cget(user))
    case.__dict__.pop(ROWS_READ, None)
    _attach(message, upload)
    try:
        with transaction.atomic():
            message.save()
            case_event_after_commit(
                case=case, transition=None, event="message", actor=user, comment=message.text, message=message
            )
    except BaseException:
        if message.attachment:
            message.attachment.delete(save=False)
        raise
    return message


# --- Reads ------------------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One line of a case's notes or thread: a note, a message, or a CGET return's reason."""

    type: str  # "note", "message", "return"
    pk: int
    at: Any
    author: Any
    text: str
    from_cget: bool = False
    label: str = ""  # for a return: what the timeline says of it ("Protocole renvoyé… par le CGET")
    attachment_name: str = ""
    kind_code: str = ""
    case_pk: int = 0

    @property
    def heading(self) -> str:
        if self.type == "note":
            return "Note interne de la préfecture"
        if self.type == "return":
            return self.label
        return "Message du CGET" if self.from_cget else "Message de la préfecture"


ROWS_READ = "_quartiers_exchange_rows"
# A case's notes and its messages, with their authors: on every case page (compiled once).
_ROWS = {
    model: Compiled(
        lambda case_type, case_id, model=model: (
            model.objects.filter(case_type_id=case_type, case_id=case_id).select_related("author").order_by("at", "pk")
        ),
        int,
        int,
    )
    for model in (Note, Message)
}


def _rows(model: type[Note] | type[Message], case: Model) -> list[Any]:
    """The case's notes or messages, read once per case object: a case page shows them in the
    timeline and again in the exchanges' panel (two queries each before). Writing one
    (``note_add``, ``message_add``) forgets what was read."""
    read: dict[Any, list[Any]] = case.__dict__.setdefault(ROWS_READ, {})
    if model not in read:
        link = _link(case)
        read[model] = _ROWS[model].all(link["case_type"].pk, link["case_id"])
    return read[model]


def _exchange(row: Note | Message, case: Model, type_: str) -> Exchange:
    return Exchange(
        type=type_,
        pk=row.pk,
        at=row.at,
        author=row.author,
        text=row.text,
        from_cget=bool(getattr(row, "from_cget", False)),
        attachment_name=row.attachment_name if row.attachment else "",
        kind_code=kind_of(case).code,
        case_pk=case.pk,
    )


def notes_of(*, case: Model, user: Any) -> list[Exchange]:
    """The case's notes, oldest first; nothing for whoever may not read them."""
    if not may_read_notes(user=user, case=case):
        return []
    return [_exchange(note, case, "note") for note in _rows(Note, case)]


def messages_of(*, case: Model, user: Any) -> list[Exchange]:
    if not may_message(user=user, case=case):
        return []
    return [_exchange(message, case, "message") for message in _rows(Message, case)]


def thread_of(*, case: Model, user: Any) -> list[Exchange]:
    """The prefecture ↔ CGET thread, oldest first: the reasons of the CGET's returns (read from
    the history rows of the transitions marked ``message``) and the messages."""
    if not may_message(user=user, case=case):
        return []
    kind = kind_of(case)
    names = [spec.name for spec in kind.table if spec.message]
    returns = (
        [
            Exchange(
                type="return",
                pk=row.pk,
                at=row.at,
                author=row.actor,
                text=row.comment,
                from_cget=True,
                label=kind.table.timeline_label(row.transition),
                kind_code=kind.code,
                case_pk=case.pk,
            )
            for row in kind.history_read(case)
            if row.transition in names and row.comment != ""
        ]
        if names
        else []
    )
    found = returns + [_exchange(message, case, "message") for message in _rows(Message, case)]
    return sorted(found, key=lambda item: (item.at, item.type != "return", item.pk))


def exchanges_for_timeline(*, case: Model, user: Any) -> list[Exchange]:
    """What the case's timeline shows beside its transitions: notes (prefecture only) and
    messages (a return's reason is already the transition's own row)."""
    return notes_of(case=case, user=user) + messages_of(case=case, user=user)


def attachment_get(*, user: Any, kind_code: str, case_pk: int, type_: str, pk: int) -> Note | Message | None:
    """The attachment's row if ``user`` may read it (``None`` otherwise: 404)."""
    kind = kind_for_code(kind_code)
    if kind is None or not getattr(user, "is_authenticated", False):
        return None
    case = (
        scoped(kind.model._default_manager.all(), user, department_field=kind.department_field)
        .filter(pk=case_pk)
        .first()
    )
    if case is None:
        return None
    if type_ == "note" and may_read_notes(user=user, case=case):
        model: type[Note] | type[Message] = Note
    elif type_ == "message" and may_message(user=user, case=case):
        model = Message
    else:
        return None
    return model.objects.filter(**_link(case), pk=pk).exclude(attachment="").first()
