"""The dashboard: what residents asked over a chosen period, as charts, tables and CSV."""
from __future__ import annotations

import csv
import io

from flask import abort, current_app, render_template, request

from kb import last_days, recent_edits

from ..api import knowledge_base
from . import bp
from .charts import render_chart
from .figures import FIGURES, Source

DEFAULT_DAYS = 30
MAX_DAYS = 366
# A text cell starting with one of these is a formula to a spreadsheet (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A chart is an image: its own inline styles only, nothing else (no script, no fetches).
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def period_days() -> int:
    """?days=N (1–366), 30 when not given; 400 when it is not such a number."""
    raw = request.args.get("days", str(DEFAULT_DAYS))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not 1 <= int(raw) <= MAX_DAYS:  # ² is a digit too
        abort(400)
    return int(raw)


def csv_cell(value):
    """A cell as exported: text a spreadsheet would run as a formula gets a leading ' (shown as
    text, as OWASP advises); questions and opinions come from the public."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _source(days: int) -> Source:
    return Source(current_app.extensions["kb_records"].engine, knowledge_base(), last_days(days))


def _figure(name: str):
    figure = FIGURES.get(name)
    if figure is None:
        abort(404)
    return figure


@bp.get("/")
def dashboard():
    days = period_days()
    source = _source(days)
    figures = [(figure, figure.rows(source)) for figure in FIGURES.values()]
    return render_template("editor/dashboard.html", days=days, figures=figures, period=source.period)


@bp.get("/figures/<name>.svg")
def figure_chart(name: str):
    figure = _figure(name)
    svg = render_chart(figure, figure.rows(_source(period_days())))
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_POLICY
    return response


@bp.get("/figures/<name>.csv")
def figure_csv(name: str):
    figure = _figure(name)
    days = period_days()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(figure.columns)
    writer.writerows([csv_cell(cell) for cell in row] for row in figure.rows(_source(days)))
    response = current_app.response_class("\ufeff" + out.getvalue(), mimetype="text/csv")  # BOM: Excel reads UTF-8
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{days}days.csv"'
    return response


@bp.get("/edits")
def edits():
    return render_template("editor/edits.html", edits=recent_edits(current_app.extensions["kb_records"].engine))
