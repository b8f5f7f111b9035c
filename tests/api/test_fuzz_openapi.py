"""Schema-based fuzzing (schemathesis) of the served OpenAPI document, in-process over ASGI:
whatever a client sends that the schema allows (positive) or nearly allows (negative), the
API never answers with a server error. Examples per operation are bounded to keep it short."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.api.conftest import Archive, own_archive
from tests.fixtures.archives import slow_fixture

EXAMPLES = 8
RUNS = [("archivist_a", GenerationMode.POSITIVE), ("archivist_a", GenerationMode.NEGATIVE),
        ("admin", GenerationMode.POSITIVE)]


@slow_fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    """The fuzzer's own archive: what it creates at random (users, grants, lists) stays in it."""
    yield from own_archive(tmp_path_factory)


@pytest.mark.parametrize("user, mode", RUNS, ids=lambda v: getattr(v, "value", v))
def test_no_request_near_the_schema_causes_a_server_error(archive, client, user, mode):
    from api.app import create_app
    # An app of its own: schemathesis runs its lifespan, which would stop the shared app's job runner.
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 19

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def call(case):
            case.call_and_validate(headers=archive.as_user(user), checks=[not_a_server_error])

        try:
            call()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE   # nothing in the operation can be made invalid
