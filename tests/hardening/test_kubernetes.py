"""deploy/k8s: the base and the example overlay as kustomize renders them (kubectl's built-in
kustomize) are valid against the Kubernetes schemas (kubernetes-validate ships them offline), and
the deployment says what production needs."""
from __future__ import annotations

import functools
import re
import subprocess

import kubernetes_validate
import yaml

from deploy.stack import ROOT

K8S = ROOT / "deploy" / "k8s"
APIS = {"registry": 8001, "nominations": 8002, "notifications": 8003, "console": 8000}


@functools.cache
def _rendered(overlay: str) -> tuple[dict, ...]:
    out = subprocess.run(["kubectl", "kustomize", str(K8S / overlay)], capture_output=True, text=True, check=True)
    return tuple(d for d in yaml.safe_load_all(out.stdout) if d)


def _resources() -> list[dict]:
    return list(_rendered("example"))


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
    for secret in by_kind["Secret"].values():
        data = secret["stringData"]
        assert "REDIS_URL" not in data or data["REDIS_URL"].startswith("rediss://")
        assert all("CHANGE-ME" in v or "REPLACE-WITH" in v for k, v in data.items()
                   if "://" in v or "KEY" in k or "PASSWORD" in k or "TOKEN" in k or "SECRET" in k or "AUTH" in k)
    registry_volumes = deployments["registry"]["spec"]["template"]["spec"]["volumes"]
    assert {"secret": "registry-signing-key"} in [{"secret": v["secret"]["secretName"]} for v in registry_volumes
                                                   if "secret" in v]


# ---------------------------------------------------------------- issue 18, findings 3 and 7

def _pods(docs) -> dict[str, dict]:
    return {d["metadata"]["name"]: d["spec"]["template"]["spec"] for d in docs if d["kind"] in ("Deployment", "Job")}


def test_the_base_holds_no_secret_and_each_pod_loads_only_its_own():
    assert not [d for d in _rendered("base") if d["kind"] == "Secret"]
    docs = _resources()
    secrets = {d["metadata"]["name"]: d["stringData"] for d in docs if d["kind"] == "Secret"}
    expected = {"registry": "registry-secrets", "nominations": "nominations-secrets",
                "nominations-worker": "nominations-secrets", "nominations-beat": "nominations-secrets",
                "notifications": "notifications-secrets", "notifications-worker": "notifications-secrets",
                "webhook-worker": "notifications-secrets", "notifications-beat": "notifications-secrets",
                "console": "console-secrets", "flower": "flower-secrets", "thidua-migrate": "migrate-secrets",
                "registry-relay": "registry-secrets", "nominations-relay": "nominations-secrets",
                "registry-worker": "registry-secrets"}
    loaded = {name: [ref["secretRef"]["name"] for c in pod["containers"] for ref in c.get("envFrom", [])
                     if "secretRef" in ref] for name, pod in _pods(docs).items()}
    assert loaded == {name: [secret] for name, secret in expected.items()}
    # A service's own variables live only in its own Secret.
    owner = {"registry-secrets": "REGISTRY_", "nominations-secrets": "NOMINATIONS_",
             "notifications-secrets": "NOTIFICATIONS_", "console-secrets": "CONSOLE_",
             "flower-secrets": "NOTIFICATIONS_FLOWER_"}
    for name, data in secrets.items():
        for key in data:
            prefixed = key.startswith(("REGISTRY_", "NOMINATIONS_", "NOTIFICATIONS_", "CONSOLE_"))
            assert not prefixed or key.startswith(owner[name]), (name, key)
    assert "NOTIFICATIONS_FLOWER_BASIC_AUTH" in secrets["flower-secrets"]
    assert "NOTIFICATIONS_FLOWER_BASIC_AUTH" not in secrets["notifications-secrets"]
    assert set(secrets["console-secrets"]) == {"REDIS_URL", "CONSOLE_SESSION_SECRET", "CONSOLE_METRICS_TOKEN"}
    assert set(secrets["migrate-secrets"]) == {"DATABASE_URL"}


def test_pods_run_confined_and_images_are_pinned_by_digest():
    for overlay in ("base", "example"):
        for name, pod in _pods(_rendered(overlay)).items():
            assert pod["automountServiceAccountToken"] is False, name
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
            for container in pod["containers"]:
                assert re.fullmatch(r"[a-z0-9./-]+@sha256:[0-9a-f]{64}", container["image"]), container["image"]
                assert ":" not in container["image"].split("@")[0].rsplit("/", 1)[-1], "a tag beside the digest"


def _selects(selector: dict, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for e in selector.get("matchExpressions", []):
        assert e["operator"] == "In", e  # the only operator these manifests use
        if labels.get(e["key"]) not in e["values"]:
            return False
    return True


def test_a_network_policy_admits_only_the_ingress_and_thidua_itself():
    policies = {d["metadata"]["name"]: d["spec"] for d in _resources() if d["kind"] == "NetworkPolicy"}
    deny = policies["default-deny-ingress"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"] and not deny.get("ingress")
    console = policies["console-from-ingress"]["ingress"]
    assert [source for rule in console for source in rule["from"]] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]
    apis = policies["apis-from-ingress-and-thidua"]
    assert apis["podSelector"]["matchExpressions"][0]["values"] == ["registry", "nominations", "notifications"]
    # Who may connect to each pod: nobody to Flower, the workers, beat, the relays and the job.
    pods = {name: next(d for d in _resources() if d["kind"] in ("Deployment", "Job") and d["metadata"]["name"] == name)
            ["spec"]["template"]["metadata"]["labels"] for name in _pods(_resources())}
    admitted = {name: [p for p, spec in policies.items() if "Ingress" in spec["policyTypes"] and spec.get("ingress")
                       and _selects(spec["podSelector"], labels)] for name, labels in pods.items()}
    for name, labels in pods.items():
        if labels.get("app.kubernetes.io/component") != "api":
            assert admitted[name] == [], name
    assert admitted["console"] == ["console-from-ingress", "metrics-from-monitoring"]
    assert admitted["registry"] == ["apis-from-ingress-and-thidua", "metrics-from-monitoring"]
    monitoring = policies["metrics-from-monitoring"]["ingress"]
    assert [source for rule in monitoring for source in rule["from"]] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]


def test_thidua_pods_reach_only_what_they_use():
    """Egress is denied to every thidua pod but DNS, PostgreSQL, Redis and each other's APIs; HTTPS
    only for the APIs that fetch the signing keys, SMTP only for the mail worker, HTTP(S) only for
    the webhook worker. No rule opens every port."""
    docs = _resources()
    policies = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "NetworkPolicy"}
    egress = {name: spec for name, spec in policies.items() if "Egress" in spec["policyTypes"]}
    assert not egress["default-deny-egress"].get("egress")
    base = {("UDP", 53), ("TCP", 53), ("TCP", 5432), ("TCP", 6379), ("TCP", 6380), ("TCP", "http")}
    extra = {"nominations": {("TCP", 443)}, "notifications": {("TCP", 443)},
             "notifications-worker": {("TCP", 25), ("TCP", 465), ("TCP", 587)},
             "webhook-worker": {("TCP", 80), ("TCP", 443)}}
    for d in docs:
        if d["kind"] not in ("Deployment", "Job"):
            continue
        name, labels = d["metadata"]["name"], d["spec"]["template"]["metadata"]["labels"]
        assert labels["app.kubernetes.io/part-of"] == "thidua", name
        selecting = [spec for spec in egress.values() if _selects(spec["podSelector"], labels)]
        assert egress["default-deny-egress"] in selecting, name
        allowed = set()
        for spec in selecting:
            for rule in spec.get("egress", []):
                assert rule.get("ports"), f"a rule of {name}'s egress opens every port"
                allowed |= {(port.get("protocol", "TCP"), port["port"]) for port in rule["ports"]}
        assert allowed == base | extra.get(name, set()), name
    # The "http" port is open towards thidua's own pods only.
    for spec in egress.values():
        for rule in spec.get("egress", []):
            if any(port["port"] == "http" for port in rule["ports"]):
                assert rule.get("to") == [{"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "thidua"}}}]


def test_forwarded_addresses_are_believed_from_the_configured_proxies_only():
    docs = _resources()
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    from shared.proxies import parse_trusted_proxies

    assert parse_trusted_proxies(config["THIDUA_TRUSTED_PROXIES"])  # valid, and never "*"
    for name, pod in _pods(docs).items():
        command = pod["containers"][0]["command"]
        assert "--forwarded-allow-ips" not in command and "--proxy-headers" not in command, name
        if command[0] == "uvicorn":
            assert "--no-proxy-headers" in command, name  # the app reads the headers (shared.proxies)
