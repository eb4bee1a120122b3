"""Liveness (/healthz: the process answers) and readiness (/readyz: an index is served)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from kb import KBError, semantic_status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """The version served, and every version this process refused to serve ("unreadable")."""
    holder = current_app.extensions["kb_index"]
    try:
        kb = holder.get()
    except KBError:
        kb = None
    # Why is in the log (paths, exception text); a probe that anyone can call learns no more.
    rejected = [{"version": name, "reason": "unreadable"} for name in holder.rejected]
    if kb is None:
        return jsonify({"status": "not_ready", "message": "索引が読み込めていません。",
                        "rejected_versions": rejected}), 503
    return jsonify({"status": "ready", "index_version": kb.version, "built_at": kb.built_at,
                    "content_hash": kb.content_hash,
                    "entries": len(kb.entries), "semantic": semantic_status(), "rejected_versions": rejected})
