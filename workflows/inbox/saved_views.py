"""Saved views of the inbox: a named tab with its filters, sort and columns (démarches-simplifiées'
``procedure_presentation.rb``, Signals' ``stored_signal_filter.py``, Camunda 7's shared filters).

Private, or shared with the owner's département (its préfecture's users, never another
département's nor the national roles'), or with the CGET (the national roles). A view is a
list's address (``listing.list_query``), read again for whoever opens it: it never shows a case
outside the reader's own scope, whoever saved it."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict

from accounts.selectors import department_scope, sees_all_departments
from workflows.inbox import listing, selectors
from workflows.inbox.models import SavedView
from workflows.inbox.selectors import AnyUser

MAX_VIEWS = 30  # per owner: tabs, not an archive


class SavedViewRefused(ValueError):
    """A saved view that cannot be written (French)."""


def saved_views_visible(*, user: AnyUser) -> QuerySet[SavedView]:
    """The views the user sees as tabs: his own, those shared with his département, and with
    the CGET if he is national; only of the tabs he has."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    shared = Q(owner=user)
    if sees_all_departments(user):
        shared |= Q(sharing=SavedView.Sharing.CGET)
    else:
        shared |= Q(sharing=SavedView.Sharing.DEPARTMENT, department__in=department_scope(user).values("pk"))
    tabs = [tab.code for tab in selectors.visible_tabs(user)]
    return SavedView.objects.filter(shared, tab__in=tabs).select_related("owner").order_by("name", "pk")


def saved_view_get(*, user: AnyUser, pk: int) -> SavedView | None:
    return saved_views_visible(user=user).filter(pk=pk).first()


def _view_tasks(user: AnyUser, view: SavedView) -> Any:
    return listing.list_tasks(user=user, tab=view.tab, params=QueryDict(view.query))[0]


def saved_view_counts(*, user: AnyUser, views: list[SavedView]) -> dict[int, int]:
    """Each view's count, for the reader (capped as the tabs' counts), all in one statement."""
    codes = {view.pk: f"vue:{view.pk}:{view.tab}:{view.query}" for view in views}
    counts = selectors.kept_counts(
        user=user,
        lists={codes[view.pk]: partial(_view_tasks, user, view) for view in views},
    )
    return {view.pk: counts[codes[view.pk]] for view in views}


def sharing_choices(user: AnyUser) -> list[tuple[str, str]]:
    """With whom the user may share a view: his département if he has one, the CGET if national."""
    choices = [(SavedView.Sharing.PRIVATE.value, "Moi seulement")]
    if sees_all_departments(user):
        choices.append((SavedView.Sharing.CGET.value, "Les référents du CGET"))
    elif _own_department(user) is not None:
        choices.append((SavedView.Sharing.DEPARTMENT.value, f"Mon département ({_own_department(user)})"))
    return choices


def _own_department(user: Any) -> Any:
    organisation = getattr(user, "organisation", None)
    return getattr(organisation, "department", None) if organisation is not None else None


def saved_view_save(
    *, user: Any, name: str, tab: str, params: QueryDict, sharing: str, view: SavedView | None = None
) -> SavedView:
    """Create the view (or rewrite ``view``, the user's own) from the list's address."""
    name = name.strip()
    errors = []
    if not name:
        errors.append("Donnez un nom à la vue.")
    elif len(name) > 80:
        errors.append("Le nom de la vue ne peut pas dépasser 80 caractères.")
    if tab not in [found.code for found in selectors.visible_tabs(user)]:
        errors.append("Cet onglet n'existe pas.")
    if sharing not in dict(sharing_choices(user)):
        errors.append("Choisissez avec qui partager la vue.")
    if view is not None and view.owner_id != user.pk:
        errors.append("Seul l'auteur d'une vue peut la modifier.")
    if view is None and SavedView.objects.filter(owner=user).count() >= MAX_VIEWS:
        errors.append(f"Vous avez déjà {MAX_VIEWS} vues : supprimez-en une avant d'en créer une autre.")
    query = listing.list_query(params)
    if len(query) > SavedView._meta.get_field("query").max_length:  # type: ignore[operator]
        errors.append("Ces filtres sont trop longs pour être enregistrés.")
    if errors:
        raise SavedViewRefused(" ".join(errors))
    view = view or SavedView(owner=user)
    view.name, view.tab, view.query, view.sharing = name, tab, query, sharing
    view.department = _own_department(user) if sharing == SavedView.Sharing.DEPARTMENT else None
    view.save()
    return view


def saved_view_delete(*, user: Any, view: SavedView) -> None:
    if view.owner_id != user.pk:
        raise SavedViewRefused("Seul l'auteur d'une vue peut la supprimer.")
    view.delete()
