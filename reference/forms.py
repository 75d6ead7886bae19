"""Reference forms (DSFR). They only collect and check input; the services write."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import cached_property

from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from reference.models import Measure
from reference.templatetags import form_widgets

# The templates whose HTML ``reference.templatetags.form_widgets`` writes in Python: each of
# them only calls its tag, so the renderer calls the tag itself, without the template language
# between (the context, the nodes: some 150 calls a field, 33 fields on a protocol's page).
_WRITTEN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{
        f"django/forms/widgets/{name}.html": lambda context: form_widgets.input_html(context["widget"])
        for name in (
            "input",
            "text",
            "hidden",
            "number",
            "date",
            "email",
            "password",
            "url",
            "tel",
            "search",
            "color",
            "time",
            "datetime",
        )
    },
    "django/forms/widgets/textarea.html": lambda context: form_widgets.textarea_html(context["widget"]),
    "dsfr/form_field_snippets/input_snippet.html": lambda context: form_widgets.dsfr_input_group(context["field"]),
    "forms/field_required_when.html": lambda context: form_widgets.required_when_group(context["field"]),
}
SELECT = "django/forms/widgets/select.html"


class FormRenderer(DsfrDjangoTemplates):
    """django-dsfr's form renderer, which also finds the project's form templates (``templates/forms``)."""

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        written = _WRITTEN.get(template_name)
        if written is not None:
            return written(context)
        if template_name == SELECT and not form_widgets.own_options(context["widget"]):
            return form_widgets.select_html(context["widget"])
        return super().render(template_name, context, request)

    @cached_property
    def engine(self) -> Any:
        import dsfr

        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(dsfr.__file__).resolve().parent / "templates",
                    Path(forms.__file__).resolve().parent / "templates",
                ],
                "NAME": "quartiers_forms",
                "OPTIONS": {},
            }
        )


# One renderer for every form of the product. django-dsfr's ``DsfrBaseForm`` gives each form a
# renderer of its own, and so a template engine of its own, which compiles the form templates
# again on every form rendered (a case page renders three: a tenth of its time).
RENDERER = FormRenderer()


# The HTML of the unbound forms that ask for it (``DsfrForm.rendered_once``), by form.
_RENDERED: dict[tuple[Any, ...], Any] = {}


class DsfrForm(DsfrBaseForm):
    """A DSFR form rendered by the product's one renderer."""

    default_renderer: Any = RENDERER
    #: The form's empty HTML is the same for every instance (fixed fields and choices, no initial
    #: value computed when it is built): written once per process, then reused. A case page
    #: shows three such forms (a document, a note, a message), a tenth of its rendering. A bound
    #: form (its values, its errors), or one given initial values, is always rendered.
    rendered_once = False

    def render(self, template_name: Any = None, context: Any = None, renderer: Any = None) -> Any:
        if not self.rendered_once or self.is_bound or self.initial or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        key = (type(self), self.prefix, self.auto_id, tuple(self.fields))
        html = _RENDERED.get(key)
        if html is None:
            html = _RENDERED[key] = super().render()
        return html

    # Django's forms bind these to their own ``render`` when the class is made: templates print
    # a form through ``__html__``.
    __str__ = render
    __html__ = render


# Every date field of the product: the browser's date picker, whose value is ISO (year-month-day)
# whatever the page's language; Django reads it back with DATE_INPUT_FORMATS.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureLevelForm(DsfrForm):
    level = forms.ChoiceField(label="Nouveau niveau d'avancement", choices=Measure.Level.choices)
    changed_on = forms.DateField(label="Date du changement", widget=DATE_INPUT, initial=datetime.date.today)
    comment = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False)
