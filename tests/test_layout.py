"""The layout shows the architecture (DESIGN.md, "Layout"): arrows point one way.

- no import circles between our modules, counting imports inside functions too;
- the members' domain (``portal.members``) imports nothing from ``forum``, ``cms``, ``search``
  or another club domain: they depend on it, not it on them;
- no domain imports the project shell (``portal.settings``, ``portal.urls``, the middleware,
  the error views): the shell imports the domains.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "cms", "forum", "search")
# The project shell: modules directly in portal/ plus its settings and page cache.
SHELL = ("portal.settings", "portal.urls", "portal.wsgi", "portal.asgi", "portal.middleware",
         "portal.errors", "portal.views", "portal.context_processors", "portal.bench",
         "portal.pagecache")  # fmt: skip
# Club domains under portal/ besides members; the load-data tool may import every area.
DOMAINS = ("portal.members", "portal.activities", "portal.surveys", "portal.campaigns",
           "portal.messaging", "portal.outbox", "portal.rewards")  # fmt: skip


def module_files() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            name = ".".join(relative.with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    modules = module_files()

    def resolve(target: str) -> str | None:
        parts = target.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in modules:
                return candidate
        return None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    prefix = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*prefix, base] if base else prefix)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for target in targets:
                resolved = resolve(target)
                if resolved and resolved != name:
                    graph[name].add(resolved)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def in_area(module: str, area: str) -> bool:
    return module == area or module.startswith(area + ".")


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_members_domain_depends_on_no_other_area():
    others = ("forum", "cms", "search", *[d for d in DOMAINS if d != "portal.members"], *SHELL)
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if in_area(module, "portal.members")
        for target in targets
        if any(in_area(target, area) for area in others)
    )
    assert wrong == []


def test_no_area_imports_the_project_shell():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if not any(in_area(module, area) for area in (*SHELL, "portal.loaddata"))
        and module != "portal"
        for target in targets
        if any(in_area(target, area) for area in SHELL)
    )
    assert wrong == []


def test_the_checks_see_a_planted_circle(tmp_path):
    """Positive control: the cycle finder finds a two-module circle and a longer one."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}

    assert sorted(cycles(graph)) == [["a", "b"], ["c", "d", "e"]]
