"""Editors' accounts and the log of their edits (who, when, what), beside the question records.

Own tables in the records database; nothing in kb/records.py changes. Passwords are stored
only as salted hashes (werkzeug.security: scrypt)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

metadata = MetaData()
editors = Table(
    "editors", metadata,
    Column("name", String(80), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
edits = Table(
    "edits", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("editor", String(80), nullable=False),
    Column("action", String(40), nullable=False),  # e.g. add_alternate
    Column("entry_id", String(200)),
    Column("detail", Text),  # what was added (masked question text)
    # building | done | unchanged | failed; read back as "interrupted" when building too long
    Column("status", String(16), nullable=False, default="done"),
    Column("message", Text),  # why it failed (our own sentence, never a resident's text)
    Column("index_version", String(80)),
)
MIN_PASSWORD_CHARS = 10
# An edit still "building" after this was cut off: the process rebuilding it died (a
# worker killed or restarted) and nobody will record how it ended. A rebuild takes
# seconds at 1,800 entries and minutes at 100,000.
BUILD_GIVE_UP = timedelta(hours=1)


def create_editorial_tables(engine: Engine) -> None:
    """Create the editors and edits tables when missing."""
    metadata.create_all(engine)


def set_editor_password(engine: Engine, name: str, password: str) -> bool:
    """Add editor `name` (or change the password); True when the account is new."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    row = dict(password_hash=generate_password_hash(password), created_at=datetime.now(timezone.utc))
    with engine.begin() as conn:
        exists = conn.execute(select(editors.c.name).where(editors.c.name == name)).first()
        if exists:
            conn.execute(editors.update().where(editors.c.name == name).values(password_hash=row["password_hash"]))
        else:
            conn.execute(editors.insert(), {**row, "name": name})
    return not exists


def is_editor_password(engine: Engine, name: str, password: str) -> bool:
    """True when `name` is an editor and `password` is theirs. An unknown name costs the same
    hash as a known one, so the time taken never tells whether an account exists."""
    with engine.connect() as conn:
        stored = conn.execute(select(editors.c.password_hash).where(editors.c.name == name)).scalar()
    matches = check_password_hash(stored or dummy_password_hash(), password)
    return stored is not None and matches


@lru_cache(maxsize=1)
def dummy_password_hash() -> str:
    """A hash of a random password, made as every account's is (same method and cost), checked
    for names that have no account. Made once per process: the web app makes it at start."""
    return generate_password_hash(secrets.token_urlsafe(32))


def is_editor(engine: Engine, name: str) -> bool:
    """True when an account named `name` exists."""
    with engine.connect() as conn:
        return conn.execute(select(editors.c.name).where(editors.c.name == name)).first() is not None


def record_edit(engine: Engine, editor: str, action: str, entry_id: str | None, detail: str,
                index_version: str | None = None, status: str = "done") -> int:
    """Log one edit: who made it, when, to which entry, and what; returns its id."""
    row = dict(created_at=datetime.now(timezone.utc), editor=editor, action=action, entry_id=entry_id,
               detail=detail, index_version=index_version, status=status)
    with engine.begin() as conn:
        return conn.execute(edits.insert(), row).inserted_primary_key[0]


def finish_edit(engine: Engine, edit_id: int, status: str, index_version: str | None = None,
                message: str | None = None) -> None:
    """Record how an edit that was building ended (done, unchanged or failed)."""
    with engine.begin() as conn:
        conn.execute(edits.update().where(edits.c.id == edit_id)
                     .values(status=status, index_version=index_version, message=message))


def get_edit(engine: Engine, edit_id: int, now: datetime | None = None) -> dict | None:
    """One edit by id, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(edits).where(edits.c.id == edit_id)).first()
    return _as_seen(dict(row._mapping), now) if row else None


def recent_edits(engine: Engine, limit: int = 50, now: datetime | None = None) -> list[dict]:
    """The latest edits, newest first."""
    query = select(edits).order_by(edits.c.created_at.desc(), edits.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        return [_as_seen(dict(row._mapping), now) for row in conn.execute(query)]


def _as_seen(edit: dict, now: datetime | None) -> dict:
    """An edit building for longer than BUILD_GIVE_UP is shown as "interrupted"."""
    created = edit["created_at"]
    created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)  # SQLite drops the zone
    if edit["status"] == "building" and (now or datetime.now(timezone.utc)) - created > BUILD_GIVE_UP:
        return {**edit, "status": "interrupted"}
    return edit
