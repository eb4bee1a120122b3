"""Signing editors in and out: accounts made with `kb editor add NAME`, or the city's SSO
proxy's REMOTE_USER when KB_TRUST_REMOTE_USER is on.

A password sign-in starts a session kept in the database (kb.editorial); the signed cookie
carries only its random id, checked on every editor request. Signing out, a new password and
`kb editor remove` end sessions; so do KB_EDITOR_IDLE_MINUTES without use and
KB_EDITOR_SESSION_HOURS in all."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from kb import SignIn, end_session, session_editor, sign_in_editor, start_session

from . import bp

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
HELD_MESSAGE = ("この編集者名はサインインの失敗が続いたため、しばらくサインインできません。"
                "時間をおいてもう一度お試しください。")


@dataclass(frozen=True)
class Editor(UserMixin):
    """A signed-in editor, known by name; `session_id` is their session's (None when the SSO
    proxy signed them in: it vouches for every request)."""

    name: str
    session_id: str | None = None
    remote: bool = False

    def get_id(self) -> str:
        """What the cookie holds: the session id, never the name (Flask-Login's user loader
        gets it back)."""
        return self.session_id or self.name


class SignInForm(FlaskForm):
    name = StringField("編集者名", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("パスワード", validators=[DataRequired(), Length(max=200)])


class SignOutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""


def _engine():
    return current_app.extensions["kb_records"].engine


def load_editor(session_id: str) -> Editor | None:
    """Flask-Login's user loader, on every editor request: the editor whose session the cookie
    names, while that session lasts (not ended, not idle, not too old, the account still there)."""
    idle = timedelta(minutes=current_app.config["EDITOR_IDLE_MINUTES"])
    name = session_editor(_engine(), session_id, idle)
    return Editor(name, session_id) if name else None


def load_remote_user(_request) -> Editor | None:
    """With KB_TRUST_REMOTE_USER on, the user the SSO proxy signed in."""
    if not current_app.config["TRUST_REMOTE_USER"]:
        return None
    name = request.environ.get("REMOTE_USER")
    return Editor(name, remote=True) if name else None


def _safe_next(target: str | None) -> str:
    """Only a path inside the editors' area: never an open redirect."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and parts.path.startswith("/editor/"):
        return target
    return url_for("editor.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if _CONTROL.search(request.args.get("next", "")):  # CR/LF would end up in the Location header
        abort(400)
    form = SignInForm()
    if form.validate_on_submit():
        outcome = sign_in_editor(_engine(), form.name.data, form.password.data)
        if outcome is SignIn.OK:
            lifetime = timedelta(hours=current_app.config["EDITOR_SESSION_HOURS"])
            login_user(Editor(form.name.data, start_session(_engine(), form.name.data, lifetime)))
            log.info("editor signed in")
            return redirect(_safe_next(request.args.get("next")))
        if outcome is SignIn.HELD:  # said the same way whether the account exists or not
            log.warning("editor sign-in held back after repeated failures")
            flash(HELD_MESSAGE, "error")
            return render_template("editor/sign_in.html", form=form), 429
        flash("編集者名またはパスワードが違います。", "error")
        return render_template("editor/sign_in.html", form=form), 401
    return render_template("editor/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if SignOutForm().validate_on_submit():
        if current_user.session_id:  # ended for every copy of the cookie, not just forgotten here
            end_session(_engine(), current_user.session_id)
        logout_user()
    return redirect(url_for("editor.sign_in"))


@bp.app_context_processor
def editor_context():
    """The sign-out form (with its CSRF token) for the editors' page header."""
    if request.blueprint != "editor":
        return {}
    return {"sign_out_form": SignOutForm(formdata=None)}  # never reads the request (a 413 page renders this too)
