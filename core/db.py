"""Database expressions several apps use."""

from django.db.models import Aggregate, DecimalField, Func, JSONField


class JSONArrayAgg(Aggregate):
    """The values of a group as a JSON array (PostgreSQL jsonb_agg, SQLite json_group_array), unordered."""

    function = "JSONB_AGG"
    name = "JSONArrayAgg"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class Ratio(Func):
    """``a / b`` as a decimal: PostgreSQL divides numerics exactly; SQLite, which stores a whole decimal
    as an integer, would divide two of them as integers, so it divides as REAL there."""

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = DecimalField()

    def as_sqlite(self, compiler, connection, **extra_context):
        (a, a_params), (b, b_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(CAST({a} AS REAL) / {b})", (*a_params, *b_params)
