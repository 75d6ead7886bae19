"""The « Signataires » section of a case page and its forms (``workflows.inbox.party_views``): who
may add a party or record its signature (the case's own prefecture team that instruits it), who
only reads (valideur, CGET), who does not find the case at all (another département)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from accounts.models import Role
from tests.conftest import MakeUser
from tests.factories.paqte import PaqteConventionFactory
from tests.factories.renewal import RenewalFactory
from tests.workflows.renewal.helpers import PDF, pdf
from workflows.cases.parties import Party, parties_of
from workflows.cases.party_history import PartyHistory
from workflows.cases.party_services import party_add, party_sign
from workflows.models import Renewal, RenewalState

pytestmark = pytest.mark.django_db

# role, département → status of the add form (GET) and of each post; the page shows the section.
MATRIX = [
    (Role.AGENT, "59", 200),
    (Role.AGENT, "62", 404),
    (Role.PAQTE_REFERENT, "59", 403),  # no renovation work: reads
    (Role.PREFECT_VALIDATOR, "59", 403),
    (Role.PREFECT_VALIDATOR, "62", 404),
    (Role.CGET_REFERENT, None, 403),
    (Role.NATIONAL_ADMIN, None, 403),
]


def _renewal(make_user: MakeUser) -> tuple[Renewal, Party]:
    renewal = RenewalFactory.create(state=RenewalState.SIGNATURE)
    party = party_add(case=renewal, user=make_user(Role.AGENT, "59"), role=Party.Role.MAYOR, name="Maire de Lille")
    return renewal, party


@pytest.mark.parametrize(("role", "department", "status"), MATRIX)
def test_who_may_change_the_parties(
    make_user: MakeUser, client_for: Callable[..., Client], role: Role, department: str | None, status: int
) -> None:
    renewal, party = _renewal(make_user)
    client = client_for(role, department)
    add = reverse("inbox:party_add", args=["renewal", renewal.pk])
    state = reverse("inbox:party_state", args=["renewal", renewal.pk, party.pk])
    assert client.get(add).status_code == status
    assert client.get(state).status_code == status
    posted = client.post(
        add, {"role": "caf", "name": "CAF du Nord", "contact_email": "caf@caf59.fr", "mandatory": "on"}
    )
    assert posted.status_code == (302 if status == 200 else status)
    signed = client.post(state, {"state": "signed", "on": "2019-07-01", "page": pdf("page.pdf")})
    assert signed.status_code == (302 if status == 200 else status)
    expected = ["Maire de Lille", "CAF du Nord"] if status == 200 else ["Maire de Lille"]
    assert [p.name for p in parties_of(renewal)] == expected
    assert Party.objects.get(pk=party.pk).state == ("signed" if status == 200 else "to_request")
    page = client.get(reverse("workflows:renewal_detail", args=[renewal.pk]))
    if department == "62":
        assert page.status_code == 404
        return
    html = page.content.decode()
    assert 'id="signataires"' in html and "Maire de Lille" in html
    assert ("Ajouter un signataire" in html) == (status == 200)


def test_anonymous_is_sent_to_the_login(make_user: MakeUser) -> None:
    renewal, _ = _renewal(make_user)
    response = Client().get(reverse("inbox:party_add", args=["renewal", renewal.pk]))
    assert response.status_code == 302
    assert Party.objects.count() == 1


def test_a_refused_post_keeps_what_was_typed_in_french_and_each_change_is_in_the_history(
    make_user: MakeUser, client_for: Callable[..., Client]
) -> None:
    renewal, party = _renewal(make_user)
    client = client_for(Role.AGENT, "59")
    add = reverse("inbox:party_add", args=["renewal", renewal.pk])
    refused = client.post(add, {"role": "ars", "name": "ARS Hauts-de-France", "contact_email": "pas-une-adresse"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Saisissez une adresse e-mail valide." in html
    assert 'value="ARS Hauts-de-France"' in html and 'value="pas-une-adresse"' in html
    state = reverse("inbox:party_state", args=["renewal", renewal.pk, party.pk])
    no_page = client.post(state, {"state": "signed", "on": "2019-07-01"})
    assert no_page.status_code == 400
    assert "Déposez la page signée (PDF) pour enregistrer la signature." in no_page.content.decode()
    not_a_pdf = SimpleUploadedFile("page.pdf", b"MZ pas un PDF", content_type="application/pdf")
    fake = client.post(state, {"state": "signed", "on": "2019-07-01", "page": not_a_pdf})
    assert fake.status_code == 400
    assert Party.objects.get(pk=party.pk).state == "to_request"
    assert client.post(state, {"state": "requested", "on": "2019-06-03"}).status_code == 302
    assert client.post(state, {"state": "refused", "on": "2019-06-20"}).status_code == 302
    rows = list(PartyHistory.objects.filter(party=party).values_list("transition", "source", "target"))
    assert rows == [
        ("party_add", "", "to_request"),
        ("party_request", "to_request", "requested"),
        ("party_refuse", "requested", "refused"),
    ]
    assert Party.objects.get(pk=party.pk).state_on == dt.date(2019, 6, 20)
    page = client.get(reverse("workflows:renewal_detail", args=[renewal.pk])).content.decode()
    timeline = page[page.index('id="historique-titre') :]
    for action in ("Signataire ajouté", "Signature sollicitée", "Refus de signer enregistré"):
        assert action in timeline
    assert "Maire – Maire de Lille le 20/06/2019" in timeline


def test_the_national_admin_reads_the_parties_and_their_history_in_the_admin(make_user: MakeUser) -> None:
    renewal, party = _renewal(make_user)
    admin = make_user(Role.NATIONAL_ADMIN)
    client = Client()
    client.force_login(admin)
    listing = client.get(reverse("admin:workflows_party_changelist"), {"q": "Lille"})
    assert listing.status_code == 200 and "Maire de Lille" in listing.content.decode()
    change = client.get(reverse("admin:workflows_party_change", args=[party.pk]))
    html = change.content.decode()
    assert change.status_code == 200 and "Signataire ajouté" in html
    assert 'name="state"' not in html  # the state is written by the services only
    assert client.get(reverse("admin:workflows_party_add")).status_code == 403
    assert renewal.pk


PAQTE_MATRIX = [
    (Role.AGENT, "59", 302),
    (Role.PAQTE_REFERENT, "59", 302),  # the PAQTE team instruits the convention
    (Role.PAQTE_REFERENT, "62", 404),
    (Role.PREFECT_VALIDATOR, "59", 403),
    (Role.CGET_REFERENT, None, 403),
]


@pytest.mark.parametrize(("role", "department", "status"), PAQTE_MATRIX)
def test_who_may_add_the_company_to_a_paqte_convention(
    client_for: Callable[..., Client], role: Role, department: str | None, status: int
) -> None:
    convention = PaqteConventionFactory.create(state="negotiation")
    client = client_for(role, department)
    add = reverse("inbox:party_add", args=["paqte-convention", convention.pk])
    posted = client.post(add, {"role": "company", "name": "Entreprise signataire", "mandatory": "on"})
    assert posted.status_code == status
    assert len(parties_of(convention)) == (1 if status == 302 else 0)
    page = client.get(convention.get_absolute_url())
    if status == 404:
        assert page.status_code == 404
        return
    html = page.content.decode()
    assert ("Ajouter un signataire" in html) == (status == 302)
    assert ("Entreprise signataire" in html) == (status == 302)


# role, département → status of the signed page's download: whoever sees the case reads it.
PROOF_MATRIX = [
    (Role.AGENT, "59", 200),
    (Role.PAQTE_REFERENT, "59", 200),
    (Role.PREFECT_VALIDATOR, "59", 200),
    (Role.CGET_REFERENT, None, 200),
    (Role.NATIONAL_ADMIN, None, 200),
    (Role.AGENT, "62", 404),
    (Role.PREFECT_VALIDATOR, "62", 404),
]


@pytest.mark.parametrize(("role", "department", "status"), PROOF_MATRIX)
def test_who_downloads_a_party_s_signed_page(
    make_user: MakeUser, client_for: Callable[..., Client], role: Role, department: str | None, status: int
) -> None:
    renewal, party = _renewal(make_user)
    party_sign(party=party, user=make_user(Role.AGENT, "59"), on=dt.date(2019, 7, 1), upload=pdf("page-signee.pdf"))
    url = reverse("inbox:party_proof", args=["renewal", renewal.pk, party.pk])
    client = client_for(role, department)
    response = client.get(url)
    assert response.status_code == status
    if status != 200:
        return
    assert response["Content-Disposition"] == 'attachment; filename="page-signee.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    page = client.get(reverse("workflows:renewal_detail", args=[renewal.pk])).content.decode()
    assert f'href="{url}"' in page  # the « Signataires » table links the page by its name


def test_a_signed_page_is_sent_to_the_login_found_only_under_its_case_and_only_once_deposited(
    make_user: MakeUser, client_for: Callable[..., Client]
) -> None:
    renewal, party = _renewal(make_user)
    agent = client_for(Role.AGENT, "59")
    url = reverse("inbox:party_proof", args=["renewal", renewal.pk, party.pk])
    assert agent.get(url).status_code == 404  # nothing deposited yet
    party_sign(party=party, user=make_user(Role.AGENT, "59"), on=dt.date(2019, 7, 1), upload=pdf("Signée.PDF"))
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/?next=")
    assert agent.get(url)["Content-Disposition"] == 'attachment; filename="page-signee.pdf"'  # not the PDF's own type
    other = RenewalFactory.create(state=RenewalState.SIGNATURE)
    assert agent.get(reverse("inbox:party_proof", args=["renewal", other.pk, party.pk])).status_code == 404
    convention = PaqteConventionFactory.create(state="negotiation")
    assert (
        agent.get(reverse("inbox:party_proof", args=["paqte-convention", convention.pk, party.pk])).status_code == 404
    )


def test_the_add_form_explains_signature_obligatoire(make_user: MakeUser, client_for: Callable[..., Client]) -> None:
    """The yes/no checkbox keeps its help text: the DSFR hint inside its label, announced with it."""
    renewal, _ = _renewal(make_user)
    html = client_for(Role.AGENT, "59").get(reverse("inbox:party_add", args=["renewal", renewal.pk])).content.decode()
    label = html[html.index('<label for="id_mandatory"') :]
    label = label[: label.index("</label>")]
    assert "Signature obligatoire" in label and "(Optionnel)" not in label
    assert (
        '<span class="fr-hint-text" id="id_mandatory_helptext">'
        "Le dossier n'est signé que lorsque chaque "
        "signataire obligatoire a signé.</span>"
    ) in label
    assert 'aria-describedby="id_mandatory_helptext"' in html
