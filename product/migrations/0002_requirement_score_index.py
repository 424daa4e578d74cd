"""The ranked backlog's index: score highest first with unscored requirements last, then the manual
rank. PostgreSQL puts NULLs first in a descending index unless told otherwise; SQLite puts them
last and does not accept NULLS LAST in an index, so each gets its own spelling."""

from django.db import migrations

SQL = {
    "postgresql": "CREATE INDEX requirement_score ON product_requirement (workspace_id, score DESC NULLS LAST, rank, id)",
    "sqlite": "CREATE INDEX requirement_score ON product_requirement (workspace_id, score DESC, rank, id)",
}


def create(apps, schema_editor):
    schema_editor.execute(SQL[schema_editor.connection.vendor])


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX requirement_score")


class Migration(migrations.Migration):
    dependencies = [("product", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
