"""docker-compose.yml is a valid Compose file, and scripts/stack.sh runs the same services
with the same LUUTRU_* variables."""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "data" / "compose" / "compose-spec.json").read_text())
sys.path.insert(0, str(ROOT / "scripts"))
import stack  # noqa: E402


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def validator():
    return jsonschema.Draft202012Validator(SCHEMA)


def test_compose_file_is_valid_against_the_compose_specification(compose):
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator().iter_errors(compose)]
    assert errors == []


def test_the_schema_check_catches_a_mistake(compose):
    broken = copy.deepcopy(compose)
    broken["services"]["api"]["restart_policy"] = "always"   # not a service key
    broken["services"]["redis"]["ports"] = "6379"            # a list, not a string
    wrong = {"/".join(map(str, e.path)) for e in validator().iter_errors(broken)}
    assert wrong == {"services/api", "services/redis/ports", "services/redis"}


def test_stack_runs_the_compose_services(compose):
    assert set(compose["services"]) == set(stack.SERVICES) | set(stack.COMPOSE_ONLY)


def test_stack_sets_the_compose_variables(compose):
    compose_vars = set(compose["x-luutru-env"])
    stack_vars = set(stack.environment(Path("/srv/stack"), dict.fromkeys(("postgres", "minio", "elasticsearch",
                                                                            "redis"), "x://")))
    assert compose_vars == stack_vars


def test_stack_runs_the_compose_commands(compose):
    commands = stack.app_commands(8000)
    for service in ("worker", "beat"):
        app = re.search(r"-A (\S+)", compose["services"][service]["command"]).group(1)
        assert app == stack.CELERY_APP
        assert compose["services"][service]["command"].split()[3] == commands[service][0][3]   # worker | beat
    assert compose["services"]["worker"]["deploy"]["replicas"] == len(commands["worker"])
    assert compose["services"]["api"]["command"].split()[:2] == ["luutru", "serve"]


def test_images_are_pinned(compose):
    for name, service in compose["services"].items():
        if "image" in service and "build" not in service:
            tag = service["image"].rsplit(":", 1)
            assert len(tag) == 2 and tag[1] not in ("latest", "") and re.search(r"\d", tag[1]), name


def _named_volumes(service: dict) -> set[str]:
    """The named volumes a service mounts (an anonymous one, a bare container path, is its own)."""
    names = set()
    for volume in service.get("volumes", []):
        source = volume.get("source") if isinstance(volume, dict) else volume.split(":")[0] if ":" in volume else None
        if source and not source.startswith(("/", ".")):
            names.add(source)
    return names


def test_workers_share_no_folder_with_the_api(compose):
    services = compose["services"]
    # replicas of one service would share a named volume: a worker's work folder is anonymous
    assert _named_volumes(services["worker"]) == set()
    assert _named_volumes(services["api"]).isdisjoint(_named_volumes(services["beat"]))
    env = compose["x-luutru-env"]
    assert env["LUUTRU_STAGING_URL"].rsplit("/", 1)[1] != env["LUUTRU_STORAGE_URL"].rsplit("/", 1)[1]
    assert "LUUTRU_AUDIT_KEY" in env           # one audit key, not one per container's data folder


def test_init_service_makes_the_archive_bucket_locked_and_the_staging_bucket_not(compose):
    env = compose["x-luutru-env"]
    archive, staging = (env[k].rsplit("/", 1)[1] for k in ("LUUTRU_STORAGE_URL", "LUUTRU_STAGING_URL"))
    script = " ".join(compose["services"]["minio-init"]["command"])
    made = {bucket: bool(lock) for lock, bucket in re.findall(r"mc mb --ignore-existing (--with-lock )?archive/(\S+)",
                                                              script)}
    assert made == {archive: True, staging: False}
    for service in ("api", "worker", "beat"):
        assert compose["services"][service]["depends_on"]["minio-init"]["condition"] == \
            "service_completed_successfully"


def test_elasticsearch_has_security_on_and_the_archive_sends_credentials(compose):
    es = compose["services"]["elasticsearch"]["environment"]
    env = compose["x-luutru-env"]
    assert es["xpack.security.enabled"] == "true" and "ELASTIC_PASSWORD" in es
    assert env["LUUTRU_ELASTICSEARCH_USERNAME"] == "elastic"
    assert env["LUUTRU_ELASTICSEARCH_PASSWORD"] == es["ELASTIC_PASSWORD"]


def test_users_reach_the_api_only_through_the_tls_proxy(compose):
    services = compose["services"]
    assert "ports" not in services["api"] and compose["x-luutru-env"]["LUUTRU_COOKIE_SECURE"] == "true"
    proxy = services["proxy"]
    assert "443:443" in proxy["ports"] and "--to api:8000" in proxy["command"]
