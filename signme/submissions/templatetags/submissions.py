from django import forms, template

register = template.Library()


@register.simple_tag
def error_list(*forms):
    """(field id, message) pairs for the error summary, across forms and formsets."""
    found = []
    for form in forms:
        subforms = list(form) if hasattr(form, "management_form") else [form]
        if hasattr(form, "non_form_errors"):
            found += [("", e) for e in form.non_form_errors()]
        for f in subforms:
            for e in f.non_field_errors():
                found.append(("", e))
            for name, errors in f.errors.items():
                if name == "__all__":
                    continue
                for e in errors:
                    found.append((_first_box(f[name]), e))
    return found


def _first_box(bound) -> str:
    """The id an error links to: the first box of a group (the day of a date,
    the first radio), as GOV.UK links them."""
    if isinstance(bound.field.widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id
