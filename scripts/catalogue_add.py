"""Add or update Simplified Chinese translations in an app's own catalogue, then compile it.

Usage: python scripts/catalogue_add.py APP_DIR FILE.json
  e.g. python scripts/catalogue_add.py portal/activities translations.json

FILE.json maps msgid to msgstr ({"Sign up": "报名"}); a key "context\\u0004msgid" is an entry
with that msgctxt (pgettext), and a list value ["singular", "plural"] as key is not supported:
for ngettext use the msgid with the plural in "msgid_plural" form {"msgid": ..., "plural": ...,
"msgstr": ...} as the value of the singular key. The catalogue is APP_DIR/locale/zh_Hans/
LC_MESSAGES/django.po (created when missing); Django loads it because APP_DIR is an installed
app. Keeping each app's strings beside it lets apps be worked on side by side.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogue_for(app_dir: Path) -> polib.POFile:
    path = app_dir / "locale/zh_Hans/LC_MESSAGES/django.po"
    if path.exists():
        return polib.pofile(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.POFile()
    po.fpath = str(path)
    po.metadata = {
        "Project-Id-Version": "kehuhui-portal",
        "Language": "zh_Hans",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    return po


def main(app_dir: str, json_path: str) -> None:
    po = catalogue_for(ROOT / app_dir)
    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    for key, value in translations.items():
        msgctxt, _sep, msgid = key.rpartition("\x04")
        plural = None
        if isinstance(value, dict):
            plural, value = value["plural"], value["msgstr"]
        entry = po.find(msgid, msgctxt=msgctxt or False)
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgctxt=msgctxt or None)
            po.append(entry)
        if plural is not None:
            entry.msgid_plural = plural
            entry.msgstr_plural = {0: value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.sort(key=lambda e: (e.msgctxt or "", e.msgid))
    po.save()
    po.save_as_mofile(str(Path(po.fpath).with_suffix(".mo")))
    print(f"{po.fpath}: {len(po)} entries, {len(po.untranslated_entries())} untranslated")


if __name__ == "__main__":
    main(*sys.argv[1:])
