"""The editors' area (/editor/…): sign-in, dashboard, unanswered questions and the one-step fix.

Only these pages use a session: its cookie is scoped to /editor/ (Secure, HttpOnly,
SameSite=Strict), so residents' pages and the API stay cookie-free. The cookie holds a session
id the database must still know on every request (webapp/editor/auth.py). Every POST here needs
a CSRF token (Flask-WTF); sign-in attempts are rate-limited per client address (Flask-Limiter)
and held back per account name after repeated failures (kb.editorial)."""
from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import SQLAlchemyError

from kb import create_editorial_tables, dummy_password_hash

from ..security import worker_share

log = logging.getLogger(__name__)
bp = Blueprint("editor", __name__, url_prefix="/editor")
csrf = CSRFProtect()
PUBLIC_ENDPOINTS = {"editor.sign_in"}


def init_editor(app: Flask) -> None:
    """Sessions, sign-in, CSRF and rate limits for the editors' area; registers the blueprint."""
    from . import auth, dashboard, fixes  # noqa: F401  (views register themselves on bp)

    app.config.setdefault("SECRET_KEY", None)
    app.secret_key = app.config["SECRET_KEY"] or _instance_secret(app)
    app.config.update(
        SESSION_COOKIE_NAME="kb_editor",
        SESSION_COOKIE_PATH="/editor/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=app.config["EDITOR_COOKIE_SECURE"],
        WTF_CSRF_CHECK_DEFAULT=False,  # checked for /editor/ only: the public JSON API has no session
        WTF_CSRF_SSL_STRICT=app.config["EDITOR_COOKIE_SECURE"],
        # The signed cookie itself is refused after a session's lifetime (Flask's default: 31 days).
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["EDITOR_SESSION_HOURS"]),
    )
    csrf.init_app(app)
    manager = LoginManager(app)
    manager.login_view = "editor.sign_in"
    manager.login_message = "編集者としてサインインしてください。"
    manager.session_protection = "basic"
    manager.user_loader(auth.load_editor)
    manager.request_loader(auth.load_remote_user)
    try:
        create_editorial_tables(app.extensions["kb_records"].engine)
    except SQLAlchemyError as error:  # residents are still served; editors cannot sign in until it is back
        log.warning("database unavailable, editors' tables not created: %s", type(error).__name__)
    app.extensions["kb_records"].engine.dispose()
    dummy_password_hash()  # made now (in gunicorn's master), not during someone's first sign-in
    app.register_blueprint(bp)
    # This app's limiter wraps this app's sign-in view (the blueprint is shared by every app).
    # Counted in each worker's memory, it is divided between the workers as every limit is.
    storage = app.config["RATE_LIMIT_STORAGE"]
    limit = app.extensions["limiter"].limit(lambda: worker_share(current_app.config["EDITOR_SIGNIN_LIMIT"], storage),
                                            methods=["POST"])
    app.view_functions["editor.sign_in"] = limit(auth.sign_in)


@bp.before_request
def require_editor():
    """Every editor page needs a signed-in editor; every POST a CSRF token (400 without).
    A body over the limit is refused (413) before any form is read."""
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        abort(413)
    if request.method == "POST":
        csrf.protect()
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("editor.sign_in", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _instance_secret(app: Flask) -> str:
    """A random key made once and kept in the instance folder (readable by this user only), so
    every gunicorn worker and restart signs sessions the same way."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
