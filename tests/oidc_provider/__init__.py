"""A real OpenID Connect provider for the ProConnect tests (tests/accounts/test_proconnect.py).

django-oauth-toolkit configured as an OpenID provider, in a Django project of its own (settings,
URLs, SQLite file) run in its own process on 127.0.0.1 by ``python -m tests.oidc_provider.server``:
an RSA key drawn at start, one confidential client (Quartiers), a directory of agents with their
email, names and whether they have a second factor. Like ProConnect it signs its UserInfo
response and answers an ``acr`` asked through the ``claims`` parameter.
"""
