"""The photo's forms read what was posted; every rule and message stays processing's."""

from __future__ import annotations

from fotomalovanky.web.forms import ColoringSettingsForm, SvgSettingsForm, settings_read


def test_the_colouring_form_reads_its_fields_trimmed_and_missing_ones_as_empty() -> None:
    form = ColoringSettingsForm({"megapixels": " 2.5 ", "other": "x"})

    assert settings_read(form) == {"megapixels": "2.5", "steps": ""}


def test_the_svg_form_passes_even_an_unknown_value_on_for_processing_to_judge() -> None:
    form = SvgSettingsForm({"shape_stacking": "none", "group_by": "layer"})

    assert settings_read(form) == {"shape_stacking": "none", "group_by": "layer"}
