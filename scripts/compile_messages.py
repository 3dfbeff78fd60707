"""Compile every catalogue (locale/, locale_vendor/ and each app's <app>/locale/) with polib.

The compiled catalogues are committed, so a fresh machine needs no gettext tools to show the
site in Chinese; tests/test_i18n.py fails when a .mo is out of date with its .po.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    vendored = ROOT.glob("locale_vendor/*/*/LC_MESSAGES/*.po")
    apps = [
        path
        for package in ("portal", "cms", "forum", "search")
        for path in (ROOT / package).glob("**/locale/*/LC_MESSAGES/*.po")
    ]
    for po_path in sorted([*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *vendored, *apps]):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
