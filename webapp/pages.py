"""Server-rendered pages: the staff lookup (/), entry permalinks, the widget demo.

They work without JavaScript; /static/lookup.js adds results-as-you-type and keys."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from kb import mask_personal_data

from . import present
from .api import knowledge_base
from .discovery import faq_page_data, public_url
from .requests import clean_text

bp = Blueprint("pages", __name__)


@bp.get("/")
def lookup():
    kb = knowledge_base()
    limit = current_app.config["MAX_QUESTION_CHARS"]
    masked = mask_personal_data(clean_text(request.args.get("q", ""))[:limit])
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
    topic = request.args.get("topic") or None
    document = request.args.get("document") or None
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
    view = present.entry_view(kb, found)
    canonical = public_url(request.path)
    return render_template("entry.html", entry=view, related=related, canonical=canonical,
                           structured_data=faq_page_data(view, canonical))


@bp.get("/widget-demo")
def widget_demo():
    return render_template("widget_demo.html", endpoint=request.host_url.rstrip("/"))
