import pytest
from django.test import Client
from accounts.models import Role
from tests.workflows.paqte.helpers import convention_of
from workflows.paqte import services

pytestmark = pytest.mark.django_db


def test_pages(agent, nord, cget):
    c = Client(); c.force_login(agent)
    conv = convention_of(agent, nord, state="active")
    rep = services.report_create(user=agent, department=nord, year=2019, half=1)
    services.referent_save(user=agent, department=nord, name="A", function="B", email="a@b.fr", phone="1")
    for url in ["/paqte/", "/paqte/departements/59/", "/paqte/conventions/", "/paqte/conventions/nouvelle/", f"/paqte/conventions/{conv.pk}/",
                "/paqte/chartes/", "/paqte/bilans/", f"/paqte/bilans/{rep.pk}/", f"/paqte/bilans/{rep.pk}/bilan.pdf", f"/paqte/bilans/{rep.pk}/bilan.xlsx"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
    c2 = Client(); c2.force_login(cget)
    assert c2.get("/paqte/examen/").status_code == 200
