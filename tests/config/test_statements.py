"""Querysets compiled once (``config.statements``): every statement of the product gives the SQL,
parameters and rows of its queryset built afresh, and the mechanism keeps only what it may."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

import pytest

from accounts.models import AbsenceCover, Role, User
from config.statements import STATEMENTS, Compiled, Ids, any_of_registered
from notifications.notices import Notice
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.inbox import FollowFactory, MessageFactory, NoteFactory
from tests.factories.renewal import CommitmentFactory

pytestmark = pytest.mark.django_db


def _comparable(row: Any, depth: int = 0) -> Any:
    """A row as a value: a model instance by its fields and those of the related rows it holds
    (two levels: a row's related rows may point back to it)."""
    if hasattr(row, "_meta"):
        fields = {key: value for key, value in row.__dict__.items() if not key.startswith("_")}
        related = (
            {name: _comparable(value, depth + 1) for name, value in row._state.fields_cache.items()}
            if depth < 2
            else {}
        )
        return (type(row).__name__, fields, related)
    return row


def _every_statement() -> list[Compiled]:
    """The product's statements: those of modules imported with the URL conf, and those made
    per case kind on first use (the history's, the last history row's)."""
    from workflows.cases.registry import kinds
    from workflows.cases.risk import _history_version
    from workflows.cases.tasks import kind_statements

    get_resolver().url_patterns  # noqa: B018 (imports every view and what it reads)
    for kind in kinds():
        kind.history_statement()
        kind.cases_statement()
        _history_version(kind)
        if kind.flow is not None:
            kind_statements(kind)
    return [statement for statement in STATEMENTS if not statement.name.startswith("tests.")]


@pytest.fixture
def case_rows(make_user: MakeUser) -> dict[str, Any]:
    """A launched renovation with a commitment, a document-less history, a note, a message, a
    follower, a party and its history, and an unread notice: rows for every statement to find."""
    from tests.workflows.renewal.helpers import nord_contract
    from workflows.cases.parties import Party
    from workflows.cases.party_services import party_add
    from workflows.renewal.services import renewal_launch

    agent = make_user(Role.AGENT, "59")
    referent = make_user(Role.CGET_REFERENT)
    renewal, _ = renewal_launch(city_contract=nord_contract(0), user=agent)
    CommitmentFactory.create(renewal=renewal)
    NoteFactory.create(case=renewal, author=agent)
    MessageFactory.create(case=renewal, author=referent)
    FollowFactory.create(case=renewal, user=agent)
    party_add(case=renewal, user=agent, role=Party.Role.MAYOR, name="Maire de Lille")
    Notice.objects.create(recipient=agent, event="assigned", key="test-statements", title="Une tâche")
    absent = make_user(Role.AGENT, "59")
    spring = {"starts_on": dt.date(2019, 2, 1), "ends_on": dt.date(2019, 3, 31)}
    AbsenceCover.objects.create(user=absent, colleague=agent, **spring)
    return {"renewal": renewal, "agent": agent, "type": ContentType.objects.get_for_model(renewal)}


def test_every_statement_gives_the_sql_and_rows_of_its_queryset(case_rows: dict[str, Any]) -> None:
    ids = (case_rows["renewal"].pk, case_rows["type"].pk, case_rows["agent"].pk)
    days = (dt.date(2019, 3, 1), dt.date(2019, 7, 31))
    several = (Ids(ids), Ids([case_rows["renewal"].pk]))
    statements = _every_statement()
    assert len(statements) >= 12, [statement.name for statement in statements]
    with_rows = set()
    for statement in statements:
        if str in statement.types:  # strings: their own tests (below; the session's: tests/accounts)
            assert statement.name == "accounts.sessions:_live", statement
            continue
        choices = [ids if kind is int else days if kind is dt.date else several for kind in statement.types]
        for values in itertools.product(*choices):
            kept = statement.sql_with_params(*values)
            if Ids in statement.types and connection.vendor != "postgresql":
                assert kept is None  # elsewhere ids are as many parameters: built at every call
            else:
                assert kept is not None, f"{statement} is not kept: it is built at every call"
                assert kept == statement.build(*values).query.sql_with_params(), (statement, values)
            rows = [_comparable(row) for row in statement.all(*values)]
            assert rows == [_comparable(row) for row in statement.build(*values)], (statement, values)
            if rows:
                with_rows.add(statement)
    # The comparisons were not of empty lists: the fixture's rows were found by the statements of
    # the renovation, its history, notes, messages, parties, follower, notice, cover and user.
    assert len(with_rows) >= 13, sorted(statement.name for statement in with_rows)


def test_a_statement_reads_its_related_rows_in_its_one_query(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    statement = Compiled(lambda pk: User.objects.select_related("organisation__department").filter(pk=pk), int)
    statement.all(agent.pk)  # compiled
    with CaptureQueriesContext(connection) as queries:
        user = statement.first(agent.pk)
        assert user.organisation.department.code == "59"
        assert statement.first(0) is None
    assert len(queries) == 2  # no query for the organisation or its département


def test_a_string_value_is_written_as_it_was_given() -> None:
    statement = Compiled(lambda code: Department.objects.filter(code=code).values_list("name", flat=True), str)
    assert statement.sql_with_params("59") is not None
    assert statement.all("59") == ["Nord"]
    assert statement.all("2A") == list(Department.objects.filter(code="2A").values_list("name", flat=True))
    assert statement.all("5%") == []  # no pattern: an exact value


@pytest.mark.parametrize(
    "build",
    [
        # A lookup that escapes or changes its value: « 5% » would need escaping, a marker does not.
        lambda code: Department.objects.filter(code__contains=code),
        lambda code: Department.objects.filter(code__startswith=code),
        lambda code: Department.objects.filter(name__istartswith=code),
    ],
)
def test_a_lookup_that_changes_its_value_is_never_kept(build: Any) -> None:
    statement = Compiled(build, str)
    assert statement.sql_with_params("5") is None
    assert [d.code for d in statement.all("5%")] == [d.code for d in build("5%")]
    assert {d.code for d in statement.all("59")} == {d.code for d in build("59")}


def test_a_value_that_changes_the_sql_is_never_kept() -> None:
    # The value picks a branch: the two markers give two statements.
    statement = Compiled(
        lambda pk: Department.objects.filter(Q(pk=pk) if pk % 2 else Q(code="59")).values_list("code", flat=True), int
    )
    assert statement.sql_with_params(1) is None
    nord = Department.objects.get(code="59")
    assert statement.all(nord.pk) == list(
        Department.objects.filter(Q(pk=nord.pk) if nord.pk % 2 else Q(code="59")).values_list("code", flat=True)
    )


def test_an_empty_queryset_and_a_small_integer_are_built_every_time() -> None:
    empty = Compiled(lambda pk: Department.objects.filter(pk__in=[]).filter(pk=pk), int)
    assert empty.sql_with_params(1) is None
    assert empty.all(1) == []


def test_a_value_of_another_type_is_built_the_usual_way() -> None:
    statement = Compiled(lambda code: Department.objects.filter(code=code).values_list("name", flat=True), str)
    assert statement.all(None) == []
    nord = Department.objects.get(code="59")
    by_pk = Compiled(lambda pk: Department.objects.filter(pk=pk).values_list("code", flat=True), int)
    assert by_pk.all(str(nord.pk)) == ["59"]
    assert by_pk.all(True) == list(Department.objects.filter(pk=True).values_list("code", flat=True))


def test_prefetch_into_answers_the_related_manager_without_a_query(make_user: MakeUser) -> None:
    contract = CityContract.objects.filter(department__code="59").order_by("code").first()
    assert contract is not None
    statement = Compiled(lambda pk: CityContract.objects.filter(department_id=pk).order_by("code"), int)
    department = Department.objects.get(code="59")
    statement.prefetch_into(department, "city_contracts", department.pk)
    with CaptureQueriesContext(connection) as queries:
        listed = list(department.city_contracts.all())
        assert listed[0].department is department
        assert department.city_contracts.exists()
    assert len(queries) == 0
    assert [c.pk for c in listed] == list(
        CityContract.objects.filter(department=department).order_by("code").values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_thread_compiles_on_its_own_connection() -> None:
    statement = Compiled(lambda code: Department.objects.filter(code=code).values_list("name", flat=True), str)
    answers: dict[str, Any] = {}

    def read(code: str) -> None:
        try:
            answers[code] = statement.all(code)
            answers[code + ":kept"] = "_compiled_statements" in connections["default"].__dict__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read, args=(code,)) for code in ("59", "62", "75")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers["59"] == ["Nord"] and answers["62"] == ["Pas-de-Calais"] and answers["75"] == ["Paris"]
    assert answers["59:kept"] and answers["62:kept"]


def test_ids_are_one_parameter_whatever_their_number(make_user: MakeUser) -> None:
    """``Ids``: an ``= ANY(%s::…[])`` of one array parameter on PostgreSQL, so one statement for
    any number of ids; elsewhere (SQLite) ``IN (%s, …)``, built at every call."""
    any_of_registered(Department._meta.pk)
    statement = Compiled(lambda ids: Department.objects.filter(pk__any_of=ids).order_by("code"), Ids)
    wanted = list(Department.objects.filter(code__in=["59", "62", "2A"]).values_list("pk", flat=True))
    for chosen in ([wanted[0]], wanted, [*wanted, 0, 1_999_999_100]):
        assert [d.pk for d in statement.all(Ids(chosen))] == [d.pk for d in statement.build(Ids(chosen))]
    assert sorted(d.code for d in statement.all(Ids(wanted))) == ["2A", "59", "62"]
    kept = statement.sql_with_params(Ids(wanted))
    if connection.vendor == "postgresql":
        assert kept is not None and kept[1] == ("{" + ",".join(map(str, wanted)) + "}",)
    else:
        assert kept is None
    with CaptureQueriesContext(connection) as queries:
        assert statement.all(Ids([])) == []  # no id: nothing to read, no query
    assert len(queries) == 0
    assert statement.all([wanted[0]]) == list(statement.build([wanted[0]]))  # a list: built the usual way


# --- A task's status written in the SQL, and the statements PostgreSQL prepares ---------------


def test_a_task_status_is_written_in_the_sql_only_when_it_is_one_of_its_choices() -> None:
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    def where(queryset: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = queryset.order_by().query.sql_with_params()
        return sql[sql.index("WHERE") :], tuple(params)

    assert where(Task.objects.filter(status=STATUS.NEW)) == ('WHERE "viewflow_task"."status" = \'NEW\'', ())
    assert where(Task.objects.filter(status__in=[STATUS.NEW, "ASSIGNED", None, STATUS.NEW])) == (
        "WHERE \"viewflow_task\".\"status\" IN ('NEW', 'ASSIGNED')",
        (),
    )
    assert where(Task.objects.exclude(status__in=[STATUS.DONE]))[1] == ()
    # Anything else is a parameter, as Django writes it: never a word of the caller in the SQL.
    hostile = "NEW' OR '1'='1"
    assert where(Task.objects.filter(status=hostile))[1] == (hostile,)
    assert where(Task.objects.filter(status__in=["NEW", "new"]))[1] == ("NEW", "new")
    assert not Task.objects.filter(status=hostile).exists()
    assert list(Task.objects.filter(status__in=[None])) == []  # nothing to compare with: no query
    # Registered on the task's column only: a process's status, of the same name, is a parameter.
    from viewflow.workflow.models import Process

    assert Process.objects.filter(status="NEW").query.sql_with_params()[1] == ("NEW",)


def test_the_status_written_gives_the_rows_of_the_parameter(make_user: MakeUser) -> None:
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from tests.workflows.renewal.helpers import nord_contract
    from workflows.renewal.services import renewal_launch

    agent = make_user(Role.AGENT, "59")
    for index in range(3):
        renewal_launch(city_contract=nord_contract(index), user=agent)
    taken = Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN").order_by("pk").first()
    assert taken is not None
    Task.objects.filter(pk=taken.pk).update(status=STATUS.ASSIGNED)
    by_word = sorted(Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).values_list("pk", flat=True))
    by_regex = sorted(Task.objects.filter(status__regex=r"^(NEW|ASSIGNED)$").values_list("pk", flat=True))
    assert by_word == by_regex and taken.pk in by_word and len(by_word) >= 3
    assert list(Task.objects.filter(status=STATUS.ASSIGNED).values_list("pk", flat=True)) == [taken.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_prepared_inbox_statement_plans_with_the_open_tasks_index() -> None:
    """The plan PostgreSQL keeps for a prepared statement, made for any parameters (a generic
    plan), can use a partial index only when the SQL holds its condition: with ``status = $1``
    the queue's page was read through another index (ten thousand rows for fifty)."""
    import psycopg
    from psycopg import sql as psql
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    any_of_registered(Task._meta.get_field("process"))
    page = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW, process_id__any_of=Ids([1, 2, 3])).order_by(
        "created"
    )[:50]
    query, params = page.query.sql_with_params()
    assert query.count("%s") == len(params) and "%%" not in query
    pieces = query.split("%s")
    numbered = pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))
    connection.ensure_connection()
    pg = connection.connection
    assert pg.prepare_threshold == 5  # config/settings/base.py

    def generic_plan(statement: str, values: list[Any]) -> str:
        with pg.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            cursor.execute("SET enable_seqscan = off")  # a test database's few rows: an index or nothing
            cursor.execute(f"PREPARE inbox_page AS {statement}")
            try:
                explain = psql.SQL("EXPLAIN EXECUTE inbox_page ({})").format(
                    psql.SQL(", ").join(map(psql.Literal, values))
                )
                return "\n".join(row[0] for row in psycopg.ClientCursor(pg).execute(explain))
            finally:
                cursor.execute("DEALLOCATE inbox_page")
                cursor.execute("RESET plan_cache_mode")
                cursor.execute("RESET enable_seqscan")

    partial = re.compile(r"using (quartiers_task_(?:queue|queue_process|inbox|open_by_node|open_process)) ")
    plan = generic_plan(numbered, list(params))
    assert "ANY ($" in plan  # the generic plan: the ids are still a parameter
    assert partial.search(plan), plan
    # The same statement with the status a parameter, as Django wrote it: no partial index.
    assert "= 'NEW'" in numbered
    as_parameter = numbered.replace("= 'NEW'", f"= ${len(params) + 1}")
    assert not partial.search(generic_plan(as_parameter, [*params, STATUS.NEW.value]))
