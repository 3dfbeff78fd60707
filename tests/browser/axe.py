"""axe-core in the browser tests: inject the npm package's axe.min.js into a page, run the
WCAG 2 A and AA rules, and report what it finds (issue #14; docs/accessibility.md).

The browser context must be created with ``bypass_csp=True``: our Content-Security-Policy
refuses inline scripts, and Playwright adds axe to the page as one. axe-core comes from
package.json (`npm ci`, run by `make install-dev`); without it the checks skip locally and fail
when REQUIRE_BROWSER is set (CI).
"""

import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
TAGS = ["wcag2a", "wcag2aa"]
BLOCKING = {"critical", "serious"}
# Two best-practice rules (moderate in axe's scale) that the site keeps too: one h1 a page and
# headings that go down one level at a time (issue #14).
ALSO_CHECKED = ["heading-order", "page-has-heading-one"]

# Markup of Wagtail's own admin that we cannot change from our templates, each with its reason
# (docs/accessibility.md, "Exclusions"). Only these elements are left out of the scan.
EXCLUDED = [
    # Draftail's editor: a contenteditable role=textbox whose name Wagtail gives through a
    # label outside the element's reach for axe (aria-input-field-name).
    ".Draftail-Editor [role=textbox]",
    # The editor's minimap: a list of links Wagtail renders as an unlabelled list
    # (list / listitem rules).
    ".w-minimap__list",
]


def axe_source() -> str:
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run `npm ci` (make install-dev)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    """The WCAG 2 A/AA violations (and ``ALSO_CHECKED``'s) axe-core finds on the page as it is
    now."""
    # Always ours: Wagtail's admin loads an older axe of its own for its checker.
    if page.evaluate("window.axe && window.axe.version") != AXE_VERSION:
        page.add_script_tag(content=axe_source())
    context = {"exclude": [[selector] for selector in (exclude or [])]}
    options = {
        "runOnly": {"type": "tag", "values": TAGS},
        "rules": {rule: {"enabled": True} for rule in ALSO_CHECKED},
        "resultTypes": ["violations"],
    }
    result = page.evaluate(
        "([context, options]) => axe.run(context.exclude.length ? context : document, options)",
        [context, options],
    )
    return result["violations"]


def blocking(violations: list[dict]) -> list[dict]:
    """The critical and serious violations, and those of ``ALSO_CHECKED``."""
    return [
        violation
        for violation in violations
        if violation["impact"] in BLOCKING or violation["id"] in ALSO_CHECKED
    ]


def describe(violations: list[dict]) -> str:
    """One line for each violation and up to five of its elements, for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{len(violation['nodes'])} element(s)] {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:200]}")
    return "\n".join(lines)


def assert_no_serious_violations(page, *, exclude: list[str] | None = None) -> None:
    found = blocking(axe_violations(page, exclude=exclude))
    assert not found, f"axe-core on {page.url}:\n{describe(found)}"
