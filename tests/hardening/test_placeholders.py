"""Issue 18, finding 7: a production start refuses settings that still hold the example
manifests' placeholders (CHANGE-ME, REPLACE-WITH...)."""
from __future__ import annotations

import pytest

from services.nominations.settings import NominationsSettings
from services.notifications.settings import NotificationsSettings
from services.registry.app import create_registry_app
from shared.production import UnsafeConfiguration, placeholder_problems
from tests.hardening.test_kubernetes import _rendered


def _example_secret(name: str) -> dict[str, str]:
    return next(d for d in _rendered("example") if d["kind"] == "Secret" and d["metadata"]["name"] == name)[
        "stringData"]


async def test_the_registry_refuses_to_start_with_the_example_secrets(registry_settings, monkeypatch):
    for key, value in _example_secret("registry-secrets").items():
        monkeypatch.setenv(key, value)
    settings = type(registry_settings)(environment="production",
                                       jwt_private_key_pem=registry_settings.jwt_private_key_pem)
    assert "CHANGE-ME" in settings.database_url
    app = create_registry_app(settings)
    with pytest.raises(UnsafeConfiguration) as refused:
        async with app.router.lifespan_context(app):
            pass
    named = {problem.split()[0] for problem in refused.value.problems}
    assert {"REGISTRY_DATABASE_URL", "REGISTRY_REDIS_URL", "REGISTRY_METRICS_TOKEN"} <= named


@pytest.mark.parametrize(("secret", "settings_class"), [("nominations-secrets", NominationsSettings),
                                                        ("notifications-secrets", NotificationsSettings)])
def test_every_example_value_is_named_as_a_placeholder(secret, settings_class, monkeypatch):
    data = _example_secret(secret)
    for key, value in data.items():
        monkeypatch.setenv(key, value)
    named = {p.split()[0] for p in placeholder_problems(settings_class())}
    prefix = settings_class.model_config["env_prefix"]
    assert named == {k if k.startswith(prefix) else prefix + k for k, v in data.items() if "CHANGE-ME" in v}
    for key in data:
        monkeypatch.setenv(key, "a-real-value-chosen-by-the-operator")
    assert placeholder_problems(settings_class()) == []
