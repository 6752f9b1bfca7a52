"""deploy/k8s/base: every manifest the kustomization lists is valid against the Kubernetes schemas
(kubernetes-validate ships them offline), and the deployment says what production needs."""
from __future__ import annotations

import kubernetes_validate
import yaml

from deploy.stack import ROOT

BASE = ROOT / "deploy" / "k8s" / "base"
APIS = {"registry": 8001, "nominations": 8002, "notifications": 8003, "console": 8000}


def _resources() -> list[dict]:
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    docs = []
    for name in kustomization["resources"]:
        docs += [d for d in yaml.safe_load_all((BASE / name).read_text()) if d]
    return docs


def test_every_manifest_is_valid_against_the_kubernetes_schemas():
    version = kubernetes_validate.latest_version()
    docs = _resources()
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)  # raises with the offending path
    assert len(docs) >= 20


def test_the_deployment_has_what_production_needs():
    docs = _resources()
    by_kind: dict[str, dict[str, dict]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    deployments = by_kind["Deployment"]
    assert set(APIS) | {"notifications-worker", "webhook-worker", "nominations-worker", "notifications-beat",
                        "nominations-beat", "flower"} <= set(deployments)
    for name, port in APIS.items():
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["ports"][0]["containerPort"] == port
        assert by_kind["Service"][name]["spec"]["ports"][0]["port"] == port
        assert by_kind["PodDisruptionBudget"][name]["spec"]["selector"]["matchLabels"] == {
            "app.kubernetes.io/name": name}
    for name, deployment in deployments.items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container["resources"]["requests"] and container["resources"]["limits"], name
            assert container["securityContext"]["runAsNonRoot"], name
    for name in ("notifications-beat", "nominations-beat"):
        beat = deployments[name]["spec"]
        assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    # Every queue a service's worker declares is consumed by one of its Deployments.
    import importlib

    for service in ("notifications", "nominations"):
        consumed = set()
        for deployment in deployments.values():
            command = deployment["spec"]["template"]["spec"]["containers"][0]["command"]
            if command[:3] == ["celery", "-A", f"services.{service}.worker:app"] and command[3] == "worker":
                consumed |= set(command[command.index("-Q") + 1].split(","))
        assert consumed == set(importlib.import_module(f"services.{service}.worker").WORKER.queues), service
    webhooks = deployments["webhook-worker"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert webhooks[webhooks.index("-Q") + 1] == "webhooks"
    job = by_kind["Job"]["thidua-migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["python", "-m", "deploy.migrate"]  # never --demo
    config = by_kind["ConfigMap"]["thidua-config"]["data"]
    assert config["THIDUA_ENV"] == "production" and config["NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE"] == "false"
    assert all(v.startswith("https://") for k, v in config.items() if k.endswith("JWKS_URL"))
    secrets = by_kind["Secret"]
    assert secrets["thidua-secrets"]["stringData"]["REDIS_URL"].startswith("rediss://")
    assert all("CHANGE-ME" in v for v in secrets["thidua-secrets"]["stringData"].values()
               if "://" in v or "KEY" in v or "PASSWORD" in v or "TOKEN" in v)
    registry_volumes = deployments["registry"]["spec"]["template"]["spec"]["volumes"]
    assert {"secret": "registry-signing-key"} in [{"secret": v["secret"]["secretName"]} for v in registry_volumes
                                                   if "secret" in v]
