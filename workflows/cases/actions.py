"""A case's action buttons, for every kind whose page offers its transitions as buttons (the PAQTE
cases, the annual synthesis): read from the kind's transition table, run by the kernel's runner,
refused in French with nothing lost.

- ``available_actions``: the transitions of the case's state the user holds the right for (guards
  are checked when posted, so that a refusal says why). Each button's form asks what its table
  entry asks (a signature date, a required comment, ``ActionCommentForm``) and posts the state
  the page showed (« etat », the runner's ``seen_state``: a case moved meanwhile is refused).
  Template: ``workflows/partials/case_actions.html``.
- ``case_action``: a button posted. Refused (a guard, a missing reason, a state moved), the
  reasons are the page's message and what was typed (the comment, the date asked) is kept in the
  session for the case's page (post/redirect/get, ``typed_keep``), whose form shows it again
  with its error, once. ``posted_keep`` / ``posted_pop`` do the same for any form of a case's
  page (a PAQTE référent, a member, an objective).
- ``refusable``: any write of a case's page whose refusal is a ``CaseRefused`` (the kind's
  error), a ``ValidationError`` or a concurrent change: the message, and None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape

from django_fsm import ConcurrentTransition

from notifications.campaign import campaign_today
from reference.forms import DATE_INPUT
from workflows.cases.forms import CaseForm
from workflows.cases.registry import CaseRefused, kind_of
from workflows.cases.runner import available_transitions, transition_run

SEEN_STATE = "etat"  # the hidden field of each button's form: the state its page showed
TYPED = "case-typed"  # session keys of what was typed in a form refused (``posted_keep``)
CSRF_FIELD = "csrfmiddlewaretoken"


class ActionCommentForm(CaseForm):
    """The comment of a transition whose table requires one (a return, a termination).

    Required for its button only (the form is that button's), as the decision screens' comment:
    the hint says so (``CaseForm.required_when``, never « (Optionnel) ») and the server refuses it
    in French, « Ce champ est obligatoire. » beside it and the runner's refusal as the page's
    message, with what was typed (``case_action``). No native ``required``: the browser's bubble,
    in the browser's language, would come before the French explanation; ``aria-required`` still
    says it to assistive technologies."""

    comment = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}))
    required_when = {"comment": "Obligatoire pour cette action."}

    def __init__(self, *args: Any, action: str = "", readers: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        if action:  # several buttons on one page: each comment names its action
            field.label = f"Commentaire pour « {action} »"
        if readers:  # who reads it (the table's ``Transition.comment_readers``), after when it is required
            field.help_text = f"{self.required_when['comment']} {readers[:1].upper()}{readers[1:]}."
        self._bound_fields_cache.pop("comment", None)

    def clean_comment(self) -> str:
        comment = str(self.cleaned_data.get("comment") or "").strip()
        if not comment:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"], code="required")
        return comment


class ActionDateForm(CaseForm):
    """The date a transition asks (its table's ``asks``: ``signed_on``), today's by default.

    Required for its button only, as ``ActionCommentForm``'s comment: the hint says so, the
    server refuses a missing or impossible date in French beside the field, with what was typed
    (``typed_keep``); no native ``required`` (the browser's bubble, in its own language, would
    come first), ``aria-required`` for assistive technologies."""

    signed_on = forms.DateField(label="Date de signature", widget=DATE_INPUT, initial=campaign_today)
    required_when = {"signed_on": "Obligatoire pour cette action."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].widget.attrs["aria-required"] = "true"  # the form's own copy of DATE_INPUT

    def clean_signed_on(self) -> Any:
        signed_on = self.cleaned_data.get("signed_on")
        if signed_on is None:
            raise forms.ValidationError(self.fields["signed_on"].error_messages["required"], code="required")
        return signed_on


def posted_keep(request: HttpRequest, key: str, fields: Iterable[str] | None = None) -> None:
    """What was just posted and refused (every field but the CSRF token, or ``fields``), kept in
    the session under ``key`` for the page the user is sent back to (post/redirect/get): that
    page binds its form to it again (``posted_pop``), with its errors. Nothing typed is lost."""
    names = request.POST if fields is None else fields
    request.session[f"{TYPED}:{key}"] = {name: request.POST.getlist(name) for name in names if name != CSRF_FIELD}


def posted_pop(request: HttpRequest, key: str) -> MultiValueDict[str, Any] | None:
    """What ``posted_keep`` kept under ``key``, once (the next visit starts from an empty form)."""
    kept = request.session.pop(f"{TYPED}:{key}", None)
    if not isinstance(kept, dict) or not kept:
        return None
    return MultiValueDict({str(name): [str(value) for value in values] for name, values in kept.items()})


def _typed_key(case: Any, name: str) -> str:
    return f"{kind_of(case).code}:{case.pk}:{name}"


def typed_keep(request: HttpRequest, case: Any, name: str) -> None:
    """What was typed in the form of the action ``name`` of ``case`` that was just refused (its
    comment, the date it asks): its form on the case's page shows it again."""
    spec = kind_of(case).table[name]
    posted_keep(request, _typed_key(case, name), fields=("comment", *spec.asks))


def typed_pop(request: HttpRequest, case: Any) -> dict[str, MultiValueDict[str, Any]]:
    """What ``typed_keep`` kept for the case's actions (action → what was posted), once: the next
    visit starts from empty forms, whichever actions the case's state offers then."""
    found = {spec.name: posted_pop(request, _typed_key(case, spec.name)) for spec in kind_of(case).table}
    return {name: typed for name, typed in found.items() if typed is not None}


def action_forms(spec: Any, typed: MultiValueDict[str, Any] | None = None) -> list[Any]:
    """What the button's form asks (the table's ``asks`` and required comment), as DSFR forms; one
    id per action (a page shows several). ``typed``: what a refused attempt posted, bound again
    so that it is shown with its errors (an empty reason or date: « Ce champ est obligatoire. »)."""
    auto_id = f"id_%s-{spec.name}"
    found: list[Any] = []
    if "signed_on" in spec.asks:
        dated = {"signed_on": typed.get("signed_on", "")} if typed is not None else None
        found.append(ActionDateForm(dated, auto_id=auto_id))
    if spec.comment_required:
        data = {"comment": typed.get("comment", "")} if typed is not None else None
        found.append(ActionCommentForm(data, auto_id=auto_id, action=spec.label, readers=spec.comment_readers))
    return found


def available_actions(
    case: Any, user: Any, url_name: str, *args: Any, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    """The buttons of ``case`` for ``user``, each posting to ``url_name`` with ``args`` and the
    action's name. ``request``: what was typed for an action refused just before comes back."""
    if case is None:
        return []
    typed = typed_pop(request, case) if request is not None else {}
    return [
        {
            "name": spec.name,
            "label": spec.label,
            "needs_comment": spec.comment_required,
            "secondary": spec.secondary,
            "url": reverse(url_name, args=[*args, spec.name]),
            "forms": action_forms(spec, typed.get(spec.name)),
            "seen_state": str(case.state),
        }
        for spec in available_transitions(case, user)
    ]


def refusable(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Run ``action``; refused, the reasons become the page's error message and None is returned.
    Refusals may quote what the user typed (a SIRET): escaped here as well as by the templates
    (DSFR_CONTENT_IS_SAFE is off in config/settings/base.py)."""
    try:
        result = action()
    except CaseRefused as error:
        messages.error(request, escape(str(error)))
        return None
    except ValidationError as error:
        messages.error(request, escape(" ".join(error.messages)))
        return None
    except ConcurrentTransition as error:  # the case moved since the page showed it (``seen_state``)
        messages.error(request, escape(f"{error} Rien n'a été enregistré : votre saisie est conservée ci-dessous."))
        return None
    messages.success(request, success)
    return result or True


def case_action(request: HttpRequest, case: Any, name: str, *, success: str = "") -> Any:
    """Run ``name`` on ``case`` for the user, with its comment and what its button asked (its
    table's ``asks``, read by the button's form), from the state his page showed
    (``seen_state``). Refused, the reasons are the page's message and what was typed is kept for
    the case's page. What the runner returned (None: refused). ``success``: the message, else
    the table's."""
    table = kind_of(case).table
    if name not in table:
        raise PermissionDenied
    spec = table[name]
    asked: dict[str, Any] = {}
    if "signed_on" in spec.asks:
        form = ActionDateForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Indiquez la date de signature.")
            typed_keep(request, case, name)  # the page shows it again, with its error
            return None
        asked = {field: form.cleaned_data[field] for field in spec.asks}
    comment = request.POST.get("comment", "").strip()
    seen_state = request.POST.get(SEEN_STATE) or None
    done = refusable(
        request,
        lambda: transition_run(
            case=case, user=request.user, name=name, comment=comment, seen_state=seen_state, **asked
        ),
        success or spec.created or f"{spec.timeline_label}.",
    )
    if done is None:
        typed_keep(request, case, name)
    return done
