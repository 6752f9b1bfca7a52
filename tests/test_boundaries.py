"""Each service owns its schema and its code: no service imports another's modules or names
another's tables in SQL. Services talk over HTTP and through events only."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("registry", "nominations", "notifications", "console")
SQL_REFERENCE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES)\s+(registry|nominations|notifications)\.",
                           re.IGNORECASE)
IMPORT = re.compile(r"^\s*(?:from|import)\s+services\.(registry|nominations|notifications|console)\b", re.MULTILINE)


def _sources(service: str):
    for path in sorted((ROOT / "services" / service).rglob("*")):
        if path.suffix in (".py", ".sql") and "__pycache__" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_names_only_its_own_schema_in_sql(service):
    foreign = [(path.relative_to(ROOT), m.group(0)) for path, text in _sources(service)
               for m in SQL_REFERENCE.finditer(text) if m.group(1) != service]
    assert foreign == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service):
    foreign = [(path.relative_to(ROOT), m.group(0).strip()) for path, text in _sources(service)
               for m in IMPORT.finditer(text) if m.group(1) != service]
    assert foreign == []


def test_the_checks_would_catch_a_violation():
    assert SQL_REFERENCE.search("SELECT * FROM registry.provinces").group(1) == "registry"
    assert SQL_REFERENCE.search("select 1 from nominations.rounds r join registry.x") is not None
    assert IMPORT.search("from services.registry.store import provinces").group(1) == "registry"
    assert SQL_REFERENCE.search('type = "registry.leadership.rotated"') is None


# ---------------------------------------------------------------- the shared contracts

CONTRACTS = ROOT / "shared" / "contracts"
# What a schema-only module may import: value types and pydantic, and the other contract modules.
CONTRACT_IMPORTS = {"__future__", "typing", "enum", "datetime", "decimal", "uuid", "pydantic", "annotated_types",
                    "shared.contracts"}
# The only functions a contract may hold: a model's own validators and serialisers.
VALIDATORS = {"field_validator", "model_validator", "field_serializer", "model_serializer", "computed_field"}


def _contract_violations(source: str) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            if not any(name == ok or name.startswith(ok + ".") for ok in CONTRACT_IMPORTS):
                found.append(f"imports {name}")
        if isinstance(node, (ast.AsyncFunctionDef, ast.Await, ast.AsyncWith, ast.AsyncFor)):
            found.append(f"async code at line {node.lineno}")
        if isinstance(node, ast.FunctionDef):
            decorators = {d.func.id if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)
                          else d.id if isinstance(d, ast.Name) else "" for d in node.decorator_list}
            if not decorators & VALIDATORS:
                found.append(f"function {node.name}")
            elif len(node.body) > 6:
                found.append(f"validator {node.name} is not trivial")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("open", "exec", "eval",
                                                                                                 "__import__"):
            found.append(f"calls {node.func.id}")
    return found


def test_services_may_import_the_shared_contracts():
    assert IMPORT.search("from shared.contracts.nominations import RoundOpenedV1") is None
    users = [path for service in SERVICES for path, text in _sources(service) if "shared.contracts" in text]
    assert {p.relative_to(ROOT).parts[1] for p in users} >= {"registry", "nominations", "notifications"}


def test_the_shared_contracts_hold_no_behaviour():
    modules = sorted(CONTRACTS.rglob("*.py"))
    assert modules
    found = {str(p.relative_to(ROOT)): v for p in modules if (v := _contract_violations(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_contract_check_would_catch_behaviour():
    assert _contract_violations("import asyncpg") == ["imports asyncpg"]
    assert _contract_violations("from shared.events import emit") == ["imports shared.events"]
    assert _contract_violations("def publish(x):\n    return x") == ["function publish"]
    assert _contract_violations("async def f():\n    pass")[0].startswith("async code")
    assert _contract_violations("X = open('f')") == ["calls open"]
    assert _contract_violations("from pydantic import field_validator\n"
                                "class A:\n    @field_validator('x')\n    def nfc(cls, v):\n        return v") == []


# ---------------------------------------------------------------- the contexts inside nominations

NOMINATIONS = ROOT / "services" / "nominations"
NOMINATIONS_CONTEXTS = {"voting", "scoring", "commendations", "movements", "conferences", "councils"}
CONTEXT_IMPORT = re.compile(r"^\s*(?:from\s+services\.nominations(?:\.(voting|scoring|commendations))?(?:\.([\w.]+))?"
                            r"\s+import\s+\(?\s*([\w, ]+)|import\s+services\.nominations\.(voting|scoring|commendations)\b)",
                            re.MULTILINE)


def _context_imports(context: str):
    """(path, imported context, rest) for every import of a nominations context from ``context``'s code."""
    for path in sorted((NOMINATIONS / context).rglob("*.py")):
        for m in CONTEXT_IMPORT.finditer(path.read_text(encoding="utf-8")):
            target = m.group(1) or m.group(4)
            if target is None:  # "from services.nominations import x, y"
                names = {n.strip() for n in m.group(3).split(",")}
                for name in names & NOMINATIONS_CONTEXTS:
                    yield path.relative_to(ROOT), name, None
            elif m.group(2) is None and m.group(3) is not None:  # "from services.nominations.scoring import x"
                yield path.relative_to(ROOT), target, m.group(3).strip()
            else:
                yield path.relative_to(ROOT), target, m.group(2)


def test_scoring_does_not_know_voting():
    assert [(p, t) for p, t, _ in _context_imports("scoring") if t in ("voting", "commendations")] == []


def test_voting_reaches_commendations_only_to_carry_an_approved_round():
    crossing = [(p, t, rest) for p, t, rest in _context_imports("voting") if t == "commendations"]
    assert crossing and all(rest in (None, "carry_approved_round") for _, _, rest in crossing), crossing
    used = {m.group(1) for path in (NOMINATIONS / "voting").rglob("*.py")
            for m in re.finditer(r"\bcommendations\.(\w+)", path.read_text(encoding="utf-8"))}
    assert used == {"carry_approved_round"}


def test_movements_reach_commendations_only_to_propose_and_to_sniff_files():
    # The review proposes recognised models' owners (propose_from_movement); evidence files are sniffed
    # by the commendations' allow-list, so both contexts accept the same files.
    crossing = {(str(p), rest) for p, t, rest in _context_imports("movements") if t == "commendations"}
    assert crossing and {rest for _, rest in crossing} <= {None, "domain.files"}, crossing
    used = {m.group(1) for path in (NOMINATIONS / "movements").rglob("*.py")
            for m in re.finditer(r"\bcommendations\.(\w+)", path.read_text(encoding="utf-8"))}
    assert used == {"propose_from_movement", "domain"}, used


def test_voting_reaches_conferences_only_for_its_rounds_quorum():
    # A round of a conference is attached when created (its runoff inherits it) and opens only with the
    # conference's quorum: those three calls, from the package's interface, nothing deeper.
    used = {m.group(1) for path in (NOMINATIONS / "voting").rglob("*.py")
            for m in re.finditer(r"\bconferences\.(\w+)", path.read_text(encoding="utf-8"))}
    assert used == {"attach_round", "inherit_round", "require_quorum"}, used
    deep = [str(p) for p in (NOMINATIONS / "voting").rglob("*.py")
            if "services.nominations.conferences" in p.read_text(encoding="utf-8")]
    assert deep == []
    # ...and the conferences know the others only for their minutes: the votes' figures through
    # voting.conference_votes, the covenant's signatures through scoring.covenant_signatures.
    crossing = {(str(p), t, rest) for p, t, rest in _context_imports("conferences") if t != "conferences"}
    assert crossing == {("services/nominations/conferences/service/minutes.py", "scoring", None),
                        ("services/nominations/conferences/service/minutes.py", "voting", None)}, crossing
    source = (NOMINATIONS / "conferences" / "service" / "minutes.py").read_text(encoding="utf-8")
    assert {m.group(0) for m in re.finditer(r"\b(?:voting|scoring)\.\w+\(", source)} == {
        "voting.conference_votes(", "scoring.covenant_signatures("}


def test_councils_reach_commendations_only_for_the_nominees_and_the_verdict():
    # A session reads the nominees sent to the organiser, its close writes their verdict, a decision's file
    # finds the minutes of the nominees it lists: those three
    # calls of the package's interface, nothing deeper; no other context is imported, none imports it.
    crossing = [(str(p), t, rest) for p, t, rest in _context_imports("councils") if t != "councils"]
    assert crossing and all((t, rest) == ("commendations", None) for _, t, rest in crossing), crossing
    used = {m.group(1) for path in (NOMINATIONS / "councils").rglob("*.py")
            for m in re.finditer(r"\bcommendations\.(\w+)", path.read_text(encoding="utf-8"))}
    assert used == {"council_nominees", "apply_council_verdict", "decision_nominees"}, used
    # (app.py mounts its routers; demo_council.py, the demo seed, plays the session through its use cases.)
    assert not any("services.nominations.councils" in p.read_text(encoding="utf-8")
                   for p in NOMINATIONS.rglob("*.py") if "councils" not in p.parts
                   and p.name not in {"app.py", "demo_council.py"})


def test_commendations_use_no_other_context():
    # The Government-flag cap, once borrowed from voting, has its own module (government_flag_cap).
    crossing = [(str(p), t, rest) for p, t, rest in _context_imports("commendations") if t != "commendations"]
    assert crossing == [], crossing


def test_the_government_flag_cap_imports_no_context():
    source = (NOMINATIONS / "government_flag_cap.py").read_text(encoding="utf-8")
    assert not re.search(r"services\.nominations\.(voting|scoring|commendations|year)\b", source)
    assert not re.search(r"from services\.nominations import .*\b(voting|scoring|commendations)\b", source)


def test_voting_reads_scoring_only_through_ranks_for():
    crossing = [(p, t, rest) for p, t, rest in _context_imports("voting") if t == "scoring"]
    # "from services.nominations import scoring", then scoring.ranks_for: nothing deeper.
    assert crossing and all(rest in (None, "ranks_for") for _, _, rest in crossing), crossing
    used = {m.group(1) for path in (NOMINATIONS / "voting").rglob("*.py")
            for m in re.finditer(r"\bscoring\.(\w+)", path.read_text(encoding="utf-8"))}
    assert used == {"ranks_for"}


# ---------------------------------------------------------------- routers are thin

# What a router may use besides its own service and schemas: request-level infrastructure (the
# answer's JSON written from rows, ``shared.jsonbytes``, included).
ROUTER_SHARED = {"shared.app", "shared.auth", "shared.errors", "shared.idempotency", "shared.pagination", "shared.db",
                 "shared.text", "shared.logs", "shared.limits", "shared.jobs", "shared.clock", "shared.jsonbytes"}
CONTEXTS = {"registry": "services.registry", "notifications": "services.notifications",
            "nominations/year": "services.nominations.year", "nominations/voting": "services.nominations.voting",
            "nominations/scoring": "services.nominations.scoring",
            "nominations/commendations": "services.nominations.commendations",
            "nominations/movements": "services.nominations.movements",
            "nominations/conferences": "services.nominations.conferences",
            "nominations/councils": "services.nominations.councils"}


def _imported_modules(path: Path) -> list[str]:
    """Every module a file imports ("from a.b import c" counts as a.b.c when a.b.c is a module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (ROOT / (candidate.replace(".", "/") + ".py")).exists() or \
                    (ROOT / candidate.replace(".", "/") / "__init__.py").exists()
                found.append(candidate if is_module else node.module)
    return found


def _router_violations(package: str, modules: list[str]) -> list[str]:
    own = (f"{package}.service", f"{package}.schemas")
    return [m for m in modules
            if (m.startswith("services.") and not any(m == o or m.startswith(o + ".") for o in own))
            or (m.startswith("shared") and m not in ROUTER_SHARED and not m.startswith("shared.contracts"))]


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_routers_import_only_their_service_and_schemas(context):
    folder = ROOT / "services" / context
    routers = sorted([*(folder / "api").glob("*.py"), *folder.glob("api.py"), *folder.glob("routes.py")])
    assert routers, f"no routers found for {context}"
    foreign = {str(p.relative_to(ROOT)): bad for p in routers
               if (bad := _router_violations(CONTEXTS[context], _imported_modules(p)))}
    assert foreign == {}


def test_the_router_check_would_catch_a_violation():
    package = "services.nominations.scoring"
    assert _router_violations(package, ["services.nominations.scoring.store.rankings", "shared.audit",
                                        "services.nominations.voting.service", "services.nominations.registry_client"]) \
        == ["services.nominations.scoring.store.rankings", "shared.audit", "services.nominations.voting.service",
            "services.nominations.registry_client"]
    assert _router_violations(package, ["services.nominations.scoring.service.rankings", "shared.auth", "fastapi",
                                        "services.nominations.scoring.schemas"]) == []
