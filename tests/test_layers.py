"""Who may import whom, read from the source with ``ast``: the ground floor
(``core/``) imports no feature, pages import no route handlers, and only
``cuakhau.sessions`` makes a session factory without the audit recorder."""

import ast
from collections.abc import Iterator
from pathlib import Path

import cuakhau

PACKAGE = Path(cuakhau.__file__).parent


def _modules(folder: Path) -> Iterator[tuple[str, str, ast.Module]]:
    """Each module under the folder: its name, its package, its syntax tree."""
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            name = package = ".".join(parts[:-1])
        else:
            name, package = ".".join(parts), ".".join(parts[:-1])
        yield name, package, ast.parse(path.read_text(encoding="utf-8"), str(path))


def imported(package: str, tree: ast.Module) -> set[str]:
    """Every module a module of this package imports, anywhere in it; ``from a
    import b`` names both ``a`` and ``a.b``, since ``b`` may be a module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _is_router(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == "router" or last.endswith("_router")


def test_the_checks_see_imports_of_every_kind() -> None:
    tree = ast.parse(
        "from cuakhau.investment import router as api\n"
        "def late():\n    import cuakhau.audit.recorder\n"
        "from . import sibling\n"
    )
    found = imported("cuakhau.web", tree)
    assert "cuakhau.investment.router" in found
    assert "cuakhau.audit.recorder" in found
    assert "cuakhau.web.sibling" in found
    assert _is_router("cuakhau.crossings.public_router")


def test_core_imports_no_feature() -> None:
    modules = list(_modules(PACKAGE / "core"))
    assert "cuakhau.core.database" in {module for module, _, _ in modules}
    offending = {
        module: sorted(
            name
            for name in imported(package, tree)
            if name.startswith("cuakhau.") and not name.startswith("cuakhau.core")
        )
        for module, package, tree in modules
    }
    assert {module: names for module, names in offending.items() if names} == {}


def test_pages_import_no_route_handlers() -> None:
    modules = list(_modules(PACKAGE / "web"))
    assert "cuakhau.web.gate" in {module for module, _, _ in modules}
    offending = {
        module: sorted(name for name in imported(package, tree) if _is_router(name))
        for module, package, tree in modules
    }
    assert {module: names for module, names in offending.items() if names} == {}


def test_only_the_audited_factory_makes_sessions() -> None:
    """``core.database.make_session_factory`` records no audit entries: the app,
    the CLI and the jobs take ``sessions.audited_session_factory`` instead."""
    callers = {
        module
        for module, _, tree in _modules(PACKAGE)
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id == "make_session_factory")
        or (isinstance(node, ast.Attribute) and node.attr == "make_session_factory")
        or (
            isinstance(node, ast.ImportFrom)
            and any(alias.name == "make_session_factory" for alias in node.names)
        )
    }
    assert callers == {"cuakhau.sessions"}
