#!/bin/sh
# Back up what a kb-faq service cannot rebuild: content/, the SQLite records database (questions,
# feedback, editors' accounts, edit log), and the session key (instance/secret_key, or
# KB_SECRET_KEY in /etc/kb/kb.env). Safe while the service runs:
# sqlite3's .backup takes a consistent copy. The index is not backed up: `kb build` remakes it.
#   usage: kb-backup.sh [APP_FOLDER [BACKUP_ROOT]]     (defaults: /srv/kb/app /var/backups/kb)
# Needs the sqlite3 command (Debian: apt install sqlite3). Run it from cron or a systemd timer.
set -eu
app=${1:-/srv/kb/app}
dest=${2:-/var/backups/kb}/$(date +%Y%m%dT%H%M%S)
mkdir -p "$dest"
chmod 700 "$dest"
sqlite3 "$app/instance/kb.sqlite3" ".backup '$dest/kb.sqlite3'"
sqlite3 "$dest/kb.sqlite3" "PRAGMA integrity_check" | grep -qx ok
tar -C "$app" -czf "$dest/content.tar.gz" content
if [ -f "$app/instance/secret_key" ]; then cp -p "$app/instance/secret_key" "$dest/secret_key"; fi
if [ -r /etc/kb/kb.env ]; then cp -p /etc/kb/kb.env "$dest/kb.env"; fi
echo "$dest"
