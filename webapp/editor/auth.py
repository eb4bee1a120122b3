"""Signing editors in and out: accounts made with `kb editor add NAME`, or the city's SSO
proxy's REMOTE_USER when KB_TRUST_REMOTE_USER is on."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from kb import is_editor
from kb.editorial import SignIn, sign_in_editor

from . import bp

log = logging.getLogger(__name__)
HELD_MESSAGE = ("この編集者名はサインインの失敗が続いたため、しばらくサインインできません。"
                "時間をおいてもう一度お試しください。")


@dataclass(frozen=True)
class Editor(UserMixin):
    """A signed-in editor, known by name."""

    name: str
    remote: bool = False

    def get_id(self) -> str:
        return self.name


class SignInForm(FlaskForm):
    name = StringField("編集者名", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("パスワード", validators=[DataRequired(), Length(max=200)])


class SignOutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""


def _engine():
    return current_app.extensions["kb_records"].engine


def load_editor(name: str) -> Editor | None:
    """Flask-Login's user loader: the editor named in the session, if the account still exists."""
    if current_app.config["TRUST_REMOTE_USER"] and request.environ.get("REMOTE_USER") == name:
        return Editor(name, remote=True)
    return Editor(name) if is_editor(_engine(), name) else None


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
    form = SignInForm()
    if form.validate_on_submit():
        outcome = sign_in_editor(_engine(), form.name.data, form.password.data)
        if outcome is SignIn.OK:
            login_user(Editor(form.name.data))
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
        logout_user()
    return redirect(url_for("editor.sign_in"))


@bp.app_context_processor
def editor_context():
    """The sign-out form (with its CSRF token) for the editors' page header."""
    if request.blueprint != "editor":
        return {}
    return {"sign_out_form": SignOutForm()}
