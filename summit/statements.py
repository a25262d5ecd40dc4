"""Querysets built and compiled once per database, then run again with new values.

Building a queryset and compiling it to SQL costs the same whatever it reads: for the article
page's two statements (the article by its slug, its chosen related articles), 1.6 ms of an
8 ms page, twice what running them costs (issue #12). A `Statement` builds its queryset once
per database with a stand-in for each argument, compiles it, finds where the stand-ins went
among the SQL's parameters, and from then on runs that SQL with the real values in their
place, turning the rows into model instances as the queryset would have.

The queryset is still what decides what is read (`Article.objects.published()` and the rest),
so the rules stay in one place; only the compiling is skipped. What a statement cannot reuse
it refuses loudly, when it is first compiled: an argument whose stand-in is not found among
the parameters (made into something else, such as a LIKE pattern, or not used at all),
`select_related()`, `prefetch_related()`, `values()`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import ModelIterable

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # For each argument, the positions among `params` its value takes.
    slots: tuple[tuple[int, ...], ...]
    model: type[models.Model]
    init_names: tuple[str, ...]
    fields: slice
    annotations: tuple[tuple[str, int], ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


class Statement(Generic[M]):
    """`build(*arguments)` returns the queryset; `fields[i]` is the model field the i-th
    argument is compared with (what turns a value into a query parameter).

    `build` must give the same SQL for any values: everything else the statement depends on
    (the language, the time) has to be an argument, never read inside `build`.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]], *fields: models.Field) -> None:
        self.build = build
        self.fields = tuple(_value_field(field) for field in fields)
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        compiled = self._compiled.get(using) or self._compile(using)
        connection = connections[using]
        params = list(compiled.params)
        for field, value, slots in zip(self.fields, values, compiled.slots, strict=True):
            prepared = field.get_db_prep_value(value, connection, prepared=False)
            for position in slots:
                params[position] = prepared
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return [self._instance(compiled, row, using, connection) for row in rows]

    def _instance(self, compiled: _Compiled, row: Sequence[Any], using: str, connection) -> M:
        if compiled.converters:
            row = list(row)
            for position, converters, expression in compiled.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        instance = compiled.model.from_db(using, compiled.init_names, row[compiled.fields])
        for name, position in compiled.annotations:
            setattr(instance, name, row[position])
        return instance

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        stand_ins = [_stand_in(field, index) for index, field in enumerate(self.fields)]
        queryset = self.build(*stand_ins)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset.query.select_related
            or queryset._prefetch_related_lookups
        ):
            raise ValueError("A Statement reads model instances, without related lookups.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for field, stand_in in zip(self.fields, stand_ins, strict=True):
            wanted = field.get_db_prep_value(stand_in, connection, prepared=False)
            found = tuple(i for i, param in enumerate(params) if _same(param, wanted))
            if not found:
                raise ValueError(f"The statement's SQL does not compare {field} with a value.")
            slots.append(found)
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info.get("related_klass_infos"):
            raise ValueError("A Statement reads one model, without related lookups.")
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        converters = compiler.get_converters([column for column, _, _ in select])
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            model=klass_info["model"],
            init_names=tuple(column.target.attname for column, _, _ in select[first:last]),
            fields=slice(first, last),
            annotations=tuple(compiler.annotation_col_map.items()),
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in sorted(converters.items())
            ),
        )
        self._compiled[using] = compiled
        return compiled


def _value_field(field: models.Field) -> models.Field:
    """The field whose column holds the value: a foreign key's target."""
    return field.target_field if field.is_relation else field


# One random part per process: a value nobody's query holds by chance.
_TOKEN = secrets.randbelow(10**6)


def _stand_in(field: models.Field, index: int) -> Any:
    if isinstance(field, models.DateTimeField):
        return datetime(1901, 2, 3, 4, 5, 6, _TOKEN % 500_000 + index, tzinfo=UTC)
    if isinstance(field, models.IntegerField):  # auto fields too; within every integer range
        return 2_000_000_000 + _TOKEN * 100 + index
    if isinstance(field, models.CharField | models.TextField):
        return f"\x1fstand-in {index} {_TOKEN}"
    raise TypeError(f"No stand-in value for {field.__class__.__name__} {field}.")


def _same(param: Any, wanted: Any) -> bool:
    return type(param) is type(wanted) and param == wanted
