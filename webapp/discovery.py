"""Findable from search engines: canonical URLs, schema.org FAQPage data, sitemap, robots.txt.

Canonical links use KB_PUBLIC_URL (the address residents and crawlers know), falling back to
the address of the request when it is not set."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from .api import knowledge_base

bp = Blueprint("discovery", __name__)
# Kept out of search engines: the editors' area and the JSON API.
ROBOTS_DISALLOW = ("/editor/", "/api/")


def public_url(path: str) -> str:
    """Absolute URL of `path` (starting with /) under KB_PUBLIC_URL or this request's host."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def faq_page_data(entry: dict, canonical: str) -> dict:
    """schema.org FAQPage with one Question and its acceptedAnswer (the city's text, verbatim)."""
    answer = {"@type": "Answer", "text": "\n\n".join(entry["answer"])}
    if entry["source"].get("url"):
        answer["url"] = entry["source"]["url"]
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": canonical,
        "mainEntity": [{"@type": "Question", "name": entry["question"], "acceptedAnswer": answer}],
    }
    if entry["source"].get("date"):
        data["dateModified"] = entry["source"]["date"]
    if entry["source"].get("publisher"):
        data["publisher"] = {"@type": "GovernmentOrganization", "name": entry["source"]["publisher"]}
    return data


@bp.get("/sitemap.xml")
def sitemap():
    """Every entry page, with the date its answer was published."""
    kb = knowledge_base()
    urls = [(public_url(url_for("pages.lookup")), None)]
    urls += [(public_url(url_for("pages.entry", entry_id=e.id)), e.source.date) for e in kb.entries.values()]
    body = render_template("sitemap.xml", urls=urls)
    return current_app.response_class(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Crawlers may read the pages, not the editors' area or the API."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
             f"Sitemap: {public_url(url_for('discovery.sitemap'))}", ""]
    return current_app.response_class("\n".join(lines), mimetype="text/plain")
