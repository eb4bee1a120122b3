"""The API fuzzed against its own OpenAPI document with schemathesis: no 5xx, every
response (status, content type, body) as the document says."""
from __future__ import annotations

import json
from importlib import resources

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

SPEC = json.loads(resources.files("webapp").joinpath("openapi.json").read_text("utf-8"))
OPERATIONS = [(method.upper(), path) for path, methods in SPEC["paths"].items() for method in methods]
# Invalid input can only be made for operations that take some.
WITH_INPUT = [(m, p) for m, p in OPERATIONS
              if {"parameters", "requestBody"} & set(SPEC["paths"][p][m.lower()]) and "{" not in p]
CASES = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [(m, p, GenerationMode.NEGATIVE) for m, p in WITH_INPUT]


@pytest.fixture
def fuzz_app(seed_index, tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT": "100000 per minute",
                      "RATE_LIMIT_LOOKUP": "100000 per minute",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"})
    yield app
    app.extensions["kb_records"].dispose()


@pytest.mark.parametrize("method, path, mode", CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_operation_conforms_to_the_openapi_document(fuzz_app, method, path, mode):
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)[path][method]

    @given(case=operation.as_strategy(mode))
    # derandomize: the same 100 cases per operation on every run, so CI cannot flake
    @settings(max_examples=100, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate()

    check()


# One question for each reply kind the decision gives on the seed (close: the nearest
# entries as related text): every kind a client can receive is in the document.
KINDS = [
    ("answer", "マイナンバーカードを落としたら保険の情報がもれる？"),
    ("close", "マイナ保険証の利用登録のやり方"),
    ("no_answer", "住民票の写しはどこで取れますか"),
    ("help", "こんにちは"),
    ("too_short", "あああ"),
    ("not_japanese", "How do I apply for a My Number card?"),
]


@pytest.mark.parametrize("kind, question", KINDS, ids=[kind for kind, _ in KINDS])
def test_every_reply_kind_conforms_to_the_openapi_document(fuzz_app, kind, question):
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)["/api/ask"]["POST"]
    case = operation.Case(body={"question": question}, media_type="application/json")
    response = case.call()
    assert response.status_code == 200 and response.json()["kind"] == kind
    case.validate_response(response)
