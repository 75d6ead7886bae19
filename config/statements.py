"""Querysets compiled once per connection, their values written in at each request.

Building a queryset and compiling it to SQL is most of the ORM's work on a page: about a
thousand Python calls a query, against some fifty to run it and read its rows (the renovation
page: 19,000 of its 57,000 calls in ``SQLCompiler.as_sql``, for 18 queries; benchmarks/RESULTS.md,
ninth pass). The SQL of the page's fixed queries does not depend on their values (a case's id,
a user's id): only their parameters do.

``Compiled(build, int)`` keeps what ``build`` returns, compiled, for each database connection:
the first call builds the queryset with marker values and compiles it, and each call then runs
that SQL with its own values in the markers' places, through Django's own iterables (model
instances, ``select_related``, ``values_list``, converters: the same objects as the queryset
would give). It is kept only when that is certain to be the same statement: the queryset is
compiled twice, with two sets of markers (the second made of the signs a lookup escapes or
changes: ``%``, ``_``, ``\\``, capitals, an accent), and both must give the same SQL with each
marker, untouched, as a parameter of its own. Anything else (a lookup that wraps or escapes its
value, a value that changes the SQL, a query Django finds empty) is never kept: that queryset
is built and compiled at every call, as before. A value not of its declared type (``None``, a
list for ``Ids``) is built the usual way too.

The types: ``int``, ``str``, ``datetime.date``, ``datetime.datetime`` (dates and instants are
kept on PostgreSQL only: SQLite's are strings, which Django writes), and ``Ids``, any number
of ids as one array parameter of an ``any_of`` lookup (``= ANY(%s::bigint[])``, PostgreSQL only:
elsewhere it is one parameter an id, so the SQL changes with their number).

Every ``Compiled`` is listed in ``STATEMENTS``: a test runs each of them with values of its
types and compares its SQL, parameters and rows with the queryset built afresh
(``tests/config/test_statements.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import Enum
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Lookup, QuerySet
from django.db.models.lookups import Exact, In
from django.db.models.sql import Query

STATEMENTS: list[Compiled] = []


class Ids:
    """The ids an ``any_of`` lookup compares with, as one value. Django walks a list given to
    a lookup element by element (``Query.resolve_lookup_value``, for expressions inside it):
    the 1,000 conventions of a département cost a thousand calls in each of the five tab
    counts of every page, the larger part of building them (benchmarks/RESULTS.md). Held in
    this wrapper, the ids go to the database untouched. It is not iterable on purpose: on a
    foreign key (``process_id__any_of``), ``Query.check_related_objects`` walks any iterable
    value to check each element's model, a thousand calls more per list."""

    __slots__ = ("values",)

    def __init__(self, values: Any) -> None:
        self.values = [int(value) for value in values]

    def __len__(self) -> int:
        return len(self.values)

    def literal(self) -> str:
        """PostgreSQL's literal of the array, ``{1,2,3}``: one text parameter."""
        return "{" + ",".join(map(str, self.values)) + "}"


class AnyOf(Lookup):
    """``artifact_object_id__any_of=Ids(…)``: on PostgreSQL ``= ANY(%s)``, the ids one array
    parameter. Django prepares each value of an ``__in`` list one by one, and a page compiled
    the 1,000 PAQTE conventions of a département into every tab's count (a quarter of its time,
    benchmarks/RESULTS.md). Elsewhere (SQLite), ``IN (…)``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def _ids(self) -> list[int]:
        return self.rhs.values if isinstance(self.rhs, Ids) else [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self._ids()
        if not ids:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # One text parameter, the array's literal, cast to the column's type: psycopg dumps a
        # Python list element by element, four calls for each of a département's 1,000 ids.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self._ids()
        if not ids:
            raise EmptyResultSet
        column = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{column}[])", [*lhs_params, Ids(ids).literal()]


# --- Values the planner must see: a state column's values written in the SQL ----------------
# PostgreSQL prepares a statement run five times on a connection (``prepare_threshold``,
# config/settings/base.py) and then plans it once for any parameters, a generic plan. Such a
# plan cannot use a partial index whose condition is on a parameter: the task indexes of the
# inbox hold only open tasks (``WHERE status = 'NEW'``…), and with ``status = $1`` the queue's
# generic plan read ten thousand tasks through another index (11 ms instead of 1.3 ms a page,
# benchmarks/RESULTS.md, twelfth pass). The values of such a column are a fixed set of words
# (its choices): compared with them, they are written in the SQL, as the index's condition is.

_WORD = re.compile(r"[A-Z][A-Z_]*")


def _choice_words(lookup: Lookup, values: list[Any]) -> list[str] | None:
    """The values as the SQL's words, when each is one of the column's choices (``None``:
    given as parameters, as usual)."""
    allowed = {str(value) for value, _label in lookup.lhs.output_field.flatchoices}
    words = [value.value if isinstance(value, Enum) else value for value in values]
    if not words or not all(type(w) is str and w in allowed and _WORD.fullmatch(w) for w in words):
        return None
    return [f"'{word}'" for word in words]


class ChoiceExact(Exact):
    """``status=STATUS.NEW`` on a registered column: ``= 'NEW'`` in the SQL."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value() and isinstance(self.rhs, str):
            words = _choice_words(self, [self.rhs])
            if words is not None:
                return words[0], []
        return super().process_rhs(compiler, connection)


class ChoiceIn(In):
    """``status__in=[STATUS.NEW, STATUS.ASSIGNED]`` on a registered column: ``IN ('NEW',
    'ASSIGNED')`` in the SQL."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            values = list(dict.fromkeys(value for value in self.rhs if value is not None))
            if not values:
                raise EmptyResultSet
            words = _choice_words(self, values)
            if words is not None:
                return f"({', '.join(words)})", []
        return super().process_rhs(compiler, connection)


def choices_written_registered(field: Any) -> None:
    """``exact`` and ``in`` on this column (a field of one model, with choices that are
    words) write its choices in the SQL."""
    assert field.choices and all(_WORD.fullmatch(str(value)) for value, _label in field.flatchoices), field
    field.register_lookup(ChoiceExact)
    field.register_lookup(ChoiceIn)


def any_of_registered(field: Any) -> None:
    """``<field>__any_of`` for a column (a primary key, a foreign key's column)."""
    if "any_of" not in field.get_lookups():
        field.register_lookup(AnyOf)


_INT_MARKS = (1_999_999_100, 1_999_999_300)  # ids no table reaches, within a 32-bit integer
_NOT_KEPT = object()


def _marks(types: tuple[type, ...], probe: int) -> tuple[Any, ...]:
    marks: list[Any] = []
    for index, kind in enumerate(types):
        if kind is int:
            marks.append(_INT_MARKS[probe] + index)
        elif kind is Ids:  # one id: the array's literal of one element, ``{1999999100}``
            marks.append(Ids([_INT_MARKS[probe] + index]))
        elif kind is dt.datetime:  # an instant: as it is on PostgreSQL, a string on SQLite (never kept)
            marks.append(dt.datetime(1001 + probe, 2 + probe, 3 + probe, tzinfo=dt.UTC) + dt.timedelta(days=index))
        elif kind is dt.date:  # PostgreSQL takes a date as it is; SQLite's is a string: never kept
            marks.append(dt.date(1001 + probe, 2 + probe, 3 + probe) + dt.timedelta(days=index))
        else:
            marks.append(f"\x1eqzx{index}\x1e" if probe == 0 else f"\x1e%_\\Éé{index}\x1e")
    return tuple(marks)


class _Kept:
    __slots__ = (
        "annotations",
        "converters",
        "count",
        "extra",
        "klass_info",
        "params",
        "positions",
        "queryset",
        "select",
        "sql",
    )

    def __init__(self, queryset: QuerySet[Any], compiler: Any, sql: str, params: tuple[Any, ...], positions: Any):
        self.queryset, self.sql, self.params, self.positions = queryset, sql, params, positions
        self.select, self.klass_info = compiler.select, compiler.klass_info
        self.annotations, self.count = compiler.annotation_col_map, compiler.col_count
        self.extra = compiler.has_extra_select
        # The columns' converters (dates, decimals, JSON…), found once: each query looked them up
        # for every column of its SELECT (``SQLCompiler.get_converters``).
        self.converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])


def _as_param(value: Any) -> Any:
    """A value as its statement's parameter: ids as the array's literal (``AnyOf``)."""
    return value.literal() if type(value) is Ids else value


def _written(kept: _Kept, values: tuple[Any, ...]) -> list[Any]:
    """The kept parameters with the call's values in the markers' places."""
    params = list(kept.params)
    for position, index in kept.positions:
        params[position] = _as_param(values[index])
    return params


class _KeptQuery(Query):
    """A query whose compiler answers with the kept SQL and the call's parameters, already set
    up as compiling it would have left it (its columns, its related models, its annotations)."""

    kept: _Kept
    kept_params: list[Any]

    def get_compiler(self, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
        compiler = super().get_compiler(using, connection, elide_empty)
        kept, params = self.kept, self.kept_params
        compiler.select, compiler.klass_info = kept.select, kept.klass_info
        compiler.annotation_col_map, compiler.col_count = kept.annotations, kept.count
        compiler.has_extra_select = kept.extra
        compiler.as_sql = lambda *args, **kwargs: (kept.sql, params)
        compiler.get_converters = lambda expressions: kept.converters
        return compiler


class Compiled:
    """``build(*values)`` compiled once per connection; ``all(*values)`` its rows, a list."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *types: type) -> None:
        assert all(kind in (int, str, dt.date, dt.datetime, Ids) for kind in types), (
            "markers are integers, strings, dates, instants or ids"
        )
        self.build, self.types = build, types
        self.name = f"{getattr(build, '__module__', '?')}:{getattr(build, '__qualname__', '?')}"
        STATEMENTS.append(self)

    def _compile(self, values: tuple[Any, ...]) -> tuple[str, tuple[Any, ...], QuerySet[Any], Any]:
        queryset = self.build(*values)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        return sql, tuple(params), queryset, compiler

    def _keep(self) -> Any:
        if Ids in self.types and connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return _NOT_KEPT  # elsewhere ``any_of`` writes one parameter an id: the SQL changes
        marks = _marks(self.types, 0), _marks(self.types, 1)
        # What each marker is as a parameter (ids: the array's literal).
        first, second = (tuple(_as_param(mark) for mark in probe) for probe in marks)
        try:
            sql, params, queryset, compiler = self._compile(marks[0])
            other_sql, other_params, _, _ = self._compile(marks[1])
        except EmptyResultSet:
            return _NOT_KEPT
        if sql != other_sql or len(params) != len(other_params) or queryset.db != DEFAULT_DB_ALIAS:
            return _NOT_KEPT
        if type(queryset.query) is not Query:
            return _NOT_KEPT  # a query class of its own: what it adds would be lost
        positions = []
        for position, (param, other) in enumerate(zip(params, other_params, strict=True)):
            if param in first and other in second and first.index(param) == second.index(other):
                positions.append((position, first.index(param)))
            elif param != other or any(
                isinstance(param, str) and mark in param for mark in first if isinstance(mark, str)
            ):
                return _NOT_KEPT
        if {index for _, index in positions} != set(range(len(first))):
            return _NOT_KEPT  # a marker that is not a parameter of its own
        kept_queryset = queryset._chain()  # type: ignore[attr-defined]
        kept_queryset.query.__class__ = _KeptQuery
        return _Kept(kept_queryset, compiler, sql, params, tuple(positions))

    def all(self, *values: Any) -> list[Any]:
        if (
            len(values) != len(self.types)
            or any(type(v) is not t for v, t in zip(values, self.types, strict=True))
            or any(type(v) is Ids and not v.values for v in values)  # no id: nothing to read
        ):
            return list(self.build(*values))
        connection = connections[DEFAULT_DB_ALIAS]
        statements = connection.__dict__.setdefault("_compiled_statements", {})
        kept = statements.get(self)
        if kept is None:
            kept = statements[self] = self._keep()
        if kept is _NOT_KEPT:
            return list(self.build(*values))
        queryset = kept.queryset._chain()
        queryset.query.kept, queryset.query.kept_params = kept, _written(kept, values)
        return list(queryset)

    def first(self, *values: Any) -> Any:
        found = self.all(*values)
        return found[0] if found else None

    def prefetch_into(self, instance: Any, name: str, *values: Any) -> list[Any]:
        """Its rows as ``instance.<name>.all()`` answers them, as ``prefetch_related`` leaves a
        reverse foreign key (``name``: its accessor; each row knows ``instance``)."""
        rows = self.all(*values)
        manager = getattr(instance, name)
        for row in rows:
            manager.field.set_cached_value(row, instance)
        queryset = manager.get_queryset()
        queryset._result_cache, queryset._prefetch_done = rows, True
        instance.__dict__.setdefault("_prefetched_objects_cache", {})[manager.field.remote_field.cache_name] = queryset
        return rows

    def sql_with_params(self, *values: Any) -> tuple[str, tuple[Any, ...]] | None:
        """The SQL and parameters a call with ``values`` runs (``None``: built the usual way)."""
        kept = connections[DEFAULT_DB_ALIAS].__dict__.setdefault("_compiled_statements", {}).get(self) or self._keep()
        if kept is _NOT_KEPT:
            return None
        return kept.sql, tuple(_written(kept, values))

    def __repr__(self) -> str:
        return f"<Compiled {self.name}>"
