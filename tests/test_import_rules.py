"""The layers of the project and a size limit on functions, read from the source with `ast`.

Layers point down only: the interface (the project package `fotomalovanky`, each app's
admin and management commands) → `shopify_sync`, `processing` → `orders` → `common`,
which imports no app. Every import counts: module-level, inside functions, under
`TYPE_CHECKING`, and relative ones resolved to absolute names. The checks are plain
functions of a root folder, so the same code runs on the project and on the fake tree in
tests/fixtures/import_rules/, which holds one deliberate violation of each rule.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "import_rules"

# The product code the rules read; tests/, benchmarks/ and migrations are not product code.
PACKAGES = ("common", "orders", "processing", "shopify_sync", "fotomalovanky")
DOMAIN = ("common", "orders", "processing", "shopify_sync")
APPS = ("orders", "processing", "shopify_sync", "fotomalovanky")
INTERFACE = ("fotomalovanky",)  # the project roof: web/, api/, settings, urls, asgi, celery
MAX_FUNCTION_LINES = 50


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "processing.services.versions"
    path: Path  # relative to the root
    line: int
    target: str  # an absolute module name, e.g. "processing.tasks"


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> Iterator[Path]:
    """Every .py file of the packages under root, migrations left out, as paths from root."""
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" not in relative.parts:
                yield relative


def resolve(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """The absolute name of `from <level dots><name> import ...` written in `module`."""
    if level == 0:
        return name
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(parts) - 1:
        return None  # beyond the top-level package: Python refuses it too
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)


def is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


def imports_of(root: Path, relative: Path) -> Iterator[Import]:
    """Each module a file imports. `from a import b` counts as importing `a.b` when that is
    a module under root (`from processing import tasks`), otherwise as importing `a`."""
    module = module_name(relative)
    is_package = relative.name == "__init__.py"
    tree = ast.parse((root / relative).read_text(encoding="utf-8"), filename=str(relative))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, relative, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(module, is_package, node.level, node.module)
            if base is None or base == "__future__":
                continue
            names = [f"{base}.{alias.name}" for alias in node.names]
            submodules = [name for name in names if is_module(root, name)]
            for target in submodules if len(submodules) == len(names) else [base, *submodules]:
                yield Import(module, relative, node.lineno, target)


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)


def is_interface_code(module: str) -> bool:
    """An app's admin and management commands belong to the interface layer."""
    parts = module.split(".")
    return parts[1:2] == ["admin"] or parts[1:3] == ["management", "commands"]


def is_services(module: str) -> bool:
    return module.split(".")[1:2] == ["services"]


def is_tasks(target: str) -> bool:
    parts = target.split(".")
    return parts[0] in PACKAGES and parts[1:2] == ["tasks"]


@dataclass(frozen=True)
class Rule:
    name: str
    text: str
    applies_to: Callable[[str], bool]  # the importing module
    forbids: Callable[[str], bool]  # the imported module


ORDERS_CORE = ("orders.models", "orders.services", "orders.selectors", "orders.signals")

RULES = (
    Rule(
        "domain-imports-no-interface",
        "domain apps and common import nothing from the project package `fotomalovanky` "
        "(web/, api/, settings, …); admin and management commands are interface code",
        lambda m: within(m, DOMAIN) and not is_interface_code(m),
        lambda t: within(t, INTERFACE),
    ),
    Rule(
        "common-imports-no-app",
        "common imports no project app",
        lambda m: within(m, ("common",)),
        lambda t: within(t, APPS),
    ),
    Rule(
        "services-import-no-tasks",
        "services enqueue by task name (common.queueing), never by importing a tasks module",
        is_services,
        is_tasks,
    ),
    Rule(
        "orders-core-imports-no-sibling-app",
        "orders' models, services, selectors and signals import neither processing "
        "nor shopify_sync",
        lambda m: within(m, ORDERS_CORE),
        lambda t: within(t, ("processing", "shopify_sync")),
    ),
    Rule(
        "orders-imports-no-sibling-app",
        "nothing in orders but its admin and management commands imports processing "
        "or shopify_sync",
        lambda m: within(m, ("orders",)) and not is_interface_code(m),
        lambda t: within(t, ("processing", "shopify_sync")),
    ),
)


@dataclass(frozen=True)
class Violation:
    rule: str
    module: str
    target: str
    where: str  # path:line

    def __str__(self) -> str:
        return f"{self.where}: {self.module} imports {self.target} [{self.rule}]"


def import_rule_violations(root: Path, rules: tuple[Rule, ...] = RULES) -> list[Violation]:
    """Every import under root that breaks one of the rules, once per (rule, line, target)."""
    found: dict[tuple[str, str, str], Violation] = {}
    for relative in product_modules(root):
        for imp in imports_of(root, relative):
            for rule in rules:
                if rule.applies_to(imp.module) and rule.forbids(imp.target):
                    where = f"{imp.path}:{imp.line}"
                    found.setdefault(
                        (rule.name, where, imp.target),
                        Violation(rule.name, imp.module, imp.target, where),
                    )
    return sorted(found.values(), key=lambda v: (v.rule, v.where, v.target))


def long_functions(root: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions and methods longer than limit lines, from the `def` line to the body's end."""
    found = []
    for relative in product_modules(root, (*PACKAGES, "bin")):
        tree = ast.parse((root / relative).read_text(encoding="utf-8"), filename=str(relative))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append(f"{relative}:{node.lineno}: {node.name} has {length} lines")
    return sorted(found)


def checked_modules(rule: Rule, root: Path = BASE_DIR) -> list[str]:
    return [m for m in map(module_name, product_modules(root)) if rule.applies_to(m)]


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_product_code_follows_the_import_rule(rule: Rule) -> None:
    checked = checked_modules(rule)
    assert checked, f"{rule.name} checks no module: did the tree move?"
    violations = [str(v) for v in import_rule_violations(BASE_DIR, (rule,))]
    heading = f"{rule.text} ({len(checked)} modules read):"
    assert violations == [], "\n".join([heading, *violations])


def test_no_product_function_is_longer_than_the_limit() -> None:
    offenders = long_functions(BASE_DIR)
    assert offenders == [], f"over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(offenders)


def test_it_reports_each_deliberate_violation_in_the_fixture_tree() -> None:
    found = {(v.rule, v.module, v.target) for v in import_rule_violations(FIXTURE)}

    assert found == {
        # A relative import, one under TYPE_CHECKING and one inside a function.
        ("services-import-no-tasks", "processing.services.bad", "processing.tasks"),
        ("services-import-no-tasks", "processing.services.bad", "shopify_sync.tasks"),
        ("domain-imports-no-interface", "processing.services.bad", "fotomalovanky.web.live"),
        # `from .. import tasks` in a services package's __init__.
        ("services-import-no-tasks", "shopify_sync.services", "shopify_sync.tasks"),
        ("orders-core-imports-no-sibling-app", "orders.models", "processing.models"),
        ("orders-imports-no-sibling-app", "orders.models", "processing.models"),
        ("orders-imports-no-sibling-app", "orders.views", "shopify_sync.services"),
        ("common-imports-no-app", "common.x", "orders"),
        ("common-imports-no-app", "common.x", "fotomalovanky.settings"),
        ("domain-imports-no-interface", "common.x", "fotomalovanky.settings"),
    }
    # orders/admin.py and a management command import anything; migrations are not read.


def test_it_reports_functions_over_the_limit_and_not_at_it() -> None:
    assert long_functions(FIXTURE) == ["common/sizes.py:53: too_long has 51 lines"]


def test_relative_imports_resolve_like_python() -> None:
    assert resolve("processing.services.bad", False, 1, "state") == "processing.services.state"
    assert resolve("processing.services.bad", False, 2, None) == "processing"
    assert resolve("processing.services", True, 1, "state") == "processing.services.state"
    assert resolve("processing.services", True, 2, "tasks") == "processing.tasks"
    assert resolve("processing", True, 2, "x") is None
