from django.db import migrations

MONTH_KINDS = ("month", "country-month", "area-month")


def count_months(apps, schema_editor):
    # Each published article now also counts under its publish month, alone and with each of
    # its countries and areas: recount (the live manager on this state's models).
    LinkTally = apps.get_model("articles", "LinkTally")
    LinkTally.objects.db_manager(schema_editor.connection.alias).rebuild()


def drop_months(apps, schema_editor):
    db = schema_editor.connection.alias
    LinkTally = apps.get_model("articles", "LinkTally")
    ArticleTally = apps.get_model("articles", "ArticleTally")
    LinkTally.objects.using(db).filter(kind__in=MONTH_KINDS).delete()
    for tally in ArticleTally.objects.using(db).iterator():
        tally.keys = [key for key in tally.keys if key[1] not in MONTH_KINDS]
        tally.save(update_fields=["keys"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_tally_country_area_tags"),
    ]

    operations = [migrations.RunPython(count_months, drop_months)]
