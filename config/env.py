"""The one place that reads the environment.

Every variable the product reads is declared in ``VARIABLES`` with its help text, so that
``deploy/env.example`` and the README can be checked against it (see
``tests/config/test_env.py``). Production secrets have no default: reading one that is
missing raises ``ImproperlyConfigured`` at start.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VARIABLES: dict[str, str] = {
    "DJANGO_SETTINGS_MODULE": "Module de réglages : config.settings.dev (défaut), test ou production.",
    "DJANGO_SECRET_KEY": "Clé secrète Django. Obligatoire en production, sans valeur par défaut.",
    "DJANGO_ALLOWED_HOSTS": "Noms d'hôte servis, séparés par des virgules. Obligatoire en production.",
    "DJANGO_DEBUG": "Mode débogage (dev uniquement). Défaut : vrai en dev, faux ailleurs.",
    "DATABASE_URL": "Base de données, ex. postgres://user:mdp@hote:5432/quartiers. "
    "Défaut en dev : SQLite (db.sqlite3). Obligatoire en production.",
    "REDIS_URL": "Redis, ex. redis://127.0.0.1:6379/0 : le courtier Celery (file des relances) sur la base "
    "indiquée (0), le cache sur la suivante (1), jamais la même (vider le cache viderait la file). "
    "Base de 0 à 14. Sans valeur en dev : cache mémoire, file Celery en fichiers (var/celery/).",
    "REDIS_CACHE_URL": "Base Redis du cache, si ce n'est pas la suivante de REDIS_URL, ex. "
    "redis://127.0.0.1:6379/1. Jamais celle du courtier. Sans valeur : la base suivante de REDIS_URL.",
    "CELERY_BROKER_URL": "Base Redis du courtier Celery, si ce n'est pas celle de REDIS_URL, ex. "
    "redis://127.0.0.1:6379/0 (Celery lit aussi cette variable lui-même). Jamais celle du cache. "
    "Sans valeur : celle de REDIS_URL.",
    "EMAIL_URL": "Serveur d'envoi, ex. smtp://user:mdp@hote:587 ou smtp+tls://… "
    "Défaut en dev : consolemail:// (courriels affichés dans la console). Obligatoire en production.",
    "DEFAULT_FROM_EMAIL": "Expéditeur des courriels. Défaut : Quartiers <ne-pas-repondre@quartiers.local>.",
    "SITE_URL": "Adresse publique du site, pour les liens des courriels. Défaut : http://localhost:8000.",
    "QUARTIERS_CAMPAIGN_TODAY": "Date de la campagne (AAAA-MM-JJ) pour la démonstration et la formation : "
    "« aujourd'hui » de toutes les pages, retards, exports, calendriers et relances ; un bandeau l'annonce. "
    "Le champ « date de la campagne » de l'administration l'emporte. Sans valeur : la date réelle (production).",
    "PRIVATE_MEDIA_ROOT": "Dossier des pièces déposées, hors de la racine web. Défaut : ./var/media.",
    "CLAMD_ADDRESS": "Antivirus clamd qui analyse chaque pièce déposée (INSTREAM), ex. 127.0.0.1:3310 ou "
    "unix:///run/clamav/clamd.ctl. Sans valeur : pas d'analyse. Si clamd ne répond pas, le dépôt est refusé.",
    "STATIC_ROOT": "Dossier où collectstatic rassemble les fichiers statiques. Défaut : ./var/static.",
    "DJANGO_SECURE_SSL_REDIRECT": "Production : redirige HTTP vers HTTPS. Défaut : vrai.",
    "DJANGO_LOG_LEVEL": "Niveau des journaux (DEBUG, INFO, WARNING…). Défaut : INFO.",
    # ProConnect login (OpenID Connect, accounts/oidc.py). Without a client id: no button, /oidc/ is 404.
    "PROCONNECT_CLIENT_ID": "Identifiant du client ProConnect. Sans valeur : connexion ProConnect désactivée "
    "(pas de bouton, adresses /oidc/ introuvables) ; la connexion par mot de passe reste.",
    "PROCONNECT_CLIENT_SECRET": "Secret du client ProConnect. Obligatoire avec PROCONNECT_CLIENT_ID.",
    "PROCONNECT_ISSUER": "Émetteur ProConnect, ex. https://auth.agentconnect.gouv.fr/api/v2 (comparé au « iss » "
    "du jeton d'identité). Obligatoire avec PROCONNECT_CLIENT_ID. Les points d'accès laissés vides ci-dessous sont "
    "lus dans <émetteur>/.well-known/openid-configuration au premier usage.",
    "PROCONNECT_AUTHORIZATION_ENDPOINT": "Point d'accès d'autorisation ProConnect. Défaut : celui de la découverte.",
    "PROCONNECT_TOKEN_ENDPOINT": "Point d'accès des jetons ProConnect. Défaut : celui de la découverte.",
    "PROCONNECT_USERINFO_ENDPOINT": "Point d'accès userinfo ProConnect. Défaut : celui de la découverte.",
    "PROCONNECT_JWKS_ENDPOINT": "Clés publiques (JWKS) de ProConnect, qui vérifient la signature RS256 du jeton "
    "d'identité. Défaut : celles de la découverte.",
    "PROCONNECT_END_SESSION_ENDPOINT": "Point d'accès de déconnexion ProConnect (end_session_endpoint). "
    "Défaut : celui de la découverte.",
    "PROCONNECT_NATIONAL_ACR_VALUES": "Niveaux d'authentification (acr) exigés des comptes nationaux (référent CGET, "
    "administrateur national, superutilisateur), séparés par des espaces, ex. « eidas2 eidas3 ». "
    "Sans valeur : aucun niveau exigé.",
    # Process settings of deploy/: gunicorn.conf.py reads the first two, the start
    # scripts of the worker and of beat the last two.
    "GUNICORN_BIND": "Adresse d'écoute de gunicorn (nginx devant). Défaut : 127.0.0.1:8000.",
    "GUNICORN_WORKERS": "Nombre de processus gunicorn. Défaut : 2 × nombre de cœurs + 1.",
    "CELERY_CONCURRENCY": "Fils d'envoi (pool threads) par worker Celery (deploy/start-worker.sh). Défaut : 16.",
    "CELERY_BEAT_SCHEDULE_FILE": "Fichier d'état de Celery beat (deploy/start-beat.sh). "
    "Défaut : /tmp/quartiers-celerybeat-schedule ; /var/lib/quartiers/celerybeat-schedule avec systemd.",
}


def read(name: str, cast: type = str, **kwargs: object) -> object:
    """Read one declared variable; an undeclared name is a programming error."""
    if name not in VARIABLES:
        raise KeyError(f"variable d'environnement non déclarée dans config.env.VARIABLES : {name}")
    return env.get_value(name, cast=cast, **kwargs)
