from django.db import migrations, models

TRIPLE = "country-area-tag"


def count_triples(apps, schema_editor):
    # Keys gain a third id and each article its (country, area, tag) keys: recount every
    # published article (the live manager on this state's models, as 0011 and 0015 do).
    LinkTally = apps.get_model("articles", "LinkTally")
    LinkTally.objects.db_manager(schema_editor.connection.alias).rebuild()


def drop_triples(apps, schema_editor):
    db = schema_editor.connection.alias
    LinkTally = apps.get_model("articles", "LinkTally")
    ArticleTally = apps.get_model("articles", "ArticleTally")
    LinkTally.objects.using(db).filter(kind=TRIPLE).delete()
    for tally in ArticleTally.objects.using(db).iterator():
        tally.keys = [key[:4] for key in tally.keys if key[1] != TRIPLE]
        tally.save(update_fields=["keys"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_article_newest_index"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="linktally",
            name="link_tally_key",
        ),
        migrations.AddField(
            model_name="linktally",
            name="third",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="linktally",
            constraint=models.UniqueConstraint(
                fields=("language", "kind", "first", "second", "third"), name="link_tally_key"
            ),
        ),
        migrations.RunPython(count_triples, drop_triples),
    ]
