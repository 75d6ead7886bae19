"""Test clients of a logged-in user, for the tests that read pages as one user or another."""

from __future__ import annotations

from django.test import Client

from accounts.models import User


def logged(user: User, *, backend: str | None = None) -> Client:
    """A test client logged in as ``user`` (no password, no login form). Without ``backend``, the
    session is Django's default: the first of ``AUTHENTICATION_BACKENDS`` that reads a session's
    user (``accounts.backends.PasswordBackend``); a test that depends on it may name it."""
    client = Client()
    client.force_login(user, backend=backend)
    return client
