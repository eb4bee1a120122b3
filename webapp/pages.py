"""Server-rendered pages: the staff lookup (/), entry permalinks, the widget demo.

They work without JavaScript; /static/lookup.js adds results-as-you-type and keys."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from kb import mask_personal_data

from . import present
from .api import knowledge_base
from .requests import clean_text

bp = Blueprint("pages", __name__)


@bp.get("/")
def lookup():
    kb = knowledge_base()
    limit = current_app.config["MAX_QUESTION_CHARS"]
    masked = mask_personal_data(clean_text(request.args.get("q", ""))[:limit])
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit() and 0 < int(page) <= 10_000):  # ² and ① are digits too
        abort(400)
    page = int(page)
    topic = request.args.get("topic") or None
    document = request.args.get("document") or None
    with current_app.extensions["kb_index"].ranking:
        view = present.search_view(kb, masked, topic, document, page)
    return render_template(
        "lookup.html", view=view, topics=kb.topics(), documents=list(kb.documents.values()),
        index_version=kb.version,
    )


@bp.get("/entries/<path:entry_id>")
def entry(entry_id: str):
    kb = knowledge_base()
    found = kb.entries.get(entry_id)
    if found is None:
        abort(404)
    related = [kb.entries[r.entry_id] for r in found.related if r.entry_id in kb.entries]
    return render_template("entry.html", entry=present.entry_view(kb, found), related=related)


@bp.get("/widget-demo")
def widget_demo():
    # The configured public URL, never the Host header (a client chooses that one).
    return render_template("widget_demo.html", endpoint=current_app.config["PUBLIC_URL"])
