"""The Welsh catalogue: the compiled .mo in the repository (so a fresh clone
or `pip install .` needs no gettext tools) says exactly what the .po says."""

import gettext
from pathlib import Path

import polib

import signme

LOCALE = Path(signme.__file__).parent / "locale"


def test_the_compiled_welsh_catalogue_matches_its_po_file():
    po = polib.pofile(LOCALE / "cy/LC_MESSAGES/django.po")
    with open(LOCALE / "cy/LC_MESSAGES/django.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    expected = {}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            for n, text in entry.msgstr_plural.items():
                expected[(entry.msgid, int(n))] = text
        else:
            expected[entry.msgid] = entry.msgstr
    compiled = {k: v for k, v in mo._catalog.items() if k != ""}
    assert compiled == expected, "run: msgfmt -o django.mo django.po (see the Makefile)"
    assert mo.plural(2) != mo.plural(3), "the .mo has lost Welsh plural forms"


def test_every_message_is_translated_into_welsh():
    po = polib.pofile(LOCALE / "cy/LC_MESSAGES/django.po")
    assert [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()] == []
