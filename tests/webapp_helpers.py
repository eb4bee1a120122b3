"""Helpers for the web tests: one error shape, checked in one place; an app over one FAQ table."""
from __future__ import annotations


def assert_api_error(response, status: int) -> dict:
    """The response is the API's JSON error with `status` and a readable message."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return error


def app_over_table(tmp_path, name: str, table: str, **config):
    """The app serving an index built from one CSV FAQ table `name` holding `table`."""
    from kb.indexer import build_index
    from kb.ingest import load_content
    from webapp import create_app

    (tmp_path / name).write_text(table, "utf-8")
    build_index(load_content([tmp_path / name]), tmp_path / "index")
    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "DATABASE_URL": "sqlite://", **config})
