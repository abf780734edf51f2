"""A procedure: a fixed sequence of SQL statements, written once with SQLAlchemy
Core, that pass named values from one to the next.

It runs in two ways, from the one definition:

- step by step from Python, on any database (``run``): each statement is
  executed on the caller's session, in its transaction, and what it selects or
  returns becomes values for the statements after it;
- as one PostgreSQL function (``function_definition``, ``run_function``): the
  same statements, compiled to PL/pgSQL, the values held in its variables.
  One call is one round trip. Each statement in it takes a new snapshot, so a
  statement after a lock sees every row committed before the lock was granted
  (a single statement keeps the snapshot it started with, even after waiting).

Statements refer to values with ``Value`` (a typed placeholder): an input the
caller gives, a column a step selected or returned, or a field of the list
item a loop is at. A JSON column's value assembled from other values is a
``JsonObject``: a base the caller made JSON-ready (``plain_value``) and keys
filled from values as the procedure runs.
"""

import enum
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import JSON, Executable, Insert, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, TextClause
from sqlalchemy.sql.visitors import InternalTraversal, iterate
from sqlalchemy.types import DateTime, TypeEngine

_POSTGRESQL = postgresql.psycopg.dialect()  # type: ignore[attr-defined]


def plain_value(value: Any) -> Any:
    """A JSON-ready form of a column value: enumerations by value, times in ISO
    8601, decimals as text (exact)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def dumps(value: Any) -> str:
    """``value`` as JSON, every column value in it as ``plain_value`` gives it."""
    return json.dumps(value, default=plain_value)


def json_ready(value: Any) -> Any:
    """``value`` with every column value in it as ``plain_value`` gives it."""
    if isinstance(value, Mapping):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return plain_value(value)


class Value(ColumnElement[Any]):
    """A named value of a procedure, in one of its statements."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration
        ("name", InternalTraversal.dp_string),
        ("type", InternalTraversal.dp_type),
    ]

    def __init__(self, name: str, type_: TypeEngine[Any]) -> None:
        self.name = name
        self.type = type_


@compiles(Value)
def _compile_value(element: Value, compiler: Any, **kw: Any) -> str:
    variables: Mapping[str, str] | None = kw.get("plpgsql")
    if variables is not None:
        return variables[element.name]
    # Prefixed: a bind named after a column of the table written is SQLAlchemy's own.
    return str(compiler.process(bindparam(f"v_{element.name}", type_=element.type), **kw))


@dataclass(frozen=True)
class JsonObject:
    """A JSON value for a column: the object ``base`` (a value the caller made
    JSON-ready) with ``keys`` set from values of the procedure (integers, text
    and UTC times; times written as Python's ``isoformat`` writes them)."""

    name: str
    base: str
    keys: Mapping[str, str]

    def placeholder(self) -> Value:
        return Value(self.name, JSON())

    def make(self, values: Mapping[str, Any]) -> dict[str, Any]:
        filled = {key: plain_value(values[name]) for key, name in self.keys.items()}
        return {**values[self.base], **filled}

    def plpgsql(self, variables: Mapping[str, str], types: Mapping[str, TypeEngine[Any]]) -> str:
        filled = ", ".join(
            f"'{key}', {_json_scalar(variables[name], types[name])}"
            for key, name in self.keys.items()
        )
        return f"(({variables[self.base]})::jsonb || jsonb_build_object({filled}))::json"


def _json_scalar(variable: str, type_: TypeEngine[Any]) -> str:
    if not isinstance(type_, DateTime) and not isinstance(getattr(type_, "impl", None), DateTime):
        return variable
    utc = f"({variable}) AT TIME ZONE 'UTC'"
    fraction = (
        f"CASE WHEN extract(microseconds FROM {variable})::bigint % 1000000 = 0 "
        f"THEN '' ELSE to_char({utc}, '.US') END"
    )
    return f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || {fraction} || '+00:00')"


@dataclass(frozen=True)
class Lock:
    """Locks rows, on PostgreSQL only: SQLite's transactions take the whole
    database at BEGIN IMMEDIATE (``core.database``)."""

    statement: Executable


@dataclass(frozen=True)
class Fetch:
    """At most one row; its columns, by label, become values (null without a row)."""

    statement: Any


@dataclass(frozen=True)
class Stop:
    """Ends the procedure here unless every value of ``all_true`` is true and
    every value of ``all_null`` is null."""

    all_true: tuple[str, ...] = ()
    all_null: tuple[str, ...] = ()


@dataclass(frozen=True)
class Execute:
    """A write; the columns it returns, if any, become values. With ``when``, it
    runs only when that value is not null."""

    statement: Executable
    when: str | None = None


@dataclass(frozen=True)
class ForEach:
    """``steps`` for each object of the JSON list value ``items``; the object's
    fields (named and typed by ``fields``) are values ``<prefix>_<field>``."""

    items: str
    prefix: str
    fields: Mapping[str, TypeEngine[Any]]
    steps: Sequence["Step"]


Step = Lock | Fetch | Stop | Execute | ForEach


@dataclass
class Procedure:
    """``inputs``: the caller's values, in the order a call gives them;
    ``outputs``: the values it answers with."""

    name: str
    inputs: Mapping[str, TypeEngine[Any]]
    steps: Sequence[Step]
    outputs: Sequence[str]
    json_objects: Sequence[JsonObject] = field(default_factory=list)

    # -- step by step ----------------------------------------------------------

    def run(self, session: Session, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs, after running the steps on ``session`` in its transaction."""
        values = dict.fromkeys(self.types, None) | dict(inputs)
        locking = session.get_bind().dialect.name == "postgresql"
        self._run(session, self.steps, values, locking)
        return {name: values[name] for name in self.outputs}

    def _run(
        self, session: Session, steps: Sequence[Step], values: dict[str, Any], locking: bool
    ) -> bool:
        """False once a ``Stop`` has ended the procedure."""
        for step in steps:
            if isinstance(step, Lock):
                if locking:
                    session.execute(step.statement, self._bound(step.statement, values))
            elif isinstance(step, Fetch):
                row = session.execute(step.statement, self._bound(step.statement, values)).first()
                names = [c.key for c in step.statement.selected_columns]
                values.update(zip(names, row or [None] * len(names), strict=True))
            elif isinstance(step, Stop):
                if not _may_go_on(step, values):
                    return False
            elif isinstance(step, Execute):
                if step.when is not None and values[step.when] is None:
                    continue
                result = session.execute(step.statement, self._bound(step.statement, values))
                if _returning(step.statement):
                    values.update(result.one()._mapping)
            else:
                for item in values[step.items] or []:
                    values.update({f"{step.prefix}_{k}": item.get(k) for k in step.fields})
                    if not self._run(session, step.steps, values, locking):
                        return False
        return True

    def _bound(self, statement: Executable, values: Mapping[str, Any]) -> dict[str, Any]:
        objects = {o.name: o for o in self.json_objects}
        bound = {}
        for name in _value_names(statement):
            made = objects.get(name)
            bound[f"v_{name}"] = made.make(values) if made else values[name]
        return bound

    # -- one PostgreSQL function -----------------------------------------------

    def function_name(self) -> str:
        """The procedure's name and a digest of its definition: another version
        of the code calls another function, so two versions can serve one
        database while it is upgraded."""
        digest = hashlib.sha256(self._definition("f").encode()).hexdigest()[:12]
        return f"{self.name}_{digest}"

    def function_definition(self) -> str:
        return self._definition(self.function_name())

    @cached_property
    def call(self) -> TextClause:
        """``SELECT * FROM <function>(:input, …)``, typed both ways: each input
        bound as its column type binds it, each output read as its type reads it."""
        arguments = ", ".join(f":{name}" for name in self.inputs)
        statement = text(f"SELECT * FROM {self.function_name()}({arguments})")
        statement = statement.bindparams(
            *(bindparam(name, type_=type_) for name, type_ in self.inputs.items())
        )
        return statement.columns(**{f"o_{name}": self.types[name] for name in self.outputs})

    def run_function(self, session: Session, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs, from one call of the function in the session's transaction."""
        given = {
            name: json_ready(value) if isinstance(self.inputs[name], JSON) else value
            for name, value in inputs.items()
        }
        row = session.execute(self.call, given).one()
        return dict(zip(self.outputs, row, strict=True))

    def arguments(self, inputs: Mapping[str, Any]) -> list[Any]:
        """The call's arguments in order, as a driver sends them: each input bound
        as its column type binds it (an enumeration by name), JSON as text."""
        return [processor(inputs[name]) for name, processor in self._binders.items()]

    @cached_property
    def _binders(self) -> dict[str, Any]:
        def binder(type_: TypeEngine[Any]) -> Any:
            if isinstance(type_, JSON):
                return lambda value: None if value is None else dumps(value)
            processor = type_.bind_processor(_POSTGRESQL)
            return processor or (lambda value: value)

        return {name: binder(type_) for name, type_ in self.inputs.items()}

    def _definition(self, name: str) -> str:
        made = self.made
        variables = {name: f"p_{name}" for name in self.inputs}
        variables |= {name: f"v_{name}" for name in made}
        for loop in _loops(self.steps):
            variables |= {f"{loop.prefix}_{k}": f"{loop.prefix}.{k}" for k in loop.fields}
        for json_object in self.json_objects:
            variables[json_object.name] = json_object.plpgsql(variables, self.types)
        arguments = ", ".join(f"p_{n} {_sql_type(t)}" for n, t in self.inputs.items())
        answer = ", ".join(f"o_{n} {_sql_type(self.types[n])}" for n in self.outputs)
        declarations = "".join(f"  v_{n} {_sql_type(t)};\n" for n, t in made.items())
        declarations += "".join(f"  {loop.prefix} record;\n" for loop in _loops(self.steps))
        finish = "RETURN QUERY SELECT " + ", ".join(variables[n] for n in self.outputs) + ";"
        body = "\n".join(_plpgsql(self.steps, variables, finish, "  "))
        return (
            f"CREATE FUNCTION {name}({arguments})\n"
            f"RETURNS TABLE ({answer})\n"
            "LANGUAGE plpgsql\n"
            # Times as Python writes them; each statement planned once for every
            # call (a custom plan costs more than running the statement).
            "SET TimeZone = 'UTC'\n"
            "SET plan_cache_mode = force_generic_plan\n"
            f"AS $procedure$\nDECLARE\n{declarations}BEGIN\n{body}\n  {finish}\nEND\n"
            "$procedure$"
        )

    @cached_property
    def made(self) -> dict[str, TypeEngine[Any]]:
        """The values the steps make, with their types."""
        found: dict[str, TypeEngine[Any]] = {}
        for step in _walk(self.steps):
            if isinstance(step, Fetch):
                found |= {c.key: c.type for c in step.statement.selected_columns}
            elif isinstance(step, Execute) and _returning(step.statement):
                found |= {c.key: c.type for c in _returned(step.statement)}
        return found

    @cached_property
    def types(self) -> dict[str, TypeEngine[Any]]:
        every = dict(self.inputs) | self.made
        for loop in _loops(self.steps):
            every |= {f"{loop.prefix}_{k}": t for k, t in loop.fields.items()}
        return every


def _may_go_on(stop: Stop, values: Mapping[str, Any]) -> bool:
    return all(values[n] for n in stop.all_true) and all(values[n] is None for n in stop.all_null)


def _plpgsql(
    steps: Sequence[Step], variables: Mapping[str, str], finish: str, indent: str
) -> Iterator[str]:
    for step in steps:
        if isinstance(step, Lock):
            yield f"{indent}PERFORM {_sql(step.statement, variables).removeprefix('SELECT ')};"
        elif isinstance(step, Fetch):
            # A statement with no row leaves every target null, as ``run`` does.
            targets = ", ".join(variables[c.key] for c in step.statement.selected_columns)
            sql = _sql(step.statement, variables)
            yield f"{indent}SELECT * INTO {targets} FROM ({sql}) AS fetched;"
        elif isinstance(step, Stop):
            conditions = [f"coalesce({variables[n]}, false)" for n in step.all_true]
            conditions += [f"{variables[n]} IS NULL" for n in step.all_null]
            if not conditions:
                continue
            yield f"{indent}IF NOT ({' AND '.join(conditions)}) THEN"
            yield f"{indent}  {finish}"
            yield f"{indent}  RETURN;"
            yield f"{indent}END IF;"
        elif isinstance(step, Execute):
            sql = _sql(step.statement, variables)
            if _returning(step.statement):
                sql += " INTO " + ", ".join(variables[c.key] for c in _returned(step.statement))
            if step.when is None:
                yield f"{indent}{sql};"
            else:
                yield f"{indent}IF {variables[step.when]} IS NOT NULL THEN"
                yield f"{indent}  {sql};"
                yield f"{indent}END IF;"
        else:
            fields = ", ".join(f"{k} {_sql_type(t)}" for k, t in step.fields.items())
            items = f"jsonb_to_recordset(({variables[step.items]})::jsonb) AS item({fields})"
            yield f"{indent}FOR {step.prefix} IN SELECT * FROM {items} LOOP"
            yield from _plpgsql(step.steps, variables, finish, indent + "  ")
            yield f"{indent}END LOOP;"


def _walk(steps: Sequence[Step]) -> Iterator[Step]:
    for step in steps:
        yield step
        if isinstance(step, ForEach):
            yield from _walk(step.steps)


def _loops(steps: Sequence[Step]) -> list[ForEach]:
    return [step for step in _walk(steps) if isinstance(step, ForEach)]


def _returning(statement: Executable) -> bool:
    return bool(getattr(statement, "_returning", ()))


def _returned(statement: Executable) -> list[Any]:
    return list(statement._returning)  # type: ignore[attr-defined]


def _value_names(statement: Executable) -> list[str]:
    return list(dict.fromkeys(e.name for e in iterate(statement) if isinstance(e, Value)))


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _sql(statement: Executable, variables: Mapping[str, str]) -> str:
    """The statement in PostgreSQL's words, its values as PL/pgSQL variables and
    its constants written out (bound as each column type binds them)."""
    if isinstance(statement, Insert) and not _returning(statement):
        # Without it SQLAlchemy returns the new row's key, which PL/pgSQL would
        # have nowhere to put.
        statement = statement.inline()
    compiled = statement.compile(
        dialect=_POSTGRESQL, compile_kwargs={"render_postcompile": True, "plpgsql": variables}
    )
    processors = compiled._bind_processors  # type: ignore[attr-defined]
    constants = {}
    for name, constant in compiled.params.items():
        # An expanded IN list's items are named after the list's bind.
        bind = compiled.binds.get(name)
        if bind is None:
            bind = compiled.binds[name.rsplit("_", 1)[0]]
        if isinstance(bind.type, JSON):
            constants[name] = _literal(dumps(constant))
            continue
        processor = processors.get(name)
        constants[name] = _literal(processor(constant) if processor else constant)

    def written(match: re.Match[str]) -> str:
        return "%" if match.group(0) == "%%" else constants[match.group(1)]

    return _PLACEHOLDER.sub(written, str(compiled))


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _sql_type(type_: TypeEngine[Any]) -> str:
    return str(type_.compile(dialect=_POSTGRESQL))


def missing_functions(connection: Connection, procedures: Sequence[Procedure]) -> list[str]:
    """The functions of these procedures that the database does not hold yet."""
    names = [procedure.function_name() for procedure in procedures]
    held = set(
        connection.execute(
            text("SELECT proname FROM pg_proc WHERE proname = ANY(:names)"), {"names": names}
        ).scalars()
    )
    return [name for name in names if name not in held]


def install_functions(connection: Connection, procedures: Sequence[Procedure]) -> None:
    """Create the procedures' functions the database does not hold; those of
    other versions of the code are left for them."""
    missing = set(missing_functions(connection, procedures))
    driver = connection.connection.driver_connection
    assert driver is not None
    for procedure in procedures:
        if procedure.function_name() in missing:
            # Straight to the driver: the definition's % signs are SQL's, not placeholders.
            driver.execute(procedure.function_definition())
