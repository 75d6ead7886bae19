# Shared set-up for scripts/run.sh and scripts/test.sh. Needs only Python 3.11 on the machine.
# shellcheck shell=bash

UV_VERSION="0.13.9"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf '\033[31mErreur : %s\033[0m\n' "$*" >&2; exit 1; }

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      # The interpreter itself, not a launcher (pyenv's shims): uv compares the path it is given
      # with the environment's, and removed and re-created .venv at every run for a shim's path
      # (the run command then dropped the development packages the tests had installed).
      "$candidate" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  die "Python 3.11 est introuvable (python3.11 ou python3)."
}

# uv installs exactly what uv.lock says; it lives in .tools/ so nothing global is touched.
ensure_uv() {
  PYTHON="$(find_python)"
  if [ ! -x "$ROOT/.tools/bin/uv" ] || [ "$("$ROOT/.tools/bin/uv" --version | awk '{print $2}')" != "$UV_VERSION" ]; then
    say "Installation de uv $UV_VERSION"
    "$PYTHON" -m venv "$ROOT/.tools"
    "$ROOT/.tools/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
  UV="$ROOT/.tools/bin/uv"
}

sync_deps() {
  say "Installation des dépendances (uv.lock)"
  "$UV" sync --frozen --python "$PYTHON" "$@"
  export PATH="$ROOT/.venv/bin:$PATH"
}

# The address the run command serves, for the links of emails and calendar feeds (SITE_URL):
# SITE_URL if set, else http://localhost:<PORT> (8000 by default).
served_site_url() { printf '%s' "${SITE_URL:-http://localhost:${PORT:-8000}}"; }

port_open() { "$PYTHON" -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1', $1)))"; }

ensure_postgres() {
  port_open 5432 && return 0
  say "PostgreSQL ne répond pas sur 127.0.0.1:5432 : démarrage"
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do port_open 5432 && return 0; sleep 1; done
  die "PostgreSQL ne répond pas sur 127.0.0.1:5432 et n'a pas pu être démarré (pg_ctlcluster). Démarrez-le, puis relancez."
}

# The database the production-settings checks connect to (the tests create their own).
ensure_database() {
  python - "$1" <<'PY' || die "Impossible de créer la base PostgreSQL « $1 »."
import sys, psycopg
name = sys.argv[1]
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY
}

ensure_redis() {
  port_open 6379 && return 0
  say "Redis ne répond pas sur 127.0.0.1:6379 : démarrage"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
  for _ in $(seq 1 30); do port_open 6379 && return 0; sleep 1; done
  die "Redis ne répond pas sur 127.0.0.1:6379 et n'a pas pu être démarré (redis-server). Démarrez-le, puis relancez."
}

# Debian's chromium drives the browser tests (Playwright cannot download browsers here).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  say "Installation de Chromium (paquet Debian) pour les tests dans le navigateur"
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  [ -x /usr/bin/chromium ] || die "Chromium est introuvable (/usr/bin/chromium) et n'a pas pu être installé : apt-get install chromium."
}

# poppler-utils (pdftoppm, pdftotext): the document tests render each PDF to PNG and read its text.
ensure_poppler() {
  command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && return 0
  say "Installation de poppler-utils (paquet Debian) pour les tests des documents PDF"
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  fi
  command -v pdftoppm >/dev/null 2>&1 || die "pdftoppm est introuvable et n'a pas pu être installé : apt-get install poppler-utils."
}
