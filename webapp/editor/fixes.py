"""Unanswered questions, grouped, and the one-step fix: add the question to an entry's
alternate phrasings, rebuild and switch the index, say what changed, log who did it."""
from __future__ import annotations

import logging

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from kb import (KBError, ask, group_unanswered, last_days, mask_personal_data, publish_alternate, record_edit,
                shared_encoder, unanswered_questions)

from ..api import knowledge_base
from . import bp
from .dashboard import period_days

log = logging.getLogger(__name__)
CANDIDATES = 5


class FixForm(FlaskForm):
    question = HiddenField(validators=[DataRequired(), Length(max=500)])
    entry_id = HiddenField(validators=[DataRequired(), Length(max=200)])


@bp.get("/unanswered")
def unanswered():
    days = period_days()
    kb = knowledge_base()
    engine = current_app.extensions["kb_records"].engine
    gaps = group_unanswered(kb, unanswered_questions(engine, last_days(days)), current_app.config["ANSWER_THRESHOLD"])
    open_gaps = [(gap, kb.search(gap.question, limit=CANDIDATES)) for gap in gaps if not gap.answered_by]
    closed = [(gap, kb.entries.get(gap.answered_by)) for gap in gaps if gap.answered_by]
    return render_template("editor/unanswered.html", days=days, open_gaps=open_gaps, closed=closed, form=FixForm())


@bp.post("/unanswered/fix")
def fix():
    form = FixForm(request.form)
    form.entry_id.data = request.form.get("entry_id", "").strip()
    if not form.validate():
        return render_template("editor/fixed.html", error="追加する質問と項目を選んでください。"), 400
    phrase = mask_personal_data(form.question.data.strip()).text
    try:
        publication = publish_alternate(current_app.config["CONTENT_DIR"], current_app.config["INDEX_DIR"],
                                        form.entry_id.data, phrase, encoder=shared_encoder())
    except KBError as error:
        log.warning("one-step fix refused: %s", type(error).__name__)
        return render_template("editor/fixed.html", error=f"追加できませんでした：{error}"), 422
    kb = knowledge_base()
    record_edit(current_app.extensions["kb_records"].engine, current_user.name, "add_alternate",
                publication.entry_id, phrase, publication.version)
    result = ask(kb, phrase, current_app.config["ANSWER_THRESHOLD"])
    return render_template("editor/fixed.html", publication=publication, entry=kb.entries.get(publication.entry_id),
                           result=result, version=kb.version)
