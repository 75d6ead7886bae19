"""The registry of case kinds: flow ↔ case model ↔ scope ↔ transition table ↔ history.

Each case kind registers itself once (its ``transitions.py``, imported by the app's ``ready``).
Everything that must find a task's case, a case's département(s), its title or URL, or decide
whether a user may act on a task, asks here: a task of flow X resolves only to a case of flow X's
model, so a task number put in the URL of another kind is not found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from config.statements import Compiled, Ids, any_of_registered
from workflows.cases.transitions import TransitionTable


class CaseRefused(ValueError):
    """A refused action, with its French sentences (``reasons``: every refusal at once)."""

    def __init__(self, reasons: list[str] | str = "") -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__(" ".join(str(reason) for reason in self.reasons))


def _department_ids(case: Any) -> list[int]:
    department_id = getattr(case, "department_id", None)
    return [department_id] if department_id is not None else []


def _url(case: Any) -> str:
    get_url = getattr(case, "get_absolute_url", None)
    return str(get_url()) if callable(get_url) else ""


# Where a case object keeps its history rows once read (``CaseKind.history_read``).
HISTORY_READ = "_quartiers_history_rows"


@dataclass
class CaseKind:
    """One kind of case. ``history_link`` is the history model's foreign key to the case, or
    ``None`` for a generic one (``content_type`` + ``object_id``)."""

    code: str  # "renewal", "paqte-convention"…: stable, used in URLs and saved views
    label: str  # "Rénovation du contrat de ville"
    model: type[Model]
    table: TransitionTable
    history: type[Model]
    history_link: str | None
    flow: Any = None  # the viewflow Flow class carrying its human tasks, if any
    error: type[CaseRefused] = CaseRefused
    denied: str = "Vous n'avez pas le droit de faire cette action sur ce dossier."
    final_states: frozenset[str] = frozenset()  # open tasks are cancelled once the case is there
    departments: Callable[[Any], list[int]] = _department_ids
    title: Callable[[Any], str] = str
    # The case's own name, without its kind ("CV059 – Lille" where the title says "Rénovation du
    # contrat de ville CV059"): lists that show the kind's label beside it read this one.
    name: Callable[[Any], str] | None = None
    # The title of the case's own deadlines ("Rénovation du contrat de ville CV059 – …"); the
    # definition's title followed by the case by default.
    deadline_title: Callable[[Any], str] | None = None
    url: Callable[[Any], str] = _url
    # The département column every list of this kind is scoped on (``accounts.selectors.scoped``).
    department_field: str = "department"
    # What a list of tasks reads of each case (``select_related``), in one query per kind.
    list_related: tuple[str, ...] = ("department",)
    # The page where a task is done: the case's page unless the kind has task pages.
    task_url: Callable[[Any, Any], str] = lambda task, case: ""
    # What the guards and blocking compliance rules of a ``checklist=True`` transition read of the
    # case's related rows (``prefetch_related``): read once by the runner for the run, after the
    # task form's writes, instead of once per rule and guard (``commitments``: exists, all, exists).
    checked_related: tuple[str, ...] = ()

    def name_of(self, case: Any) -> str:
        return self.name(case) if self.name is not None else self.title(case)

    def history_of(self, case: Model) -> QuerySet[Any]:
        manager = self.history._default_manager
        if self.history_link is None:
            return manager.filter(content_type=ContentType.objects.get_for_model(self.model), object_id=case.pk)
        return manager.filter(**{self.history_link: case})

    def history_read(self, case: Model) -> list[Any]:
        """The case's history rows with their actors, oldest first, read once per case object:
        its page's timeline, return banner and exchanges (a CGET return's reason) read the same
        rows (three queries before). ``history_append`` forgets what was read."""
        found: list[Any] | None = case.__dict__.get(HISTORY_READ)
        if found is None:
            found = case.__dict__[HISTORY_READ] = self.history_statement().all(case.pk)
        return found

    def statement(self, name: str, build: Callable[[CaseKind], Callable[..., QuerySet[Any]]], *types: type) -> Compiled:
        """A query of this kind's, compiled once (``config.statements``): ``build(kind)`` gives
        the function of its values that builds it (its history, its cases by id…), kept by
        kind and ``name`` in one table for every kind."""
        key = (self.code, name)
        statement = _KIND_STATEMENTS.get(key)
        if statement is None:
            statement = _KIND_STATEMENTS[key] = Compiled(build(self), *types)
        return statement

    def history_statement(self) -> Compiled:
        """The query of ``history_read``, compiled once."""
        return self.statement("history", _history_rows, int)

    def cases_statement(self) -> Compiled:
        """The cases of these ids, with what a list shows of them (``list_related``)."""
        return self.statement("cases", _cases_with_ids, Ids)

    def history_append(
        self, *, case: Model, actor: Any, transition: str, source: str, target: str, comment: str = ""
    ) -> Model:
        link: dict[str, Any] = (
            {"content_type": ContentType.objects.get_for_model(self.model), "object_id": case.pk}
            if self.history_link is None
            else {self.history_link: case}
        )
        case.__dict__.pop(HISTORY_READ, None)
        return self.history._default_manager.create(
            **link, actor=actor, transition=transition, source=source, target=target, comment=comment
        )


_KINDS: dict[type[Model], CaseKind] = {}
_KIND_STATEMENTS: dict[tuple[str, str], Compiled] = {}


def _history_rows(kind: CaseKind) -> Callable[[int], QuerySet[Any]]:
    manager = kind.history._default_manager

    def rows(case_id: int) -> QuerySet[Any]:
        if kind.history_link is None:
            content_type = ContentType.objects.get_for_model(kind.model)
            found = manager.filter(content_type_id=content_type.pk, object_id=case_id)
        else:
            found = manager.filter(**{f"{kind.history_link}_id": case_id})
        return found.select_related("actor").order_by("at", "pk")

    return rows


def _cases_with_ids(kind: CaseKind) -> Callable[[Ids], QuerySet[Any]]:
    manager = kind.model._default_manager
    any_of_registered(kind.model._meta.pk)

    def cases(ids: Ids) -> QuerySet[Any]:
        return manager.select_related(*kind.list_related).filter(pk__any_of=ids)

    return cases


def register(kind: CaseKind) -> CaseKind:
    assert kind.model not in _KINDS or _KINDS[kind.model] is kind, f"{kind.model.__name__} registered twice"
    _KINDS[kind.model] = kind
    return kind


def kinds() -> list[CaseKind]:
    return list(_KINDS.values())


def kind_of(case_or_model: Any) -> CaseKind:
    model: Any = case_or_model if isinstance(case_or_model, type) else type(case_or_model)
    model = getattr(model._meta, "concrete_model", model) or model
    try:
        return _KINDS[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered case kind") from None


def kind_for_flow(flow_class: Any) -> CaseKind | None:
    for kind in _KINDS.values():
        if kind.flow is not None and kind.flow is flow_class:
            return kind
    return None


def kind_for_code(code: str) -> CaseKind | None:
    return next((kind for kind in _KINDS.values() if kind.code == code), None)


def flows() -> list[Any]:
    return [kind.flow for kind in _KINDS.values() if kind.flow is not None]
