"""gunicorn settings of the Procfile's web process (`gunicorn -c gunicorn.conf.py …`).

gthread workers: each worker process serves a few connections at once from threads, so
a client that stalls mid-request holds one thread, not the whole worker. The index is
opened once in the master (preload) and shared copy-on-write by the workers."""
import os

# Behind a proxy (KB_PROXY_COUNT > 0) only the proxy may connect: a client reaching gunicorn
# directly could set X-Forwarded-For itself and slip past the per-client limits. KB_BIND
# overrides (e.g. a load balancer on another host: bind its private address, firewalled).
_port = os.environ.get("PORT", "8000")
_behind_proxy = os.environ.get("KB_PROXY_COUNT", "0").strip() not in ("", "0")
bind = os.environ.get("KB_BIND") or f"{'127.0.0.1' if _behind_proxy else '0.0.0.0'}:{_port}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "webapp.gunicorn_worker.MaskingThreadWorker"  # gthread; its own 400s masked
threads = int(os.environ.get("WEB_THREADS", "4"))
preload_app = True
timeout = 30
graceful_timeout = 20
keepalive = 5
# gunicorn ≥ 25 opens a control socket (for `gunicornc`) at $XDG_RUNTIME_DIR/gunicorn.ctl or
# $HOME/.gunicorn/gunicorn.ctl: one path per user, so a second instance takes the first one's
# over. Nothing here uses it: off. (Older gunicorns ignore the setting.)
control_socket_disable = True
accesslog = "-"
# No query strings (questions) in the access log; every line also passes the personal-data mask.
access_log_format = '%(t)s "%(m)s %(U)s" status=%(s)s bytes=%(B)s time=%(L)ss'


def post_fork(server, worker):
    """Rate-limit counters live in each worker's memory: give each its share."""
    from webapp.security import share_limits_between

    share_limits_between(server.cfg.workers)


def post_worker_init(worker):
    """Start the record writer now: it takes over feedback a killed worker had acknowledged."""
    queue = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("kb_record_queue")
    if queue is not None:
        queue.start()


def worker_exit(server, worker):
    """Write the records still queued before the worker goes."""
    app = getattr(worker, "wsgi", None)
    queue = getattr(app, "extensions", {}).get("kb_record_queue")
    if queue is not None:
        queue.close()
