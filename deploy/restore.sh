#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and an empty media directory.
#
#   deploy/restore.sh BACKUP_DIRECTORY [--force]
#
# Reads DATABASE_URL (the target database, created beforehand: createdb) and PRIVATE_MEDIA_ROOT.
# 1. checks the manifest (every file of the backup, sha256) before touching anything;
# 2. refuses a database that already has tables, or a media directory that has files, unless
#    --force (then the database objects of the dump are dropped and recreated, and the files
#    of the backup overwrite those of the same name);
# 3. restores the database in one transaction (all or nothing), then the documents;
# 4. checks every restored document against its checksum.
# Stop the web, worker and beat processes first (systemctl stop quartiers-web quartiers-worker
# quartiers-beat), restart them afterwards.
set -euo pipefail

die() { printf 'restore.sh : %s\n' "$*" >&2; exit 1; }

BACKUP="${1:-}"
FORCE="${2:-}"
[ -n "$BACKUP" ] || die "usage : deploy/restore.sh DOSSIER_DE_SAUVEGARDE [--force]"
[ -z "$FORCE" ] || [ "$FORCE" = "--force" ] || die "option inconnue : $FORCE"
[ -f "$BACKUP/MANIFEST.sha256" ] || die "pas de MANIFEST.sha256 dans $BACKUP"
: "${DATABASE_URL:?DATABASE_URL manquant (charger /etc/quartiers/env : set -a; . /etc/quartiers/env; set +a)}"
: "${PRIVATE_MEDIA_ROOT:?PRIVATE_MEDIA_ROOT manquant}"

echo "1/4 Vérification de la sauvegarde" >&2
(cd "$BACKUP" && sha256sum --check --strict --quiet MANIFEST.sha256) || die "sauvegarde altérée : sommes de contrôle fausses"

echo "2/4 Cible" >&2
tables="$(psql "$DATABASE_URL" -XAtc "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")" \
  || die "base cible injoignable (créez-la d'abord : createdb)"
mkdir -p "$PRIVATE_MEDIA_ROOT"
files="$(find "$PRIVATE_MEDIA_ROOT" -type f | head -1)"
if [ "$FORCE" != "--force" ]; then
  [ "$tables" = "0" ] || die "la base cible n'est pas vide ($tables tables) : restauration refusée (--force pour écraser)"
  [ -z "$files" ] || die "le dossier $PRIVATE_MEDIA_ROOT n'est pas vide : restauration refusée (--force pour écraser)"
fi

echo "3/4 Base de données" >&2
clean=()
[ "$tables" = "0" ] || clean=(--clean --if-exists)
pg_restore --dbname="$DATABASE_URL" --no-owner --no-privileges --exit-on-error --single-transaction \
  "${clean[@]}" "$BACKUP/database.dump"

echo "4/4 Pièces déposées" >&2
tar --extract --gzip --file="$BACKUP/media.tar.gz" --directory="$PRIVATE_MEDIA_ROOT" --no-same-owner
(cd "$PRIVATE_MEDIA_ROOT" && sha256sum --check --strict --quiet "$(cd "$BACKUP" && pwd)/media.sha256") \
  || die "pièces restaurées différentes de la sauvegarde"

echo "Restauration terminée : $(grep '^last_migration=' "$BACKUP/backup.info" | cut -d= -f2), $(grep '^media_files=' "$BACKUP/backup.info" | cut -d= -f2) pièces" >&2
