"""``python -m tests.oidc_provider.server CONFIG.json``: the test OpenID provider on 127.0.0.1.

CONFIG names the SQLite file, the client and the directory (see tests/accounts/test_proconnect.py).
The provider listens on a free port drawn by the system and prints ``READY <port>`` once it
accepts connections; it runs until killed. Threaded: a browser may hold a connection open
while another request comes in.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # one line per request is noise here
        pass


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def seed(config: dict[str, Any]) -> None:
    from django.contrib.auth.models import Group, User

    from oauth2_provider.models import Application  # type: ignore[import-untyped]

    from tests.oidc_provider.validators import MFA_GROUP

    client = config["client"]
    Application.objects.create(
        name="Quartiers",
        client_id=client["client_id"],
        client_secret=client["client_secret"],  # hashed on save
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,  # the agent consents, as on ProConnect's first visit
    )
    mfa = Group.objects.create(name=MFA_GROUP)
    for person in config["users"]:
        user = User.objects.create_user(
            username=person["email"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("given_name", ""),
            last_name=person.get("usual_name", ""),
        )
        if person.get("mfa"):
            user.groups.add(mfa)


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DATABASE"] = config["database"]
    os.environ["OIDC_PROVIDER_RSA_KEY"] = rsa_private_key_pem()

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    seed(config)
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
