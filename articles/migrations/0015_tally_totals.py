from django.db import migrations


def count_totals(apps, schema_editor):
    # Each language's total joins the maintained counts: recount every published article
    # (the live manager on this state's models, as 0011 does).
    LinkTally = apps.get_model("articles", "LinkTally")
    LinkTally.objects.db_manager(schema_editor.connection.alias).rebuild()


def drop_totals(apps, schema_editor):
    db = schema_editor.connection.alias
    LinkTally = apps.get_model("articles", "LinkTally")
    ArticleTally = apps.get_model("articles", "ArticleTally")
    LinkTally.objects.using(db).filter(kind="total").delete()
    for tally in ArticleTally.objects.using(db).iterator():
        tally.keys = [key for key in tally.keys if key[1] != "total"]
        tally.save(update_fields=["keys"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_language_id_index")]

    operations = [migrations.RunPython(count_totals, drop_totals)]
