"""Unanswered questions, grouped, and the one-step fix: add the question to an entry's
alternate phrasings, rebuild and switch the index, say what changed, log who did it."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from kb import ask, get_edit, group_unanswered, last_days, mask_personal_data, record_edit, unanswered_questions

from ..api import knowledge_base
from . import bp
from .dashboard import period_days
from .rebuilds import start_publication

CANDIDATES = 5
REFRESH_SECONDS = 3
MAX_EDIT_ID = 2**31 - 1  # edits.id is an Integer: 32 bits in PostgreSQL


class FixForm(FlaskForm):
    question = HiddenField(validators=[DataRequired(), Length(max=500)])
    entry_id = HiddenField(validators=[DataRequired(), Length(max=200)])


def _engine():
    return current_app.extensions["kb_records"].engine


@bp.get("/unanswered")
def unanswered():
    days = period_days()
    kb = knowledge_base()
    gaps = group_unanswered(kb, unanswered_questions(_engine(), last_days(days)), current_app.config["ANSWER_THRESHOLD"])
    open_gaps = [(gap, kb.search(gap.question, limit=CANDIDATES)) for gap in gaps if not gap.answered_by]
    closed = [(gap, kb.entries.get(gap.answered_by)) for gap in gaps if gap.answered_by]
    return render_template("editor/unanswered.html", days=days, open_gaps=open_gaps, closed=closed, form=FixForm())


@bp.post("/unanswered/fix")
def fix():
    form = FixForm(request.form)
    if not form.validate():
        return render_template("editor/fixed.html", edit=None, error="追加する質問と項目を選んでください。"), 400
    phrase = mask_personal_data(form.question.data.strip()).text
    entry_id = form.entry_id.data.strip()
    if entry_id not in knowledge_base().entries:
        shown = mask_personal_data(entry_id).text  # not an id we hold: it may be anything typed
        return render_template("editor/fixed.html", edit=None, error=f"項目 {shown} は今の索引にありません。"), 422
    edit_id = record_edit(_engine(), current_user.name, "add_alternate", entry_id, phrase, status="building")
    start_publication(current_app._get_current_object(), edit_id, entry_id, phrase)
    return redirect(url_for("editor.edit", edit_id=edit_id), code=303)


@bp.get("/edits/<int:edit_id>")
def edit(edit_id: int):
    """One edit: still rebuilding (the page reloads itself), or what changed."""
    # a number past the id column's range is no edit (404), not an overflow in the database driver
    found = get_edit(_engine(), edit_id) if edit_id <= MAX_EDIT_ID else None
    if found is None:
        abort(404)
    kb = knowledge_base()
    result = ask(kb, found["detail"], current_app.config["ANSWER_THRESHOLD"]) if found["status"] != "building" else None
    return render_template("editor/fixed.html", edit=found, entry=kb.entries.get(found["entry_id"]), result=result,
                           refresh=REFRESH_SECONDS if found["status"] == "building" else None)
