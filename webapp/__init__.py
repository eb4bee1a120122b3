"""The web product: JSON API, staff lookup page, resident widget.

`webapp:create_app()` is the app; settings come from KB_* environment variables."""
from __future__ import annotations

import atexit
import hashlib
import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from kb import KBError, safe_link
from kb.recordqueue import RecordQueue
from kb.records import Records
from kb.spool import Spool

from .answercache import AnswerCache
from .present import tel_links
from .kbstate import IndexHolder
from .logmask import install_log_masking
from .settings import load_settings

__all__ = ["create_app", "StartupError"]


class StartupError(RuntimeError):
    """The app cannot start; the message says what to do (gunicorn prints it)."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, index, database, blueprints. Nothing is opened at import."""
    # instance/ beside where it runs, as the CLI's defaults (kb editor add, kb purge) read it:
    # Flask's own default for an installed package is <venv>/var/, unwritable for a service user.
    app = Flask(__name__, instance_relative_config=True, instance_path=str(Path("instance").resolve()))
    test_config = test_config or {}
    settings = load_settings(overrides=test_config)  # settings in test_config are parsed too
    app.config.update({k: v for k, v in test_config.items() if k not in settings})
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.jinja_env.filters["safe_link"] = safe_link  # every href made from content passes it
    app.jinja_env.filters["tel_links"] = tel_links
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()

    app.extensions["kb_index"] = _open_index(app.config["INDEX_DIR"])
    app.extensions["kb_records"] = _records(app)
    app.extensions["kb_record_queue"] = queue = RecordQueue(
        app.extensions["kb_records"], purge_days=app.config["RETENTION_DAYS"], spool=Spool(_spool_dir(app)))
    app.extensions["kb_answers"] = AnswerCache(app.config["ANSWER_CACHE"])
    atexit.register(queue.close)  # gunicorn's worker_exit hook closes it too (gunicorn.conf.py)

    from . import api, discovery, health, pages
    from .assets import register_asset_commands
    from .editor import init_editor
    from .errors import register_error_handlers
    from .security import init_security

    init_security(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(discovery.bp)
    init_editor(app)
    register_error_handlers(app)
    register_asset_commands(app)
    return app


def _open_index(index_dir) -> IndexHolder:
    """The index, opened now: under `gunicorn --preload` the master opens it once and the
    workers share its memory copy-on-write. No usable index stops start-up with the
    command to run."""
    holder = IndexHolder(index_dir)
    try:
        holder.get()
    except KBError as error:
        raise StartupError(str(error)) from None
    return holder


def _spool_dir(app: Flask) -> Path:
    """Acknowledged records wait here; one folder per database, so a spool is only ever
    replayed into the database it was meant for."""
    if app.config["SPOOL_DIR"]:
        return Path(app.config["SPOOL_DIR"])
    key = hashlib.sha256(str(app.extensions["kb_records"].engine.url).encode()).hexdigest()[:12]
    return Path(app.instance_path) / "spool" / key


def _records(app: Flask) -> Records:
    url = app.config["DATABASE_URL"]
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{os.path.join(app.instance_path, 'kb.sqlite3')}"
    records = Records(url)
    if records.create_tables():
        try:  # retention is enforced at every start as well as by `kb purge`
            records.purge(app.config["RETENTION_DAYS"])
        except SQLAlchemyError:
            pass
    records.dispose()  # no pooled connection may cross a fork (gunicorn --preload)
    return records
