"""Chinese first: every message in the catalogue is translated and compiled."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_is_a_chinese_catalogue():
    assert any(p.relative_to(ROOT).parts[0] != ".venv" for p in CATALOGUES)


@pytest.mark.parametrize(
    "po_path", [p for p in CATALOGUES if ".venv" not in p.parts], ids=str
)
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == [], f"untranslated in {po_path}: {missing[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is not compiled"
    # Keyed by (context, msgid): one English word may have several meanings (pgettext).
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    stale = [e.msgid for e in po
             if not e.obsolete and mo.get((e.msgctxt, e.msgid)) != e.msgstr and e.msgstr]
    assert stale == [], f"{mo_path} is older than its .po: {stale[:5]}"
