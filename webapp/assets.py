"""Sizes of the files a city page downloads for the widget, as browsers receive them."""
from __future__ import annotations

import gzip
from importlib import resources

import click
from flask import Flask

WIDGET_FILES = ("widget.js",)  # the widget carries its CSS inside the script
WIDGET_BUDGET = 15 * 1024  # bytes, gzipped


def gzipped_sizes() -> dict[str, tuple[int, int]]:
    """File → (raw bytes, gzipped bytes) for the widget's files."""
    sizes = {}
    for name in WIDGET_FILES:
        data = resources.files("webapp").joinpath("static", name).read_bytes()
        sizes[name] = (len(data), len(gzip.compress(data, compresslevel=9)))
    return sizes


def register_asset_commands(app: Flask) -> None:
    """`flask --app webapp widget-size`: the widget's weight against its budget."""

    @app.cli.command("widget-size")
    def widget_size() -> None:
        total = 0
        for name, (raw, packed) in gzipped_sizes().items():
            total += packed
            click.echo(f"{name}: {raw / 1024:.1f} KB, {packed / 1024:.1f} KB gzipped")
        verdict = "within" if total <= WIDGET_BUDGET else "OVER"
        click.echo(f"widget total {total / 1024:.1f} KB gzipped, {verdict} the {WIDGET_BUDGET // 1024} KB budget")
