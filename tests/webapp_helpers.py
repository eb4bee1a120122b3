"""Helpers for the web tests: one error shape, checked in one place."""
from __future__ import annotations


def assert_api_error(response, status: int) -> dict:
    """The response is the API's JSON error with `status` and a readable message."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return error
