"""Per-module mutation scores from mutmut's last run (`make mutation` prints this table).

    python scripts/mutation_report.py [module ...]

Reads `mutmut results --all true` (one `name: status` line per mutant, where the name starts
with the dotted module, e.g. `forum.visibility.x_can_see_topic__mutmut_3`) and prints one
Markdown row per module: killed, survived, no tests, timeouts and the share killed. A timeout
is NOT counted as killed: on a loaded machine a surviving mutant can run out of time too
(docs/mutation.md), so timeouts are shown apart, to be settled by hand (run the mutant's tests
with it applied) before they count either way. "No tests" and timeouts count against the score;
mutants not checked yet (an interrupted run) are counted apart and left out of the share. Exits
1 when a listed module is below TARGET.
"""

import re
import subprocess
import sys
from collections import Counter, defaultdict

TARGET = 0.90
LINE = re.compile(r"^\s*(?P<name>[\w.]+?)\.x\w*__mutmut_\d+: (?P<status>.+?)\s*$")


def scores(text: str) -> dict[str, Counter]:
    by_module: dict[str, Counter] = defaultdict(Counter)
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            by_module[match["name"]][match["status"]] += 1
    return by_module


def main(modules: list[str]) -> int:
    output = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_module = scores(output)
    print("| module | mutants | checked | killed | survived | no tests | timeout | killed % |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    below = []
    for module in modules or sorted(by_module):
        counts = by_module.get(module, Counter())
        mutants = sum(counts.values())
        total = mutants - counts["not checked"]
        killed = counts["killed"]
        share = killed / total if total else 0.0
        if share < TARGET:
            below.append(module)
        print(
            f"| `{module}` | {mutants} | {total} | {counts['killed']} | {counts['survived']} | "
            f"{counts['no tests']} | {counts['timeout']} | {share:.0%} |"
        )
        other = set(counts) - {"killed", "survived", "no tests", "timeout", "not checked"}
        if other:
            print(f"|  | other: {', '.join(f'{k} {counts[k]}' for k in sorted(other))} |")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
