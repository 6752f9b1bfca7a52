"""docker-compose.yml and deploy/Dockerfile, checked as data (no Docker needed): one image recipe
for every service, one worker and one beat per service with Celery tasks, each consuming exactly the
queues its service declares."""
from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose(name: str = "docker-compose.yml") -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _celery(command: list[str]) -> tuple[str, str, list[str]] | None:
    """(app module, subcommand, queues) of a ``celery -A module:app <sub> [-Q a,b]`` command."""
    if not command or command[0] != "celery":
        return None
    module = command[command.index("-A") + 1].split(":")[0]
    sub = command[command.index("-A") + 2]
    queues = command[command.index("-Q") + 1].split(",") if "-Q" in command else []
    return module, sub, queues


def test_one_dockerfile_builds_every_service():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG SERVICE$", dockerfile, re.MULTILINE)
    assert "services.${SERVICE}.main:app" in dockerfile
    assert sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "deploy").rglob("Dockerfile*")) == \
        ["deploy/Dockerfile"]
    built = {}
    for name, service in _compose()["services"].items():
        build = service.get("build")
        if build is None or name == "postgres":  # PostgreSQL's own image, with pgBackRest (below)
            continue
        assert build["dockerfile"] == "deploy/Dockerfile", name
        target = build["args"]["SERVICE"]
        assert (ROOT / "services" / target / "main.py").exists(), (name, target)
        assert service["image"] == f"thidua/{target}:latest", name
        built[target] = service["image"]
    assert set(built) >= {"registry", "nominations", "notifications"}
    # Every other container runs an image built here.
    images = {s.get("image") for s in _compose()["services"].values() if s.get("image", "").startswith("thidua/")}
    assert images <= set(built.values()) | {"thidua/postgres:16"}


def test_each_service_runs_its_own_worker_and_beat_on_its_own_queues():
    workers: dict[str, list[str]] = {}
    beats: set[str] = set()
    for name, service in _compose()["services"].items():
        parsed = _celery(service.get("command") or [])
        if parsed is None:
            continue
        module, sub, queues = parsed
        if sub == "worker":
            # A service may split its queues over several workers (notifications: webhooks apart).
            workers.setdefault(module, []).extend(queues)
        elif sub == "beat":
            beats.add(module)
        # The image holds the service whose worker it runs.
        service_name = module.split(".")[1] if module.startswith("services.") else None
        if service_name:
            assert service["image"] == f"thidua/{service_name}:latest", name
    assert beats == {"services.notifications.worker", "services.nominations.worker"}
    # The registry's worker consumes events only (the leadership the conference elected): no beat.
    assert set(workers) == beats | {"services.registry.worker"}
    for module, queues in workers.items():
        declared = importlib.import_module(module).WORKER.queues
        assert sorted(queues) == sorted(declared), module


def test_the_demo_override_names_only_services_that_exist():
    assert set(_compose("docker-compose.demo.yml")["services"]) <= set(_compose()["services"])


def test_postgresql_archives_every_wal_segment_and_is_backed_up_by_pgbackrest():
    services = _compose()["services"]
    postgres, backup = services["postgres"], services["backup"]
    assert postgres["build"]["dockerfile"] == "deploy/backup/postgres.Dockerfile"
    recipe = (ROOT / "deploy/backup/postgres.Dockerfile").read_text(encoding="utf-8")
    assert "pgbackrest" in recipe and "COPY deploy/backup/pgbackrest.conf /etc/pgbackrest/pgbackrest.conf" in recipe
    settings = dict(a.split("=", 1) for a in postgres["command"][1:] if a != "-c")
    assert settings["archive_mode"] == "on" and settings["wal_level"] == "replica"
    assert settings["archive_command"] == "pgbackrest --stanza=thidua archive-push %p"
    assert int(settings["archive_timeout"]) <= 60  # the RPO the README states
    # The backup service runs beside the server: the same image, data volume, socket and repository.
    assert backup["image"] == postgres["image"] and backup["command"] == ["backup-schedule"]
    assert set(backup["volumes"]) == set(postgres["volumes"])
    assert any(v.endswith(":/var/lib/pgbackrest") for v in backup["volumes"])
    conf = (ROOT / "deploy/backup/pgbackrest.conf").read_text(encoding="utf-8")
    assert "[thidua]" in conf and "repo1-retention-full=" in conf and "repo1-path=/var/lib/pgbackrest" in conf
    # The repository is a volume of its own, not the data's.
    assert "pgbackrest" in _compose()["volumes"] and "pgdata" in _compose()["volumes"]


def test_redis_keeps_its_queues_across_a_restart():
    redis = _compose()["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--appendfsync") + 1] == "everysec"
    assert any(v.endswith(":/data") for v in redis["volumes"])  # the append-only file outlives the container


# The CloudNativePG fields these manifests use, by path: a misspelt or misplaced one would be
# dropped by the operator's CRD validation (unknown fields are pruned) and the backups silently off.
CNPG_FIELDS = {
    "Cluster.spec": {"instances", "imageCatalogRef", "primaryUpdateStrategy", "storage", "walStorage", "bootstrap",
                     "postgresql", "resources", "backup", "externalClusters"},
    "Cluster.spec.backup": {"retentionPolicy", "barmanObjectStore"},
    "barmanObjectStore": {"destinationPath", "endpointURL", "s3Credentials", "wal", "data"},
    "barmanObjectStore.wal": {"compression", "maxParallel"},
    "barmanObjectStore.data": {"compression", "jobs"},
    "ScheduledBackup.spec": {"schedule", "immediate", "backupOwnerReference", "method", "cluster"},
}


def test_kubernetes_postgresql_is_archived_and_backed_up_by_cloudnativepg():
    folder = ROOT / "deploy/k8s/postgres"
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text(encoding="utf-8"))
    docs = [d for name in kustomization["resources"] for d in yaml.safe_load_all((folder / name).read_text())]
    examples = [d for name in ("restore.example.yaml", "backup-credentials.example.yaml")
                for d in yaml.safe_load_all((folder / name).read_text())]
    by_kind: dict[str, list[dict]] = {}
    for doc in docs + examples:
        by_kind.setdefault(doc["kind"], []).append(doc)
        if doc["apiVersion"] in ("v1", "networking.k8s.io/v1"):  # the Kubernetes kinds against their schemas
            kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)
        else:
            assert doc["apiVersion"] == "postgresql.cnpg.io/v1", doc["kind"]
    for cluster in by_kind["Cluster"]:
        assert set(cluster["spec"]) <= CNPG_FIELDS["Cluster.spec"]
        stores = [cluster["spec"].get("backup", {}).get("barmanObjectStore")] + [
            e["barmanObjectStore"] for e in cluster["spec"].get("externalClusters", [])]
        for store in filter(None, stores):
            assert set(store) <= CNPG_FIELDS["barmanObjectStore"] and store["destinationPath"].startswith("s3://")
            assert set(store.get("wal", {})) <= CNPG_FIELDS["barmanObjectStore.wal"]
            assert set(store.get("data", {})) <= CNPG_FIELDS["barmanObjectStore.data"]
            credentials = store["s3Credentials"]
            assert {credentials[k]["name"] for k in ("accessKeyId", "secretAccessKey")} == {"thidua-backup-s3"}
    live = next(c for c in by_kind["Cluster"] if c in docs)
    assert live["spec"]["instances"] >= 3 and set(live["spec"]["backup"]) <= CNPG_FIELDS["Cluster.spec.backup"]
    assert live["spec"]["postgresql"]["parameters"]["archive_timeout"] == "60s"  # the RPO the README states
    restore = next(c for c in by_kind["Cluster"] if c in examples)
    assert restore["spec"]["bootstrap"]["recovery"]["recoveryTarget"]["targetTime"]
    assert restore["spec"]["bootstrap"]["recovery"]["source"] == live["metadata"]["name"]
    (scheduled,) = by_kind["ScheduledBackup"]
    assert set(scheduled["spec"]) <= CNPG_FIELDS["ScheduledBackup.spec"]
    assert scheduled["spec"]["cluster"]["name"] == live["metadata"]["name"]
    assert len(scheduled["spec"]["schedule"].split()) == 6  # CloudNativePG's cron has seconds first
    assert by_kind["Secret"][0]["metadata"]["name"] == "thidua-backup-s3"
    # kustomize renders it (kubectl's built-in kustomize, where kubectl is installed).
    if shutil.which("kubectl"):
        rendered = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, check=True)
        assert {d["kind"] for d in yaml.safe_load_all(rendered.stdout)} == {
            "ImageCatalog", "Cluster", "ScheduledBackup", "NetworkPolicy"}
    # The base's default-deny-ingress selects the database's pods too (one namespace): thidua's pods
    # and the operator are let in.
    (policy,) = by_kind["NetworkPolicy"]
    assert policy["spec"]["podSelector"] == {"matchLabels": {"cnpg.io/cluster": live["metadata"]["name"]}}
    sources = [source for rule in policy["spec"]["ingress"] for source in rule["from"]]
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "thidua"}}} in sources
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "cnpg-system"}}} in sources


# ---------------------------------------------------------------- issue 18: image digests

# name[:tag]@sha256:<64 hex>; a third-party image keeps its tag for readers, thidua's own carry none.
PINNED = re.compile(r"(?P<name>[a-z0-9][a-z0-9._/-]*)(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
                    r"@sha256:[0-9a-f]{64}")
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def _ours(image: str) -> bool:
    return "thidua/" in image.split("@")[0]


def _check_pinned(image: str, where: str) -> None:
    match = PINNED.fullmatch(image)
    assert match, f"{where}: {image} is not pinned by a sha256 digest"
    assert _ours(image) or match["tag"], f"{where}: {image} has no tag for readers beside its digest"


def _images(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, value) of every image a manifest names: containers' `image`, a Cluster's `imageName`,
    an ImageCatalog's entries."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("image", "imageName") and isinstance(value, str):
                yield f"{path}.{key}", value
            else:
                yield from _images(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _images(value, f"{path}[{i}]")


def _source_above(lines: list[str], index: int) -> str:
    """The comment block right above line ``index``: where a pin says its digest comes from."""
    block = []
    for line in reversed(lines[:index]):
        if not line.strip().startswith("#"):
            break
        block.append(line)
    return "".join(block)


def test_every_third_party_image_is_pinned_by_digest_with_its_source() -> None:
    # docker-compose: every image not built here (thidua/...) is pinned, and says where its digest is from.
    for name in ("docker-compose.yml", "docker-compose.demo.yml"):
        lines = (ROOT / name).read_text(encoding="utf-8").splitlines(keepends=True)
        for service, spec in (_compose(name).get("services") or {}).items():
            image = spec.get("image")
            if image is None or _ours(image):
                assert image is None or "build" in spec or any(
                    s.get("image") == image and "build" in s for s in _compose()["services"].values()), (name, service)
                continue
            _check_pinned(image, f"{name} {service}")
            (index,) = [i for i, line in enumerate(lines) if line.strip() == f"image: {image}"]
            assert COMMIT.search(_source_above(lines, index)), f"{name} {service}: no commit of the digest's record"
    # Every Dockerfile's every FROM (the bases of thidua's images and of its PostgreSQL with pgBackRest).
    dockerfiles = sorted(p for p in ROOT.rglob("*Dockerfile*") if not {".venv", ".git", "node_modules"} & set(p.parts))
    assert {p.relative_to(ROOT).as_posix() for p in dockerfiles} >= {"deploy/Dockerfile", "deploy/backup/postgres.Dockerfile"}
    for path in dockerfiles:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        stages: set[str] = set()
        froms = [(i, line.split()) for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
        assert froms, path
        for index, words in froms:
            args = [w for w in words[1:] if not w.startswith("--")]
            if args[0] not in stages:  # a later stage built FROM an earlier one pulls nothing
                _check_pinned(args[0], f"{path.name} line {index + 1}")
                assert COMMIT.search(_source_above(lines, index)), f"{path.name}: no commit of the digest's record"
            if len(args) == 3 and args[1].upper() == "AS":
                stages.add(args[2])
    # Kubernetes, as kustomize renders it (kubectl's built-in kustomize): the base, the example overlay
    # and the database, plus the restore example applied on its own.
    docs: list[tuple[str, dict]] = []
    for folder in ("base", "example", "postgres"):
        out = subprocess.run(["kubectl", "kustomize", str(ROOT / "deploy/k8s" / folder)],
                             capture_output=True, text=True, check=True).stdout
        docs += [(folder, d) for d in yaml.safe_load_all(out) if d]
    restore = ROOT / "deploy/k8s/postgres/restore.example.yaml"
    docs += [("postgres/restore.example.yaml", d) for d in yaml.safe_load_all(restore.read_text()) if d]
    seen = 0
    for where, doc in docs:
        for field, image in _images(doc.get("spec", {}), f"{doc['kind']}/{doc['metadata']['name']}.spec"):
            _check_pinned(image, f"{where} {field}")
            seen += 1
    assert seen >= 20
    # A CloudNativePG Cluster names no image of its own: it takes the pinned one from the catalogue
    # checked in beside it, for its PostgreSQL major version.
    catalogs = {(d["kind"], d["metadata"]["name"]): {i["major"]: i["image"] for i in d["spec"]["images"]}
                for where, d in docs if d["kind"] == "ImageCatalog"}
    clusters = [d for where, d in docs if d["kind"] == "Cluster"]
    assert len(clusters) == 2
    for cluster in clusters:
        assert "imageName" not in cluster["spec"], cluster["metadata"]["name"]
        ref = cluster["spec"]["imageCatalogRef"]
        assert ref["apiGroup"] == "postgresql.cnpg.io"
        image = catalogs[(ref["kind"], ref["name"])][ref["major"]]
        assert image.startswith(f"ghcr.io/cloudnative-pg/postgresql:{ref['major']}.")
        assert "-system-" in image  # the image with Barman Cloud, which barmanObjectStore backups run
    assert COMMIT.search((ROOT / "deploy/k8s/postgres/image-catalog.yaml").read_text(encoding="utf-8"))
