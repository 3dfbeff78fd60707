"""Mutation-test one listed module at a time, each against its own narrow test selection.

    python scripts/mutation_run.py MODULE [MODULE ...]     # `make mutation` calls this

mutmut reads one configuration (`[tool.mutmut]` in pyproject.toml) and a change to the test
selection throws away every cached result. Each module therefore runs in its own copy of the
tree, `var/mutation/<module>/`, whose pyproject names only that module and the tests listed
for it under `[tool.mutation.modules."<module>"]`:

    tests     = the test files that reach the module (required)
    functions = mutant name globs, when only the module's rule functions are mutated

The copy keeps its `mutants/` between runs, so a second run only re-tests what changed (not for
a module narrowed by `functions`: mutmut re-runs named mutants every time). Each
module keeps its own SQLite test database (`var/mutation/<module>/tests.sqlite3`, `--reuse-db`),
copied from the first migrated one (`var/mutation-tests.sqlite3`), so no run pays for the
migrations again and two modules may run at once in two shells. Prints the per-module table
(scripts/mutation_report.py).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["portal", "forum", "cms", "search", "themes", "locale", "locale_vendor", "tests"]
COPIED_FILES = ["manage.py"]


def _toml_table(name: str, table: dict) -> str:
    # JSON strings, lists and booleans are valid TOML values for the flat tables used here.
    lines = [f"[{name}]"]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def workdir_prepare(module: str, config: dict) -> tuple[Path, dict]:
    listed = config["tool"]["mutation"]["modules"]
    if module not in listed:
        raise SystemExit(f"{module} is not listed under [tool.mutation.modules] in pyproject.toml")
    entry = listed[module]
    workdir = ROOT / "var" / "mutation" / module
    workdir.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        subprocess.run(
            ["rsync", "-a", "--delete", "--exclude", "__pycache__", f"{ROOT / name}/", name + "/"],
            cwd=workdir,
            check=True,
        )
    for name in COPIED_FILES:
        shutil.copy2(ROOT / name, workdir / name)
    mutmut = dict(config["tool"]["mutmut"])
    mutmut["only_mutate"] = [module.replace(".", "/") + ".py"]
    mutmut["pytest_add_cli_args_test_selection"] = entry["tests"]
    pyproject = _toml_table("tool.pytest.ini_options", config["tool"]["pytest"]["ini_options"])
    pyproject += "\n" + _toml_table("tool.mutmut", mutmut)
    path = workdir / "pyproject.toml"
    if not path.exists() or path.read_text() != pyproject:
        path.write_text(pyproject)
    return workdir, entry


def test_database_prepare(workdir: Path) -> Path:
    """This module's kept SQLite test database, first copied from the shared migrated one.

    One file per module, so two modules may run at once (`make mutation` runs one after the
    other; a second `scripts/mutation_run.py OTHER` in another shell may run beside it) without
    one's tests locking the other's database; copied (SQLite's backup, safe while another run
    uses the source) so no module pays for the migrations again once one run has made them.
    """
    database = workdir / "tests.sqlite3"
    shared = ROOT / "var" / "mutation-tests.sqlite3"
    if not database.exists():
        if shared.exists():
            with sqlite3.connect(shared) as source, sqlite3.connect(database) as copy:
                source.backup(copy)
        else:  # the first run of all migrates here; later modules copy from it
            return shared
    return database


def main(modules: list[str]) -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    modules = modules or list(config["tool"]["mutation"]["modules"])
    python = sys.executable
    env = dict(os.environ, PYTHONPATH="")
    status = 0
    for module in modules:
        workdir, entry = workdir_prepare(module, config)
        env["TEST_SQLITE_NAME"] = str(test_database_prepare(workdir))
        # Named mutants are always re-run; with no names mutmut keeps its cached results (the
        # copy mutates this module only), so a second run re-tests only what changed.
        patterns = [f"{module}.{pattern}" for pattern in entry.get("functions", [])]
        print(f"== mutating {module} ({', '.join(entry['tests'])})", flush=True)
        subprocess.run(
            [python, "-m", "mutmut", "run", "--max-children", "1", *patterns],
            cwd=workdir,
            env=env,
            check=True,
        )
        report = subprocess.run(
            [python, str(ROOT / "scripts" / "mutation_report.py"), module], cwd=workdir, env=env
        )
        status = status or report.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
