"""Figures drawn as SVG on the server with pygal: no script reaches the browser."""
from __future__ import annotations

import math
import sys

import pygal
from pygal.style import Style

# pygal appends a sys.meta_path finder for its map plugins (pygal.maps.*, unused here) that
# has no find_spec(): every later import that reaches it raises an ImportWarning. Drop it.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

from .figures import Figure

STYLE = Style(
    font_family="'Noto Sans CJK JP', 'Noto Sans JP', sans-serif",
    background="#ffffff", plot_background="#ffffff",
    foreground="#1a1a1a", foreground_strong="#1a1a1a", foreground_subtle="#595959",
    colors=("#005a9c", "#b3261e", "#7a5c00", "#3d6b21"),  # 4.5:1 or more on white
    label_font_size=12, major_label_font_size=12, legend_font_size=13, title_font_size=15,
)
CHARTS = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "horizontal": pygal.HorizontalBar}
LABEL_CHARS = 24
# pygal sizes its margins for Latin text; Japanese labels are about twice as wide.
SIDE_LABEL_CHARS = 12
CJK_EXTRA_PX = 7  # per character of the longest side label


def _short(label, chars: int = LABEL_CHARS) -> str:
    text = str(label)
    return text if len(text) <= chars else text[: chars - 1] + "…"


def render_chart(figure: Figure, rows: list[tuple]) -> str:
    """The figure's rows as an SVG document."""
    chart = CHARTS[figure.chart](
        js=[], style=STYLE, width=720, height=360, title=figure.title, show_legend=len(figure.series) > 1,
        legend_at_bottom=True, x_label_rotation=45 if figure.chart != "horizontal" else 0,
        show_minor_x_labels=len(rows) <= 31, truncate_label=-1, print_values=False, no_data_text="データなし",
    )
    labelled = rows if figure.chart != "horizontal" else list(reversed(rows))  # largest on top
    if figure.chart == "horizontal":
        column = 1 if len(figure.columns) > 2 and figure.columns[1] == "質問" else 0
        chart.x_labels = [_short(row[column], SIDE_LABEL_CHARS) for row in labelled]
        chart.config.margin_left = CJK_EXTRA_PX * max((len(label) for label in chart.x_labels), default=0)
    else:
        chart.x_labels = [_short(row[0]) for row in labelled]
    values = [row[column] for row in labelled for column in figure.series]
    if values and all(isinstance(v, int) for v in values):  # counts: whole-number ticks only
        step = max(1, math.ceil(max(values) / 8))
        chart.y_labels = list(range(0, max(values) + step, step))
    for column in figure.series:
        chart.add(figure.columns[column], [row[column] for row in labelled])
    return chart.render(is_unicode=True)
