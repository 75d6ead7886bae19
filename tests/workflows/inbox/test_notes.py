"""Notes and messages on every case kind (``workflows.cases.note_services``): the prefecture's
notes never reach the CGET (page, timeline, search, attachment, API); another département sees
neither notes nor messages; a CGET return's reason is the thread's first message, read from the
history row (no copy); a message is an event (a notice and one email through the outbox); an
attachment refused by the upload checks gives a French error and stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from accounts.models import Role, User
from notifications.models import Reminder
from notifications.notices import Notice
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import convention_of
from tests.workflows.renewal.helpers import open_task, pdf, renewal_in
from workflows.cases import note_services
from workflows.cases.history import timeline
from workflows.cases.notes import Message, Note
from workflows.inbox.search import cases_search
from workflows.models import Renewal, RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db

SECRET = "Le maire hésite encore : ne pas relancer avant le conseil municipal."
RETURN_REASON = "Ajoutez un engagement sur la mobilité des jeunes."


@pytest.fixture
def world(make_user: MakeUser) -> dict[str, Any]:
    agent, validator = make_user(Role.AGENT, "59"), make_user(Role.PREFECT_VALIDATOR, "59")
    cget = make_user(Role.CGET_REFERENT)
    renewal = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
    return {
        "agent": agent,
        "validator": validator,
        "cget": cget,
        "admin": make_user(Role.NATIONAL_ADMIN),
        "stranger": make_user(Role.AGENT, "62"),
        "renewal": renewal,
    }


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.PasswordBackend")
    return client


def page(user: User, renewal: Renewal) -> str:
    response = client_of(user).get(f"/renovations/{renewal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stored_attachments() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "echanges"
    return set(root.rglob("*")) if root.exists() else set()


def test_notes_never_reach_the_cget(world: dict[str, Any]) -> None:
    agent, cget, admin, renewal = world["agent"], world["cget"], world["admin"], world["renewal"]
    note = note_services.note_add(user=agent, case=renewal, text=SECRET, upload=pdf("compte-rendu.pdf"))
    # The prefecture team sees it: page (panel and timeline), search, attachment.
    for colleague in (agent, world["validator"]):
        body = page(colleague, renewal)
        assert "Notes internes de la préfecture" in body and "ne pas relancer avant le conseil" in body
        assert any(row.get("exchange") for row in timeline(renewal, user=colleague))
        assert renewal in {hit.case for hit in cases_search(user=colleague, query="conseil municipal")}
    url = f"/dossiers/renewal/{renewal.pk}/pieces/note/{note.pk}/"
    assert client_of(agent).get(url).status_code == 200
    # The CGET, national administrators included, never: page, timeline, search, attachment, API.
    for national in (cget, admin):
        body = page(national, renewal)
        assert "ne pas relancer" not in body and "Notes internes" not in body and "compte-rendu.pdf" not in body
        assert not any(row.get("exchange") for row in timeline(renewal, user=national))
        assert cases_search(user=national, query="conseil municipal") == []
        assert note_services.notes_of(case=renewal, user=national) == []
        assert client_of(national).get(url).status_code == 404
        for api in ("/api/renovations/", f"/api/renovations/{renewal.pk}/"):
            assert "ne pas relancer" not in client_of(national).get(api).content.decode()
        # …nor write one.
        response = client_of(national).post(f"/dossiers/renewal/{renewal.pk}/notes/", {"texte": "Vu."})
        assert response.status_code == 404
    assert Note.objects.count() == 1
    from django.contrib import admin

    assert Note not in admin.site._registry and Message in admin.site._registry  # no admin page reads notes


def test_another_departement_sees_neither_notes_nor_messages(world: dict[str, Any]) -> None:
    agent, stranger, renewal = world["agent"], world["stranger"], world["renewal"]
    note = note_services.note_add(user=agent, case=renewal, text=SECRET, upload=pdf())
    message = note_services.message_add(user=agent, case=renewal, text="Pouvez-vous confirmer le délai ?", upload=pdf())
    client = client_of(stranger)
    assert client.get(f"/renovations/{renewal.pk}/").status_code == 404
    for type_, row in (("note", note), ("message", message)):
        assert client.get(f"/dossiers/renewal/{renewal.pk}/pieces/{type_}/{row.pk}/").status_code == 404
    for path in ("notes", "messages"):
        assert client.post(f"/dossiers/renewal/{renewal.pk}/{path}/", {"texte": "Intrusion"}).status_code == 404
    assert note_services.thread_of(case=renewal, user=stranger) == []
    assert note_services.notes_of(case=renewal, user=stranger) == []
    assert cases_search(user=stranger, query="conseil municipal") == []
    assert cases_search(user=stranger, query="confirmer le delai") == []
    assert Note.objects.count() == 1 and Message.objects.count() == 1
    # A case kind is matched on its content type: the same id of another kind is not this case.
    assert client.get(f"/dossiers/paqte-convention/{renewal.pk}/pieces/note/{note.pk}/").status_code == 404


def test_a_return_reason_is_the_first_message_of_the_thread(
    world: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    agent, cget, renewal = world["agent"], world["cget"], world["renewal"]
    renewal_task_complete(
        task_pk=open_task(renewal, "review").pk, user=cget, transition="return_to_prefecture", comment=RETURN_REASON
    )
    assert Message.objects.count() == 0  # read from the history row, not copied
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(agent).post(
            f"/dossiers/renewal/{renewal.pk}/messages/", {"texte": "C'est ajouté : engagement n° 4."}
        )
    assert response.status_code == 302 and response["Location"].endswith("#echanges")
    for reader in (agent, cget):
        thread = note_services.thread_of(case=renewal, user=reader)
        assert [item.type for item in thread] == ["return", "message"]
        assert thread[0].text == RETURN_REASON and thread[0].from_cget and thread[0].author == cget
        assert thread[0].label == "Protocole renvoyé à la préfecture par le CGET"
        assert thread[1].text == "C'est ajouté : engagement n° 4." and not thread[1].from_cget
        body = page(reader, renewal)
        assert "Motif du renvoi" in body and body.index(RETURN_REASON) < body.index("engagement n° 4")
    # The message is an event: the CGET referent who acted on the case is told, once, by email too.
    notice = Notice.objects.get(recipient=cget, event="message")
    assert notice.title.startswith("Message de la préfecture – ") and "engagement n° 4" in notice.body
    assert notice.link_path == f"/renovations/{renewal.pk}/#echanges"
    assert Reminder.objects.filter(notice=notice, recipient=cget).count() == 1
    assert not Notice.objects.filter(recipient=agent, event="message").exists()  # not the author
    # The CGET answers: the prefecture team of the département is told, another département not.
    with django_capture_on_commit_callbacks(execute=True):
        note_services.message_add(user=cget, case=renewal, text="Merci, je valide.")
    assert Notice.objects.filter(recipient=agent, event="message").count() == 1
    assert Notice.objects.filter(recipient=world["validator"], event="message").count() == 1
    assert not Notice.objects.filter(recipient=world["stranger"]).exists()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("faux.pdf", b"<html><script>alert(1)</script></html>", "Seuls les fichiers PDF ou bureautiques"),
        ("vide.pdf", b"", "vide"),
        ("page.pdf", b"%PDF-1.4\n<html><body>", "code HTML ou un script"),
    ],
)
def test_a_refused_attachment_says_why_in_french_and_stores_nothing(
    world: dict[str, Any], name: str, content: bytes, error: str
) -> None:
    agent, renewal = world["agent"], world["renewal"]
    before = stored_attachments()
    for path in ("notes", "messages"):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = client_of(agent).post(
            f"/dossiers/renewal/{renewal.pk}/{path}/", {"texte": "Voir la pièce jointe.", "piece": upload}
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert error in body and "Rien n'a été enregistré" in body
        assert "Voir la pièce jointe." in body  # what was typed is kept
    assert Note.objects.count() == 0 and Message.objects.count() == 0
    assert stored_attachments() == before


def test_an_empty_text_is_refused(world: dict[str, Any]) -> None:
    response = client_of(world["agent"]).post(f"/dossiers/renewal/{world['renewal'].pk}/notes/", {"texte": "  "})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert Note.objects.count() == 0


def test_an_accepted_attachment_is_downloaded_through_the_scope_check(world: dict[str, Any]) -> None:
    agent, cget, renewal = world["agent"], world["cget"], world["renewal"]
    response = client_of(agent).post(
        f"/dossiers/renewal/{renewal.pk}/messages/",
        {"texte": "Le protocole modifié.", "piece": pdf("protocole v2.pdf")},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.attachment_type == "application/pdf" and message.attachment_name == "protocole v2.pdf"
    assert not message.attachment.name.endswith("protocole v2.pdf")  # the stored name is never the user's
    for reader in (agent, cget):
        download = client_of(reader).get(f"/dossiers/renewal/{renewal.pk}/pieces/message/{message.pk}/")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_every_case_kind_has_the_panel(world: dict[str, Any]) -> None:
    agent = world["agent"]
    convention = convention_of(agent, Department.objects.get(code="59"))
    note_services.note_add(user=agent, case=convention, text="Entreprise à relancer en septembre.")
    body = client_of(agent).get(f"/paqte/conventions/{convention.pk}/").content.decode()
    assert "Entreprise à relancer en septembre." in body and 'id="echanges"' in body
    cget_body = client_of(world["cget"]).get(f"/paqte/conventions/{convention.pk}/").content.decode()
    assert "relancer en septembre" not in cget_body and "Messages entre la préfecture et le CGET" in cget_body
    # A note on the convention is not a note on the renovation that has the same id.
    assert note_services.notes_of(case=world["renewal"], user=agent) == []


def test_page_queries_do_not_grow_with_the_notes(
    world: dict[str, Any], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    agent, renewal = world["agent"], world["renewal"]
    client = client_of(agent)
    note_services.note_add(user=agent, case=renewal, text="Une.")
    client.get(f"/renovations/{renewal.pk}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(f"/renovations/{renewal.pk}/")
    for index in range(10):
        note_services.note_add(user=agent, case=renewal, text=f"Note {index}.")
        note_services.message_add(user=agent, case=renewal, text=f"Message {index}.")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(f"/renovations/{renewal.pk}/")


def test_the_cget_decision_screen_shows_the_thread(world: dict[str, Any]) -> None:
    agent, cget, renewal = world["agent"], world["cget"], world["renewal"]
    note_services.message_add(user=agent, case=renewal, text="Le protocole est complet, merci de votre relecture.")
    note_services.note_add(user=agent, case=renewal, text=SECRET)
    task = open_task(renewal, "review")
    body = client_of(cget).get(f"/circuits/{task.process_id}/taches/{task.pk}/").content.decode()
    assert "merci de votre relecture" in body and "Écrire à la préfecture" in body
    assert "ne pas relancer" not in body


def test_a_synthesis_has_its_thread_and_notes_too(world: dict[str, Any]) -> None:
    from tests.workflows.synthesis.helpers import synthesis_in

    agent, cget = world["agent"], world["cget"]
    synthesis = synthesis_in(Department.objects.get(code="59"), "submitted")
    note_services.note_add(user=agent, case=synthesis, text="Relire la partie difficultés avec le sous-préfet.")
    note_services.message_add(
        user=cget, case=synthesis, text="Pouvez-vous préciser le calendrier des cités éducatives ?"
    )
    url = f"/pilotage/syntheses/59/{synthesis.year}/"
    agent_body = client_of(agent).get(url).content.decode()
    assert "Relire la partie difficultés" in agent_body and "calendrier des cités éducatives" in agent_body
    cget_body = client_of(cget).get(url).content.decode()
    assert "calendrier des cités éducatives" in cget_body and "Relire la partie" not in cget_body
    assert synthesis in {hit.case for hit in cases_search(user=cget, query="cites educatives")}
    assert cases_search(user=cget, query="sous-prefet difficultes") == []
