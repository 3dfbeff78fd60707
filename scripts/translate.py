"""Fill translations into locale/zh_Hans from a JSON file of {msgid: msgstr} and recompile.

Usage: python scripts/translate.py FILE.json  — entries already translated are overwritten only
when FILE names them; fuzzy flags on named entries are cleared. Prints what is still missing.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"


def main(path: str) -> None:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    po = polib.pofile(str(CATALOGUE))
    po.metadata_is_fuzzy = False
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    for entry in po:
        # A key "context\u0004msgid" names an entry with that msgctxt (pgettext).
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if key in translations:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: translations[key]}
            else:
                entry.msgstr = translations[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
    po.save()
    po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    print("still missing:", json.dumps(missing, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
