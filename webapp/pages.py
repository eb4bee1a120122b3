"""Server-rendered pages: the staff lookup (/), entry permalinks, the widget demo.

They work without JavaScript; /static/lookup.js adds results-as-you-type and keys."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from . import present
from .api import knowledge_base
from .discovery import faq_page_data, public_url
from .requests import masked_param, masked_path_value, truncated_text
from .security import allowed_hosts

bp = Blueprint("pages", __name__)


@bp.get("/")
def lookup():
    kb = knowledge_base()
    masked = truncated_text(request.args.get("q", ""))
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit() and 0 < int(page) <= 10_000):  # ² and ① are digits too
        abort(400)
    page = int(page)
    topic, document = masked_param("topic", kb.topics()), masked_param("document", kb.documents)
    with current_app.extensions["kb_index"].ranking:
        view = present.search_view(kb, masked, topic, document, page)
    return render_template(
        "lookup.html", view=view, topics=kb.topics(), documents=list(kb.documents.values()),
        index_version=kb.version,
    )


@bp.get("/entries/<path:entry_id>")
def entry(entry_id: str):
    kb = knowledge_base()
    found = kb.entries.get(masked_path_value(entry_id, kb.entries))
    if found is None:
        abort(404)
    view = present.entry_view(kb, found)
    canonical = public_url(request.path)
    return render_template("entry.html", entry=view, related=_related(kb, found), canonical=canonical,
                           blocks=present.answer_blocks(found.answer), structured_data=faq_page_data(view, canonical))


def _related(kb, entry, limit: int = 5) -> list:
    """The entry's own related links, then entries sharing a topic with it."""
    linked = [kb.entries[r.entry_id] for r in entry.related if r.entry_id in kb.entries]
    same_topic = [e for e in kb.entries.values() if e.id != entry.id and set(e.topics) & set(entry.topics)]
    return list({e.id: e for e in linked + same_topic}.values())[:limit]


@bp.get("/widget-demo")
def widget_demo():
    # The configured public URL, else this request's origin when its Host was checked against
    # named hosts (webapp/security.py): a snippet with endpoint="" loads nothing on a city page.
    # An operator answering to any host ("*") gets no reflected Host.
    endpoint = current_app.config["PUBLIC_URL"]
    if not endpoint and "*" not in allowed_hosts(current_app.config):
        endpoint = request.host_url.rstrip("/")
    return render_template("widget_demo.html", endpoint=endpoint)
