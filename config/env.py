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
    "REDIS_URL": "Redis (cache, courtier Celery, verrous), ex. redis://127.0.0.1:6379/0. "
    "Sans valeur en dev : cache mémoire et tâches Celery exécutées dans le processus web.",
    "EMAIL_URL": "Serveur d'envoi, ex. smtp://user:mdp@hote:587 ou smtp+tls://… "
    "Défaut en dev : consolemail:// (courriels affichés dans la console). Obligatoire en production.",
    "DEFAULT_FROM_EMAIL": "Expéditeur des courriels. Défaut : Quartiers <ne-pas-repondre@quartiers.local>.",
    "SITE_URL": "Adresse publique du site, pour les liens des courriels. Défaut : http://localhost:8000.",
    "PRIVATE_MEDIA_ROOT": "Dossier des pièces déposées, hors de la racine web. Défaut : ./var/media.",
    "STATIC_ROOT": "Dossier où collectstatic rassemble les fichiers statiques. Défaut : ./var/static.",
    "DJANGO_SECURE_SSL_REDIRECT": "Production : redirige HTTP vers HTTPS. Défaut : vrai.",
    "DJANGO_LOG_LEVEL": "Niveau des journaux (DEBUG, INFO, WARNING…). Défaut : INFO.",
    # Process settings of deploy/ (issue #7): gunicorn.conf.py reads the first two, the start
    # scripts of the worker and of beat the last two.
    "GUNICORN_BIND": "Adresse d'écoute de gunicorn (nginx devant). Défaut : 127.0.0.1:8000.",
    "GUNICORN_WORKERS": "Nombre de processus gunicorn. Défaut : 2 × nombre de cœurs + 1.",
    "CELERY_CONCURRENCY": "Processus d'envoi par worker Celery (deploy/start-worker.sh). Défaut : 2.",
    "CELERY_BEAT_SCHEDULE_FILE": "Fichier d'état de Celery beat (deploy/start-beat.sh). "
    "Défaut : /tmp/quartiers-celerybeat-schedule ; /var/lib/quartiers/celerybeat-schedule avec systemd.",
}


def read(name: str, cast: type = str, **kwargs: object) -> object:
    """Read one declared variable; an undeclared name is a programming error."""
    if name not in VARIABLES:
        raise KeyError(f"variable d'environnement non déclarée dans config.env.VARIABLES : {name}")
    return env.get_value(name, cast=cast, **kwargs)
