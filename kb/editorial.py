"""Editors' accounts and the log of their edits (who, when, what), beside the question records.

Own tables in the records database; nothing in kb/records.py changes. Passwords are stored
only as salted hashes (werkzeug.security: scrypt). Sign-in attempts are counted per account
name, and sessions are kept, in the database, so a hold after repeated failures and the end of
a session apply in every worker and on every node sharing it."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import lru_cache

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
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
# The tables below came later, as new tables (never new columns): create_all adds them to a
# database made before them.
# Sign-in attempts per name typed, whether or not an account has it (an unknown name is held
# back the same way, so a hold never tells that an account exists). Kept as the name's SHA-256:
# what is typed there may be a password put in the wrong field.
sign_in_attempts = Table(
    "editor_sign_in_attempts", metadata,
    Column("name_hash", String(64), primary_key=True),
    Column("attempts", Integer, nullable=False),  # in the window; counted before the password is checked
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("holds", Integer, nullable=False),  # holds since the last sign-in: each twice as long as the one before
    Column("held_until", DateTime(timezone=True)),
    Column("last_attempt_at", DateTime(timezone=True), nullable=False, index=True),
)
# Signed-in sessions: the cookie holds a random id, the database only its SHA-256. Deleting
# the row ends the session wherever the cookie has been copied to.
sessions = Table(
    "editor_sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("editor", String(80), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),  # however busy it is
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)
MIN_PASSWORD_CHARS = 10
ATTEMPTS_BEFORE_HOLD = 5  # failed sign-ins to one name within ATTEMPT_WINDOW …
ATTEMPT_WINDOW = timedelta(minutes=15)
FIRST_HOLD = timedelta(minutes=1)  # … hold it back this long, then 2, 4, 8 … minutes
LONGEST_HOLD = timedelta(hours=1)
FORGET_ATTEMPTS = timedelta(days=1)  # a name not tried for a day starts afresh (its row is deleted)
SEEN_EVERY = timedelta(minutes=1)  # a session's last use is written at most this often
# An edit still "building" after this was cut off: the process rebuilding it died (a
# worker killed or restarted) and nobody will record how it ended. A rebuild takes
# seconds at 1,800 entries and minutes at 100,000.
BUILD_GIVE_UP = timedelta(hours=1)


class SignIn(Enum):
    """How a sign-in attempt ended."""

    OK = "ok"
    REFUSED = "refused"  # wrong name or password (never which)
    HELD = "held"  # too many failures for this name lately: not checked at all


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back datetimes without their zone; they were written in UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def create_editorial_tables(engine: Engine) -> None:
    """Create the editors and edits tables when missing."""
    metadata.create_all(engine)


def set_editor_password(engine: Engine, name: str, password: str) -> bool:
    """Add editor `name` (or change the password); True when the account is new."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    row = dict(password_hash=generate_password_hash(password), created_at=_now())
    with engine.begin() as conn:
        exists = conn.execute(select(editors.c.name).where(editors.c.name == name)).first()
        if exists:
            conn.execute(editors.update().where(editors.c.name == name).values(password_hash=row["password_hash"]))
        else:
            conn.execute(editors.insert(), {**row, "name": name})
        # A new password lifts a hold, and signs out every copy of every cookie.
        conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.name_hash == _hash(name)))
        conn.execute(delete(sessions).where(sessions.c.editor == name))
    return not exists


def remove_editor(engine: Engine, name: str) -> bool:
    """Delete editor `name` and end their sessions; False when there is no such account. The
    edit log keeps their name."""
    with engine.begin() as conn:
        removed = conn.execute(delete(editors).where(editors.c.name == name)).rowcount
        conn.execute(delete(sessions).where(sessions.c.editor == name))
        conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.name_hash == _hash(name)))
    return removed > 0


def start_session(engine: Engine, name: str, lifetime: timedelta, now: datetime | None = None) -> str:
    """A new session for editor `name`, ending after `lifetime` at the latest; returns its id
    (for the cookie: the database keeps only its hash). Sessions already over are deleted."""
    now = now or _now()
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(sessions.insert(), dict(id_hash=_hash(session_id), editor=name, created_at=now,
                                             expires_at=now + lifetime, last_seen_at=now))
    return session_id


def session_editor(engine: Engine, session_id: str, idle: timedelta, now: datetime | None = None) -> str | None:
    """The editor whose session this is, noting that it is in use; None when it was ended,
    its account removed, it is past its lifetime, or unused for `idle` or longer."""
    now = now or _now()
    query = (select(sessions.c.editor, sessions.c.expires_at, sessions.c.last_seen_at)
             .join(editors, editors.c.name == sessions.c.editor)
             .where(sessions.c.id_hash == _hash(session_id)))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    if now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) >= idle:
        end_session(engine, session_id)
        return None
    if now - _aware(row.last_seen_at) >= SEEN_EVERY:  # not a write on every page
        with engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.id_hash == _hash(session_id)).values(last_seen_at=now))
    return row.editor


def end_session(engine: Engine, session_id: str) -> None:
    """End one session (signing out)."""
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.id_hash == _hash(session_id)))


def end_sessions(engine: Engine, name: str) -> int:
    """End every session of editor `name`; returns how many there were."""
    with engine.begin() as conn:
        return conn.execute(delete(sessions).where(sessions.c.editor == name)).rowcount


def _hash(text: str) -> str:
    """What the database keeps of a session id or of a name typed at sign-in."""
    return hashlib.sha256(text.encode()).hexdigest()


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


def sign_in_editor(engine: Engine, name: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a sign-in, counting it against `name` first (known or not): after
    ATTEMPTS_BEFORE_HOLD failures within ATTEMPT_WINDOW the name is held back (HELD, even with
    the right password) for FIRST_HOLD, each further hold twice as long up to LONGEST_HOLD. A
    sign-in that succeeds clears the count and the holds."""
    if not _count_attempt(engine, name, now or _now()):
        return SignIn.HELD
    if not is_editor_password(engine, name, password):
        return SignIn.REFUSED
    with engine.begin() as conn:
        conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.name_hash == _hash(name)))
    return SignIn.OK


def _count_attempt(engine: Engine, name: str, now: datetime) -> bool:
    """Count one attempt for `name`; False (not counted) while the name is held back.

    Counted before the password is checked, so attempts made at the same moment from many
    addresses cannot all get through before the failures are written; each worker counts
    with the name's row locked (its first statement is an UPDATE)."""
    table, key = sign_in_attempts, _hash(name)
    try:
        with engine.begin() as conn:
            conn.execute(delete(table).where(table.c.last_attempt_at < now - FORGET_ATTEMPTS,
                                             or_(table.c.held_until.is_(None), table.c.held_until < now)))
            if conn.execute(select(table.c.name_hash).where(table.c.name_hash == key)).first() is None:
                conn.execute(table.insert(), dict(name_hash=key, attempts=0, window_start=now, holds=0,
                                                  held_until=None, last_attempt_at=now))
    except IntegrityError:  # another worker added the row first
        pass
    with engine.begin() as conn:
        conn.execute(update(table).where(table.c.name_hash == key).values(last_attempt_at=now))  # locks the row
        row = conn.execute(select(table).where(table.c.name_hash == key)).one()
        held_until = _aware(row.held_until)
        if held_until is not None and now < held_until:
            return False
        fresh = now - _aware(row.window_start) >= ATTEMPT_WINDOW
        attempts = 1 if fresh else row.attempts + 1
        values = dict(attempts=attempts, window_start=now if fresh else row.window_start)
        if attempts >= ATTEMPTS_BEFORE_HOLD:  # held from now, unless this very attempt succeeds
            hold = min(FIRST_HOLD * 2 ** min(row.holds, 10), LONGEST_HOLD)
            values = dict(attempts=0, window_start=now, holds=row.holds + 1, held_until=now + hold)
        conn.execute(update(table).where(table.c.name_hash == key).values(**values))
    return True


def is_editor(engine: Engine, name: str) -> bool:
    """True when an account named `name` exists."""
    with engine.connect() as conn:
        return conn.execute(select(editors.c.name).where(editors.c.name == name)).first() is not None


def record_edit(engine: Engine, editor: str, action: str, entry_id: str | None, detail: str,
                index_version: str | None = None, status: str = "done") -> int:
    """Log one edit: who made it, when, to which entry, and what; returns its id."""
    row = dict(created_at=_now(), editor=editor, action=action, entry_id=entry_id,
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
    if edit["status"] == "building" and (now or _now()) - created > BUILD_GIVE_UP:
        return {**edit, "status": "interrupted"}
    return edit
