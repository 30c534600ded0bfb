"""What a photo's two "Generovat" forms post, read as text for processing to validate.

The fields only take the posted text (trimmed; missing means empty) and never reject
it: the bounds, the choices and their Czech messages are processing's
(`coloring_settings_validate`, `svg_settings_validate`, run by the services), so a form
can neither accept what the service refuses nor word an error differently. The card
shows the service's `ProcessingValidationError.errors` next to these fields.
"""

from __future__ import annotations

from django import forms


def _text() -> forms.CharField:
    return forms.CharField(required=False)


class ColoringSettingsForm(forms.Form):
    megapixels = _text()
    steps = _text()


class SvgSettingsForm(forms.Form):
    shape_stacking = _text()
    group_by = _text()


def settings_read(form: forms.Form) -> dict[str, str]:
    """The form's settings by field name, as posted (the fields above cannot fail)."""
    form.full_clean()
    return {name: form.cleaned_data.get(name, "") for name in form.fields}
