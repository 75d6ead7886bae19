#!/usr/bin/env bash
# Back up Quartiers: the PostgreSQL database (pg_dump, custom format) and the uploaded
# documents (tar of PRIVATE_MEDIA_ROOT), into a new dated directory with a checksum manifest.
#
#   deploy/backup.sh [DESTINATION]          # default destination: /var/backups/quartiers
#
# Reads DATABASE_URL and PRIVATE_MEDIA_ROOT from the environment (with systemd:
# set -a; . /etc/quartiers/env; set +a). Prints the path of the backup on its last line.
# Consistency: the dump is one snapshot; a document uploaded during the backup may be in the
# tar without its row (harmless) but never the reverse, because the tar is made AFTER the dump.
set -euo pipefail

die() { printf 'backup.sh : %s\n' "$*" >&2; exit 1; }

: "${DATABASE_URL:?DATABASE_URL manquant (charger /etc/quartiers/env : set -a; . /etc/quartiers/env; set +a)}"
: "${PRIVATE_MEDIA_ROOT:?PRIVATE_MEDIA_ROOT manquant}"
DESTINATION="${1:-/var/backups/quartiers}"
[ -d "$PRIVATE_MEDIA_ROOT" ] || die "dossier des pièces introuvable : $PRIVATE_MEDIA_ROOT"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
TARGET="$DESTINATION/quartiers-$STAMP"
[ -e "$TARGET" ] && die "existe déjà : $TARGET"
umask 077  # personal data: readable by the owner only
mkdir -p "$TARGET"
# Remove a half-written backup on any failure, so that only complete ones exist.
trap 'rc=$?; [ $rc -eq 0 ] || { rm -rf "$TARGET"; echo "backup.sh : échec, rien gardé" >&2; }' EXIT

# libpq reads the URL itself (postgres://user:password@host:port/name).
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --no-privileges \
  --file="$TARGET/database.dump"

tar --create --gzip --file="$TARGET/media.tar.gz" --directory="$PRIVATE_MEDIA_ROOT" --numeric-owner .

# One checksum per uploaded file, checked again after a restore.
(cd "$PRIVATE_MEDIA_ROOT" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$TARGET/media.sha256"

{
  echo "created_at=$STAMP"
  echo "database=$(psql "$DATABASE_URL" -XAtc 'select current_database()')"
  echo "server_version=$(psql "$DATABASE_URL" -XAtc 'show server_version')"
  echo "last_migration=$(psql "$DATABASE_URL" -XAtc "select app || '.' || name from django_migrations order by id desc limit 1")"
  echo "media_files=$(wc -l <"$TARGET/media.sha256")"
  echo "code_version=$(git -C "$(dirname "$0")/.." rev-parse HEAD 2>/dev/null || echo inconnue)"
} >"$TARGET/backup.info"

# The manifest: checksums of everything above, verified by restore.sh before it touches anything.
(cd "$TARGET" && sha256sum database.dump media.tar.gz media.sha256 backup.info >MANIFEST.sha256)

echo "Sauvegarde terminée : $(du -sh "$TARGET" | cut -f1)" >&2
echo "$TARGET"
