"""The house rules read from the code's own imports: no import circle among the
project's modules (type-checking imports included: a circle there is one a refactor
turns real), and the library ``opdb`` never imports the daemon."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("opdb", "daemon")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def import_graph() -> dict[str, set[str]]:
    """module -> the project's modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from daemon.ingest import writer` takes the module daemon.ingest.writer;
                # the package itself counts only for names that are not modules (its
                # __init__ runs either way, but that is the package's face, not a tie).
                names = [f"{base}.{alias.name}" for alias in node.names]
                targets.update(names)
                if any(name not in modules for name in names):
                    targets.add(base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def circles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle() -> None:
    assert circles(import_graph()) == []


def test_the_library_never_imports_the_daemon() -> None:
    offenders = {
        module: sorted(t for t in targets if t.split(".")[0] == "daemon")
        for module, targets in import_graph().items()
        if module.split(".")[0] == "opdb"
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_circle_check_sees_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_type_checking_and_package_imports() -> None:
    graph = import_graph()
    assert "daemon.ingest.messages" in graph["daemon.ingest.consumer"]
    assert "daemon.ingest.writer" in graph["daemon.ingest.receipts"]  # under TYPE_CHECKING


_TOOLS = (
    "daemon.dev.bench",
    "daemon.dev.demo",
    "daemon.ops.dlq",
    "daemon.ops.journal",
    "daemon.ops.visit",
)
_ACTOR_SIDE = ("opdb.simulate", "opdb.publish")


def _loaded_after(argv: list[str]) -> set[str]:
    """The tool and actor-side modules a fresh interpreter holds once the CLI parsed
    ``argv`` (and, for ``run``, the service it starts is imported)."""
    code = (
        "import sys; from daemon import cli; argv = sys.argv[1:];"
        "cli.build_parser(argv).parse_args(argv);"
        "import daemon.ingest.service; print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    return set(done.stdout.split()) & {*_TOOLS, *_ACTOR_SIDE}


def test_run_loads_the_ingest_path_alone() -> None:
    assert _loaded_after(["run"]) == set()


def test_a_tool_command_loads_its_own_module_only() -> None:
    assert _loaded_after(["dlq", "list"]) == {"daemon.ops.dlq"}


def test_help_still_lists_every_command() -> None:
    from daemon import cli

    text = cli.build_parser(["--help"]).format_help()
    for name in [*cli.TOOL_COMMANDS, "run", "migrate", "maintenance", "status", "db"]:
        assert name in text, name


def test_the_ingest_path_never_imports_the_tools() -> None:
    offenders = {
        module: sorted(t for t in targets if t.startswith(("daemon.ops", "daemon.dev")))
        for module, targets in import_graph().items()
        if module.startswith("daemon.ingest")
    }
    assert {m: t for m, t in offenders.items() if t} == {}
