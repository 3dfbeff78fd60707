from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_compiled_catalogues_match_their_sources():
    po_files = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
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
    catalogue = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))

    assert catalogue.untranslated_entries() == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
