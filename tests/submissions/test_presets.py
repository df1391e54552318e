import pytest
from django.core.management import CommandError, call_command

from signme.petitions.models import Target
from signme.petitions.presets import all_presets, apply_preset


def test_every_preset_says_when_its_facts_were_checked_and_where_from():
    presets = {p.slug: p for p in all_presets()}
    assert {"norfolk-county-council", "norwich-city-council", "south-norfolk-council",
            "north-norfolk-district-council"} <= set(presets)  # fmt: skip
    for preset in presets.values():
        assert preset.checked_on.year >= 2026
        assert preset.data["scheme_url"].startswith("https://")
    assert presets["norwich-city-council"].data["minimum_signatures"] == 50
    assert presets["south-norfolk-council"].data["minimum_signatures"] == 10
    assert [t["count"] for t in presets["north-norfolk-district-council"].data["thresholds"]] == [
        1500
    ]


def test_loading_a_preset_replaces_the_scheme_and_its_thresholds(petition):
    target = apply_preset(petition.target, "norwich-city-council")
    target.refresh_from_db()
    assert target.name == "Norfolk County Council"  # the name is the organiser's
    assert target.minimum_signatures == 50
    assert target.preset == "norwich-city-council"
    assert list(target.thresholds.values_list("count", flat=True)) == [50]


def test_the_command_creates_a_target_from_a_preset(db, capsys):
    call_command("load_preset", "south-norfolk-council")
    target = Target.objects.get(name="South Norfolk Council")
    assert target.minimum_signatures == 10
    assert "now follows the preset south-norfolk-council" in capsys.readouterr().out


def test_an_unknown_preset_is_refused_and_nothing_changes(petition):
    before = list(Target.objects.values())
    with pytest.raises(CommandError, match="No preset called 'atlantis'"):
        call_command("load_preset", "atlantis", target=petition.target.pk)
    assert list(Target.objects.values()) == before
