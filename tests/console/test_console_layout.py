"""The console's shape, read from its source (no browser): pages on one axis (one module per
feature), reads through the read modules, forms through typed models, no file over 500 lines."""
from __future__ import annotations

import ast
from pathlib import Path

from services.console.pages import PAGE_ROUTERS

CONSOLE = Path(__file__).resolve().parents[2] / "services" / "console"
PAGES = CONSOLE / "pages"
READS = ("get", "get_or_404", "get_optional")
# A file upload is multipart: the one handler that reads the raw form (its file part).
RAW_FORM_HANDLERS = {"upload"}


def _calls(path: Path) -> list[tuple[str, str, str]]:
    """(enclosing function, receiver, method) of every ``x.method(...)`` call in a module; a call of
    ``api.request("upstream", "GET", ...)`` counts as ``get``."""
    found: list[tuple[str, str, str]] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        isinstance(node.func.value, ast.Name):
                    method = node.func.attr
                    if method == "request" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                        method = str(node.args[1].value).lower()
                    found.append((fn.name, node.func.value.id, method))
    return found


def test_no_python_file_over_500_lines() -> None:
    long = {str(p.relative_to(CONSOLE)): n for p in CONSOLE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_pages_read_through_the_read_modules() -> None:
    direct = [(p.name, fn) for p in PAGES.glob("*.py") for fn, who, what in _calls(p)
              if who == "api" and what in READS]
    assert direct == []


def test_forms_are_read_by_typed_models() -> None:
    by_hand = [(p.name, fn) for p in PAGES.glob("*.py") for fn, who, what in _calls(p)
               if who == "request" and what == "form" and fn not in RAW_FORM_HANDLERS]
    assert by_hand == []


def test_every_page_module_is_a_router_of_its_own() -> None:
    modules = {r.routes[0].endpoint.__module__ for r in PAGE_ROUTERS if r.routes}
    assert modules == {f"services.console.pages.{p.stem}" for p in PAGES.glob("*.py") if p.stem != "__init__"}


def test_the_checks_would_catch_a_violation(tmp_path: Path) -> None:
    page = tmp_path / "bad.py"
    page.write_text("async def h(request, api):\n    form = await request.form()\n"
                    "    await api.request('nominations', 'GET', '/v1/awards')\n"
                    "    return await api.get('registry', '/v1/provinces')\n")
    assert _calls(page) == [("h", "request", "form"), ("h", "api", "get"), ("h", "api", "get")]
