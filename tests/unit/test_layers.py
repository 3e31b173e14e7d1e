"""Arrows point down only: cli → jobs → engine / immich / db; sim is imported by nobody.

Parses every module's imports with `ast`, so an upward import fails here before it
tangles the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "immkit"

# layer → the immkit layers it may import (besides itself and the leaf modules)
ALLOWED: dict[str, set[str]] = {
    "cli": {"redact", "jobs", "engine", "immich", "db", "daemon", "config", "errors", "sim"},
    "daemon": {"redact", "jobs", "engine", "immich", "db", "config", "errors"},
    "jobs": {"redact", "engine", "immich", "db", "errors"},
    "engine": {"redact", "errors"},
    "immich": {"redact", "errors"},
    "db": {"redact", "errors"},
    "config": {"redact", "errors"},
    "errors": set(),
    "redact": set(),
    "sim": set(),
}
# only the sandbox command may start the simulator
SIM_IMPORTERS = {"cli/sandbox.py", "cli/quickstart.py"}
MAX_LINES = 450


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if rel.parts else ""


def _immkit_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "immkit" and len(parts) > 1:
                found.add(parts[1])
    return found


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.name != "__main__.py")


def test_imports_point_down_only() -> None:
    violations = []
    for path in _modules():
        layer = _layer(path)
        if layer in ("__init__",):
            continue
        allowed = ALLOWED.get(layer)
        assert allowed is not None, f"{path}: layer {layer!r} is not in the layer map"
        for imported in _immkit_imports(path) - {layer}:
            rel = str(path.relative_to(SRC))
            if imported == "sim" and layer == "cli" and rel not in SIM_IMPORTERS:
                violations.append(f"{rel} imports immkit.sim (only {SIM_IMPORTERS} may)")
            elif imported not in allowed:
                violations.append(f"{rel} ({layer}) imports immkit.{imported}")
    assert not violations, "\n".join(violations)


def test_no_module_is_too_long() -> None:
    long = [
        f"{p.relative_to(SRC)}: {n} lines"
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES and p.suffix == ".py"
    ]
    assert not long, "split these by meaning:\n" + "\n".join(long)


def test_no_grab_bag_module_names() -> None:
    bad = {"utils.py", "helpers.py", "common.py", "misc.py"}
    found = [str(p.relative_to(SRC)) for p in _modules() if p.name in bad]
    assert not found, found


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from immkit.cli.main import app\nimport immkit.jobs.albums\n")
    assert _immkit_imports(module) == {"cli", "jobs"}
