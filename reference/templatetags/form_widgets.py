"""The ``<option>``s of a form's lists, its inputs and DSFR input groups, written in Python.

Django renders each option of a ``<select>`` through two templates of its own
(``select_option.html``, ``attrs.html``): some 350 Python calls an option. The commitments of a
protocol each offer the 40 measures' indicators (annex 2 of the circular), four rows of them on
the protocol's page: half of that page's work (benchmarks/RESULTS.md). The product's form
renderer (``reference.forms.RENDERER``) reads ``templates/django/forms/widgets/select.html``,
which writes the options with ``{% optgroups widget %}``: the same HTML as Django's templates,
character for character (``tests/reference/test_form_widgets.py`` compares them).

The same holds for every field of a form: Django writes an ``<input>`` through two templates
(``input.html`` and ``attrs.html``, some 400 calls), django-dsfr its input group (label, hint,
widget, errors) through ``input_snippet.html`` (some 500 more): the protocol's task page, with its
commitments, spent 45,000 of its 57,000 calls rendering fields (benchmarks/RESULTS.md, tenth
pass). The product's templates of the same names (``templates/django/forms/widgets/``,
``templates/dsfr/form_field_snippets/input_snippet.html``, ``templates/forms/field_required_when.html``)
call the tags below, which write what those templates wrote, in the same order (django-dsfr's
``dsfr_input_class_attr`` sets the widget's class while the group is written).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

register = template.Library()

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def html_attrs(attrs: Mapping[str, Any]) -> str:
    """What ``django/forms/widgets/attrs.html`` writes: `` name="value"``, `` name`` for True,
    nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _as_string(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``%s`` (a safe string loses its mark), escaped."""
    return conditional_escape("%s" % value)  # noqa: UP031 - stringformat's own formatting


def option_html(value: Any, label: Any, attrs: Mapping[str, Any]) -> str:
    """One ``<option>``, as ``select_option.html`` writes it."""
    return f'<option value="{_as_string(value)}"{html_attrs(attrs)}>{conditional_escape(label)}</option>'


@register.simple_tag(takes_context=True)
def optgroups(context: template.Context, widget: Mapping[str, Any]) -> SafeString:
    """The inside of ``<select>``: ``widget.optgroups``, as Django's ``select.html`` loops over
    them. An option of another template (a widget of its own) is rendered by that template."""
    return options_html(widget, context)


def options_html(widget: Mapping[str, Any], context: template.Context | None) -> SafeString:
    parts: list[str] = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] == OPTION_TEMPLATE:
                # select_option.html ends with a new line
                parts.append(f"\n  {option_html(option['value'], option['label'], option['attrs'])}\n")
            else:
                assert context is not None, "an option of a template of its own is written by that template"
                own = context.template.engine.get_template(option["template_name"])  # type: ignore[union-attr]
                with context.push(widget=option):
                    parts.append(f"\n  {own.render(context)}")
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 (every value, label and attribute escaped)


@register.simple_tag
def widget_attrs(widget: Mapping[str, Any]) -> SafeString:
    """``{% include "django/forms/widgets/attrs.html" %}``."""
    return mark_safe(html_attrs(widget["attrs"]))  # noqa: S308 (escaped by html_attrs)


@register.simple_tag
def input_html(widget: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/input.html`` (text, number, date, e-mail, hidden…)."""
    value = widget["value"]
    shown = f' value="{_as_string(value)}"' if value is not None else ""
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{html_attrs(widget['attrs'])}>"
    )


@register.simple_tag
def textarea_html(widget: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/textarea.html``."""
    value = widget["value"]
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<textarea name="{conditional_escape(widget["name"])}"{html_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _group_class(field: BoundField) -> str:
    """``{{ field.field.widget.group_class|default:'fr-input-group' }}`` and its modifiers, read
    before the widget is written (django-dsfr sets ``group_class`` while writing it)."""
    group = conditional_escape(getattr(field.field.widget, "group_class", None) or "fr-input-group")
    return (
        group
        + (f" {group}--error" if field.errors else "")
        + (" fr-input-group--disabled" if field.field.disabled else "")
    )


def _widget_and_errors(field: BoundField) -> str:
    """The end of both groups: the widget with django-dsfr's class, then the errors."""
    widget = conditional_escape(dsfr_input_class_attr(field))
    errors = (
        f'\n    <div id="{conditional_escape(field.auto_id)}-desc-error">\n'
        f"      {conditional_escape(str(field.errors))}\n    </div>\n  "
        if field.errors
        else ""
    )
    return f"  {widget}\n  {errors}\n</div>"


def own_options(widget: Mapping[str, Any]) -> bool:
    """Whether one of the list's options has a template of its own (written by that template)."""
    return any(
        option["template_name"] != OPTION_TEMPLATE
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


def select_html(widget: Mapping[str, Any]) -> SafeString:
    """``templates/django/forms/widgets/select.html``, for a list whose options are Django's own
    (``own_options``)."""
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<select name="{conditional_escape(widget["name"])}"{html_attrs(widget["attrs"])}>'
        f"{options_html(widget, None)}\n</select>"
    )


@register.simple_tag
def dsfr_input_group(field: BoundField) -> SafeString:
    """django-dsfr's ``dsfr/form_field_snippets/input_snippet.html``: label, required marker,
    hint, the widget with its DSFR class, the errors."""
    group = _group_class(field)
    label_for = conditional_escape(field.id_for_label)
    mark = conditional_escape(dsfr_mark_optionnal_fields(field))
    hint = (
        f'\n      <span class="fr-hint-text" id="{label_for}_helptext">{field.help_text}</span>\n    '
        if field.help_text
        else ""
    )
    return mark_safe(  # noqa: S308 (every value escaped; the help text is HTML, as in the template)
        f'<div class="{group}">\n  <label for="{label_for}" class="fr-label">\n    \n'
        f"    {conditional_escape(field.label)}{mark}\n    {hint}\n    \n  </label>\n" + _widget_and_errors(field)
    )


@register.simple_tag
def required_when_group(field: BoundField) -> SafeString:
    """``templates/forms/field_required_when.html``'s group: no required marker, the hint says
    when the field is required (``workflows.cases.forms``)."""
    group = _group_class(field)
    label_for = conditional_escape(field.id_for_label)
    hint = f'<span class="fr-hint-text" id="{label_for}_helptext">{field.help_text}</span>' if field.help_text else ""
    return mark_safe(  # noqa: S308 (every value escaped; the help text is HTML, as in the template)
        f'<div class="{group}">\n  <label for="{label_for}" class="fr-label">\n'
        f"    {conditional_escape(field.label)}\n    {hint}\n  </label>\n" + _widget_and_errors(field)
    )
