from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
VENDORED = sorted(ROOT.glob("locale_vendor/*/zh_Hans/LC_MESSAGES/django.po"))
# An app may keep its own catalogue beside its code (Django finds <app>/locale by itself).
APP_CATALOGUES = sorted(
    path
    for package in ("portal", "cms", "forum", "search")
    for path in (ROOT / package).glob("**/locale/*/LC_MESSAGES/django.po")
)


def test_compiled_catalogues_match_their_sources():
    po_files = sorted(LOCALE.glob("*/LC_MESSAGES/django.po")) + VENDORED + APP_CATALOGUES
    assert po_files, "no catalogues found"
    for po_path in po_files:
        source = {
            (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(po_path)).translated_entries()
        }
        compiled = {
            (e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(po_path.with_suffix(".mo")))
        }
        compiled.pop((None, ""), None)
        assert source == compiled, f"{po_path} is newer than its .mo: run `make compilemessages`"


def test_chinese_catalogue_is_complete():
    assert VENDORED, "machina's vendored catalogue is missing"
    zh_apps = [path for path in APP_CATALOGUES if "/zh_Hans/" in path.as_posix()]
    for po_path in [LOCALE / "zh_Hans/LC_MESSAGES/django.po", *VENDORED, *zh_apps]:
        catalogue = polib.pofile(str(po_path))

        assert catalogue.untranslated_entries() == [], po_path
        assert [e.msgid for e in catalogue.fuzzy_entries()] == [], po_path
