"""One search box for every case kind: contract code and name, EPCI, company name and SIRET
(with or without spaces), people's names, the text of commitments — scoped like every list
(``accounts.selectors.scoped``), accent- and case-insensitive.

Both databases compare ``unaccent(lower(field))`` with the typed words, unaccented in Python:
PostgreSQL through its ``unaccent`` extension (migration ``0751_search_unaccent``), SQLite (the
embedded default) through the same-named function registered on each connection below.
Démarches-simplifiées' ``dossier_search_service.rb`` is the model (exact number shortcut: a
number finds the case of that id).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q
from django.db.models.functions import Lower

from accounts.selectors import scoped
from workflows.cases.registry import CaseKind, kind_for_code

# Case kind → the fields searched (through the case's own relations).
SEARCHED: dict[str, tuple[str, ...]] = {
    "renewal": (
        "city_contract__code",
        "city_contract__name",
        "city_contract__epci__name",
        "department__name",
        "commitments__text",
    ),
    "paqte-convention": ("company__name", "company__siret", "department__name"),
    "paqte-charter": ("company__name", "company__siret", "department__name"),
    "paqte-referent": ("name", "email", "department__name"),
    "meeting": ("city_contract__code", "city_contract__name", "department__name"),
}
PER_KIND = 20


def unaccent(text: str) -> str:
    """Lower case, without accents (« Élodie » → « elodie »)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Unaccent(Func):
    function = "unaccent"
    output_field = CharField()


def _register_sqlite_unaccent(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "unaccent", 1, lambda value: unaccent(value) if value is not None else None, deterministic=True
        )


connection_created.connect(_register_sqlite_unaccent, dispatch_uid="inbox.search.sqlite_unaccent")


@dataclass
class Hit:
    kind: CaseKind
    case: Any

    @property
    def title(self) -> str:
        return self.kind.title(self.case)

    @property
    def url(self) -> str:
        return self.kind.url(self.case)

    @property
    def department(self) -> Any:
        return getattr(self.case, "department", None)


def _condition(fields: tuple[str, ...], words: list[str]) -> tuple[dict[str, Any], Q]:
    annotations = {f"_s{index}": Unaccent(Lower(field)) for index, field in enumerate(fields)}
    condition = Q()
    for word in words:
        digits = word.replace(" ", "")
        any_field = Q()
        for index, field in enumerate(fields):
            any_field |= Q(**{f"_s{index}__contains": word})
            if field.endswith("siret") and digits.isdigit():
                any_field |= Q(**{f"{field}__contains": digits})
        condition &= any_field
    return annotations, condition


def cases_search(*, user: Any, query: str) -> list[Hit]:
    """The cases of every kind the user may see that match every word typed (a SIRET typed with
    spaces is one word: its digits)."""
    text = unaccent(query.strip())[:200]
    if len(text) < 2 or not user.is_authenticated:
        return []
    if connection.vendor == "sqlite":  # a connection opened before this module was imported
        connection.ensure_connection()
        _register_sqlite_unaccent(None, connection)
    squeezed = text.replace(" ", "")
    words = [squeezed] if squeezed.isdigit() and len(squeezed) >= 9 else text.split()
    hits: list[Hit] = []
    for code, fields in SEARCHED.items():
        kind = kind_for_code(code)
        if kind is None:
            continue
        annotations, condition = _condition(fields, words)
        cases = scoped(kind.model._default_manager.all(), user, department_field=kind.department_field)
        if text.isdigit():
            condition |= Q(pk=int(text))
        matched = (
            cases.annotate(**annotations)
            .filter(condition)
            .values_list("pk", flat=True)
            .distinct()
            .order_by("pk")[:PER_KIND]
        )
        found = kind.model._default_manager.filter(pk__in=list(matched)).select_related(*kind.list_related)
        hits.extend(Hit(kind=kind, case=case) for case in found.order_by("pk"))
    return hits
