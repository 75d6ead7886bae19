"""One search box for every case kind: contract code and name, EPCI, communes and QPV of the
contract, company name, address and SIRET (with or without spaces), people's names (référents,
signatories), the text of commitments, notes (prefecture only) and messages — scoped like every
list (``accounts.selectors.scoped``), accent- and case-insensitive. Every word typed must match
somewhere in the case (démarches-simplifiées' ``dossier_search_service.rb``: one query, every
word; an exact number finds the case of that id).

Two ways of matching, on both databases:

- short fields (codes, names, SIRET, communes): ``unaccent(lower(field))`` contains the word,
  unaccented in Python: PostgreSQL through its ``unaccent`` extension (migration
  ``0009_search_unaccent``), SQLite (the embedded default) through the same-named function
  registered on each connection below;
- long texts (commitments, notes, messages): on PostgreSQL, full-text search in the
  ``french_unaccent`` configuration (French stemming after unaccent: « emplois » finds
  « l'emploi », « creer » finds « Créer »), each word a prefix, served by a GIN index on each
  table (migration ``workflows/0011_search_full_text``); found in their own table first, then
  joined to the case by its id. On SQLite: the same contains as the short fields.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q, Value
from django.db.models.functions import Lower

from config.statements import Ids
from workflows.cases.note_services import is_prefecture
from workflows.cases.registry import CaseKind, kinds
from workflows.inbox.selectors import cases_with_ids, scope_ids

CONFIG = "french_unaccent"  # migration 0011: french, its words unaccented before stemming

# Case kind → the short fields searched (through the case's own relations).
_QPV = (
    "city_contract__epci__qpvs__code",
    "city_contract__epci__qpvs__name",
    "city_contract__epci__qpvs__commune_names",
)
SEARCHED: dict[str, tuple[str, ...]] = {
    "renewal": (
        "city_contract__code",
        "city_contract__name",
        "city_contract__epci__name",
        "department__name",
        *_QPV,
        "protocol_signatories",
        "signed_by",
        "commitments__party_name",
    ),
    "paqte-convention": ("company__name", "company__siret", "company__address", "department__name"),
    "paqte-charter": ("reference", "company__name", "company__siret", "company__address", "department__name"),
    "paqte-referent": ("name", "email", "department__name"),
    "paqte-report": ("department__name",),
    "synthesis": ("department__name",),
    "meeting": ("city_contract__code", "city_contract__name", "department__name"),
}


@dataclass(frozen=True)
class Text:
    """A long text of another table that belongs to a case: ``model``'s ``field``, linked to
    the case by ``case_field`` (its id), for the rows ``generic`` says (content type + id)."""

    model: str
    field: str
    case_field: str
    generic: bool = False
    prefecture_only: bool = False


TEXTS: dict[str, tuple[Text, ...]] = {"renewal": (Text("workflows.Commitment", "text", "renewal_id"),)}
EXCHANGES = (
    Text("workflows.Note", "text", "case_id", generic=True, prefecture_only=True),
    Text("workflows.Message", "text", "case_id", generic=True),
)
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


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _tsquery(word: str) -> SearchQuery | None:
    """Each token of the word as a prefix (``'emploi':*``): tokens are letters and digits only,
    so nothing typed reaches the tsquery syntax."""
    tokens = re.findall(r"\w+", word)
    if not tokens:
        return None
    return SearchQuery(" & ".join(f"{token}:*" for token in tokens), search_type="raw", config=CONFIG)


def _stop_words(words: list[str]) -> set[str]:
    """The words PostgreSQL's French configuration ignores (« en », « des »): a full-text
    query drops them, so every-word matching must too (one query)."""
    if not _full_text() or not words:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE to_tsvector(%s::regconfig, word) = ''::tsvector",
            [words, CONFIG],
        )
        return {row[0] for row in cursor.fetchall()}


def _text_match(text: Text, word: str, kind: CaseKind) -> Q | None:
    """The cases of ``kind`` one of whose ``text`` rows matches ``word``: found in that table
    (its GIN index on PostgreSQL), then the case ids."""
    model = apps.get_model(text.model)
    rows = model._default_manager.all()
    if text.generic:
        rows = rows.filter(case_type=ContentType.objects.get_for_model(kind.model))
    if _full_text():
        query = _tsquery(word)
        if query is None:
            return None
        rows = rows.annotate(_v=SearchVector(text.field, config=CONFIG)).filter(_v=query)
    else:
        rows = rows.annotate(_t=Unaccent(Lower(text.field))).filter(_t__contains=word)
    return Q(pk__in=rows.values(text.case_field))


def _condition(
    kind: CaseKind, fields: tuple[str, ...], texts: tuple[Text, ...], words: list[str]
) -> tuple[dict[str, Any], Q]:
    annotations = {f"_s{index}": Unaccent(Lower(field)) for index, field in enumerate(fields)}
    condition = Q()
    for word in words:
        digits = word.replace(" ", "")
        any_field = Q(pk__in=[])
        for index, field in enumerate(fields):
            any_field |= Q(**{f"_s{index}__contains": word})
            if field.endswith("siret") and digits.isdigit():
                any_field |= Q(**{f"{field}__contains": digits})
        for text in texts:
            found = _text_match(text, word, kind)
            if found is not None:
                any_field |= found
        condition &= any_field
    return annotations, condition


# --- The search's statement, kept by its shape ---------------------------------------------------
# Building the statement of every kind's conditions (their Q trees, the full-text sub-queries,
# then its compilation) was two-thirds of a search page, some 70,000 Python calls for two words
# (benchmarks/RESULTS.md). Its SQL depends only on the shape of the search: how many words,
# which are numbers and which have letters or digits for the full-text query, whether notes are
# searched (prefecture) and which kinds' scopes are empty or unrestricted (national). It is
# compiled once per shape with marker values, kept, and each search puts its own values (the
# words' patterns, its full-text queries, its scope's ids) in the markers' places; a marker left
# anywhere, or a value met twice, and the statement is built again the usual way.
_STATEMENTS: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_SCOPE_MARK = 1_999_999_000  # an id no table reaches: the scope's marker ids start there


def _word_mark(index: int, word: str) -> str:
    """A marker of the same shape as ``word``: digits for a number, letters for a word, neither
    for a word of signs only (which has no full-text query)."""
    if word.isdigit():
        return f"8{index:02d}4719036251"
    if re.search(r"\w", word):
        return f"qzxmark{chr(97 + index % 26)}{chr(97 + index // 26 % 26)}qzx"
    return "¤§" + "~" * (index + 1) + "§¤"


def _full_text_value(word: str) -> str:
    return " & ".join(f"{token}:*" for token in re.findall(r"\w+", word))


def _parts(
    searched: list[CaseKind], words: list[str], exchanges: tuple[Text, ...], scopes: list[Any], text: str
) -> list[Any]:
    """Each kind's first ``PER_KIND`` matching cases, as ``(kind's index, id)`` rows."""
    parts = []
    for index, kind in enumerate(searched):
        fields = SEARCHED.get(kind.code, ("department__name",))
        annotations, condition = _condition(kind, fields, TEXTS.get(kind.code, ()) + exchanges, words)
        if text.isdigit():
            condition |= Q(pk=int(text))
        parts.append(
            cases_with_ids(kind, scopes[index])
            .annotate(**annotations)
            .filter(condition)
            .annotate(_kind=Value(index))
            .values_list("_kind", "pk")
            .distinct()
            .order_by("pk")[:PER_KIND]
        )
    return parts


def _kept_rows(
    searched: list[CaseKind], words: list[str], exchanges: tuple[Text, ...], scopes: list[Any]
) -> list[Any] | None:
    """The search's rows through its kept statement (``None``: it could not be used)."""
    shape = (
        connection.settings_dict["NAME"],
        tuple(word.isdigit() for word in words),
        tuple(bool(re.search(r"\w", word)) for word in words),
        tuple((text.model, text.field) for text in exchanges),
        tuple(None if scope is None else (scope[0], bool(scope[1])) for scope in scopes),
    )
    marks = [_word_mark(index, word) for index, word in enumerate(words)]
    kept = _STATEMENTS.get(shape)
    if kept is None:
        marked_scopes = [
            None if scope is None else (scope[0], [_SCOPE_MARK + index] if scope[1] else [])
            for index, scope in enumerate(scopes)
        ]
        parts = _parts(searched, marks, exchanges, marked_scopes, "")
        try:
            sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
        except EmptyResultSet:
            return []
        kept = (sql, tuple(params))
        if len(_STATEMENTS) < 256:  # a few shapes in practice; never an unbounded memory
            _STATEMENTS[shape] = kept
    sql, params = kept
    values: dict[Any, Any] = {}
    for mark, word in zip(marks, words, strict=True):
        pattern = connection.ops.prep_for_like_query(word)
        values.update({f"%{mark}%": f"%{pattern}%", f"{mark}:*": _full_text_value(word), mark: word})
    for index, scope in enumerate(scopes):
        if scope is not None and scope[1]:
            values["{" + str(_SCOPE_MARK + index) + "}"] = "{" + ",".join(map(str, scope[1])) + "}"
    written = [values.get(param, param) if isinstance(param, str) else param for param in params]
    left = ("qzxmark", "¤§", str(_SCOPE_MARK)[:6], *marks)
    if any(isinstance(param, str) and any(mark in param for mark in left) for param in written):
        return None  # a marker not replaced: the statement is built the usual way
    with connection.cursor() as cursor:
        cursor.execute(sql, written)
        return list(cursor.fetchall())


def cases_search(*, user: Any, query: str) -> list[Hit]:
    """The cases of every kind the user may see that match every word typed (a SIRET typed with
    spaces is one word: its digits). Notes are searched for the prefecture team only."""
    text = unaccent(query.strip())[:200]
    if len(text) < 2 or not user.is_authenticated:
        return []
    if connection.vendor == "sqlite":  # a connection opened before this module was imported
        connection.ensure_connection()
        _register_sqlite_unaccent(None, connection)
    squeezed = text.replace(" ", "")
    words = [squeezed] if squeezed.isdigit() and len(squeezed) >= 9 else text.split()
    ignored = _stop_words(words)
    words = [word for word in words if word not in ignored] or words
    exchanges = tuple(text for text in EXCHANGES if not text.prefecture_only or is_prefecture(user))
    searched = kinds()
    scopes = [scope_ids(user, kind) for kind in searched]
    matched: dict[int, list[Any]] = {index: [] for index in range(len(searched))}
    rows: Any = None
    if searched and connection.features.supports_slicing_ordering_in_compound and not text.isdigit():
        rows = _kept_rows(searched, words, exchanges, scopes)
    if rows is None:
        parts = _parts(searched, words, exchanges, scopes, text)
        if parts and connection.features.supports_slicing_ordering_in_compound:
            # Every kind's matches in one statement (``UNION ALL`` of each kind's first PER_KIND):
            # a round trip per kind before, seven on every search.
            rows = parts[0].union(*parts[1:], all=True)
        else:  # SQLite: no LIMIT inside a compound statement
            rows = [row for part in parts for row in part]
    for index, pk in rows:
        matched[int(index)].append(pk)
    hits: list[Hit] = []
    for index, kind in enumerate(searched):
        if not matched[index]:
            continue
        found = kind.cases_statement().all(Ids(matched[index]))  # compiled once (one array of ids)
        hits.extend(Hit(kind=kind, case=case) for case in sorted(found, key=lambda case: case.pk))
    return hits
