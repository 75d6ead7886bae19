"""The ``<option>``s of a form's lists, written in Python.

Django renders each option of a ``<select>`` through two templates of its own
(``select_option.html``, ``attrs.html``): some 350 Python calls an option. The commitments of a
protocol each offer the 40 measures' indicators (annex 2 of the circular), four rows of them on
the protocol's page: half of that page's work (benchmarks/RESULTS.md). The product's form
renderer (``reference.forms.RENDERER``) reads ``templates/django/forms/widgets/select.html``,
which writes the options with ``{% optgroups widget %}``: the same HTML as Django's templates,
character for character (``tests/reference/test_form_widgets.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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
    parts: list[str] = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] == OPTION_TEMPLATE:
                # select_option.html ends with a new line
                parts.append(f"\n  {option_html(option['value'], option['label'], option['attrs'])}\n")
            else:
                own = context.template.engine.get_template(option["template_name"])  # type: ignore[union-attr]
                with context.push(widget=option):
                    parts.append(f"\n  {own.render(context)}")
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 (every value, label and attribute escaped)
