"""The navigation's counts: what is waiting for the user, read once per request."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from reference.addresses import reverse_ids
from reference.templatetags.form_widgets import option_html
from workflows.inbox import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_counts(context: Any) -> dict[str, Any]:
    """« 3 », or « 500+ » past the cap (``selectors.COUNT_CAP``); ``national`` for a user of no
    département (his inbox shows no « File du département », so the navigation no « File
    d'attente »: the référent CGET's queue is the « Revue CGET »)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = selectors.tab_counts(user=user, only=("a-traiter", "file"))
    return {
        "todo": selectors.count_label(counts.get("a-traiter", 0)),
        "queue": selectors.count_label(counts.get("file", 0)),
        "national": "file" not in {tab.code for tab in selectors.shown_tabs(user)},
    }


# The main menu (DSFR « En-tête », navigation): label, view, the views (or, ending in « : », the
# namespaces) where it is the current page, the ones where it is not, the permission it needs.
MENU: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("Mes tâches", "inbox:inbox", ("inbox:inbox", "inbox:followed", "inbox:done", "inbox:all"), (), ""),
    ("File d'attente", "inbox:queue", ("inbox:queue",), (), ""),
    ("Revue CGET", "inbox:cget_review_queue", ("inbox:cget_review_queue",), (), "workflows.review_renewal"),
    ("Départements", "reference:department_list", ("reference:department_list", "reference:department_detail"), (), ""),
    ("PAQTE", "paqte:home", ("paqte:",), (), "workflows.view_paqte"),
    ("Pilotage", "steering:home", ("steering:",), ("steering:dashboard",), "workflows.view_steering"),
    ("Tableau de bord", "steering:dashboard", ("steering:dashboard",), (), "workflows.view_steering"),
    ("Les 40 mesures", "reference:measure_list", ("reference:measure_list",), (), ""),
    ("Échéances", "notifications:deadline_list", ("notifications:deadline_list",), (), ""),
)
# The counts shown beside an entry: the count's key and its words for screen readers.
MENU_COUNTS = {
    "inbox:inbox": ("todo", "à traiter :", " fr-badge--blue-france"),
    "inbox:queue": ("queue", "en attente :", ""),
}


@register.simple_tag(takes_context=True)
def main_menu(context: Any) -> SafeString:
    """The header's main menu of a signed-in user, written here rather than by the template
    language: its nine entries, their addresses, permissions and counts cost every page some
    2,500 Python calls in the template (benchmarks/RESULTS.md). The « File d'attente » is left
    out for a national user (``inbox_counts``); the current page is marked ``aria-current``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return mark_safe("")
    counts = inbox_counts(context)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    namespace = f"{match.namespace}:" if match is not None and match.namespace else None
    items = []
    for label, view, here, not_here, permission in MENU:
        if view == "inbox:queue" and counts.get("national"):
            continue
        if permission and not user.has_perm(permission):
            continue
        is_current = (current in here or namespace in here) and current not in not_here
        badge = ""
        if view in MENU_COUNTS:
            key, words, colour = MENU_COUNTS[view]
            badge = (
                f'&nbsp;<span class="fr-badge fr-badge--sm{colour}"><span class="fr-sr-only">{words}</span>'
                f"{escape(str(counts.get(key) or 0))}</span>"
            )
        marked = ' aria-current="page"' if is_current else ""
        items.append(
            f'<li class="fr-nav__item"><a class="fr-nav__link" href="{escape(reverse_ids(view))}"{marked}>'
            f"{escape(label)}{badge}</a></li>"
        )
    return mark_safe(  # noqa: S308 (each value escaped above)
        '<div class="fr-header__menu fr-modal" id="fr-menu-mobile" aria-labelledby="fr-btn-menu-mobile">'
        '<div class="fr-container">'
        '<button class="fr-btn--close fr-btn" aria-controls="fr-menu-mobile">Fermer</button>'
        '<div class="fr-header__menu-links"></div>'
        '<nav role="navigation" class="fr-nav" id="navigation-principale" aria-label="Menu principal">'
        f'<ul class="fr-nav__list">{"".join(items)}</ul></nav></div></div>'
    )


@register.simple_tag(takes_context=True)
def header_tools(context: Any) -> SafeString:
    """The header's tools (DSFR « En-tête », ``fr-btns-group``): who is signed in, his notices
    (« Avis », the unread count), the administration for the staff, « Se déconnecter »; signed
    out, « Se connecter ». Written here, not by the template language, like ``main_menu``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        login = escape(reverse_ids("login"))
        return mark_safe(f'<li><a class="fr-btn fr-icon-lock-line" href="{login}">Se connecter</a></li>')  # noqa: S308
    who = escape(str(user.get_full_name() or user.email))
    if user.role:
        who += f" · {escape(str(user.get_role_display()))}"
    if user.organisation_id is not None and user.organisation is not None:
        who += f" · {escape(str(user.organisation.name))}"
    unread = notices_unread(context)
    tone = "fr-badge--error" if unread else ""
    admin = (
        f'<li><a class="fr-btn fr-icon-settings-5-line" href="{escape(reverse_ids("admin:index"))}">'
        "Administration</a></li>"
        if user.is_staff
        else ""
    )
    token = context.get("csrf_token")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'
        if token and str(token) != "NOTPROVIDED"
        else ""
    )
    return mark_safe(  # noqa: S308 (each value escaped above)
        f'<li><span class="fr-btn fr-icon-account-circle-line" id="utilisateur-courant">{who}</span></li>'
        f'<li><a class="fr-btn fr-icon-notification-3-line" href="{escape(reverse_ids("inbox:notices"))}" id="avis">'
        f'Avis&nbsp;<span class="fr-badge fr-badge--sm {tone}" aria-hidden="true">{unread}</span>'
        f'<span class="fr-sr-only">{unread} avis non lus</span></a></li>{admin}'
        f'<li><form method="post" action="{escape(reverse_ids("logout"))}">{csrf}'
        '<button type="submit" class="fr-btn fr-icon-logout-box-r-line">Se déconnecter</button></form></li>'
    )


@register.simple_tag
def select_options(choices: Any, selected: Any) -> SafeString:
    """The ``<option>``s of a filter's select, ``(value, label)`` pairs, the one equal to
    ``selected`` (the list's address) marked: the inbox's steps and départements are sixty and a
    hundred options, forty template calls each (benchmarks/RESULTS.md). Plain values and labels
    (strings, integers) are written once per list and choice, then reused (``_options``): a
    national list's filters were 2,700 calls of its page."""
    chosen = None if selected is None else str(selected)
    pairs = tuple((value, label) for value, label in choices)
    if all(type(value) in (str, int) and type(label) is str for value, label in pairs):
        return _options(pairs, chosen)
    return _options.__wrapped__(pairs, chosen)


@lru_cache(maxsize=512)
def _options(pairs: tuple[tuple[Any, Any], ...], chosen: str | None) -> SafeString:
    return mark_safe(  # noqa: S308 (each value escaped)
        "".join(option_html(value, label, {"selected": str(value) == chosen}) for value, label in pairs)
    )


@register.simple_tag(takes_context=True)
def notices_unread(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return selectors.notices_unread(user=user)


@register.inclusion_tag("workflows/partials/case_bar.html", takes_context=True)
def case_bar(context: Any, case: Any) -> dict[str, Any]:
    """Above every case page: « Suivre ce dossier » (or stop), and when the page was opened
    from a list of the inbox, the previous and next case of that list (its address kept).
    Opening the page is the follower's visit (« modifié depuis votre dernière visite »)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated or case is None:
        return {}
    from workflows.cases.registry import kind_of
    from workflows.inbox import listing, services

    try:
        kind = kind_of(case)
    except LookupError:
        return {}
    followed = selectors.case_followed(user=user, case=case)
    if followed:
        services.follow_seen(user=user, case=case)
    nav: dict[str, Any] | None = None
    params = request.GET
    tab, position, task_pk = params.get("liste", ""), params.get("pos", ""), params.get("tache", "")
    if tab in selectors.TAB_CODES and position.isdigit() and task_pk.isdigit():
        neighbours = listing.list_neighbours(
            user=user, tab=tab, params=params, position=int(position), task_pk=int(task_pk)
        )
        query = listing.list_query(params)
        page = int(position) // listing.PAGE_SIZE + 1
        back = listing.tab_address(tab, "&".join(part for part in (query, f"page={page}" if page > 1 else "") if part))
        nav = {"back": back}
        if neighbours is not None:
            nav.update(
                previous=listing.row_link(neighbours.previous, tab=tab, query=query, position=neighbours.position - 1)
                if neighbours.previous
                else "",
                previous_title=neighbours.previous.case_title if neighbours.previous else "",
                next=listing.row_link(neighbours.next, tab=tab, query=query, position=neighbours.position + 1)
                if neighbours.next
                else "",
                next_title=neighbours.next.case_title if neighbours.next else "",
            )
    return {
        "followed": followed,
        "follow_url": reverse("inbox:follow", args=[kind.code, case.pk]),
        "here": request.get_full_path(),
        "nav": nav,
        "csrf_token": context.get("csrf_token"),
    }
