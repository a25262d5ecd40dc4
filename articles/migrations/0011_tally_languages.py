import articles.models
from django.db import migrations, models
from django.db.models import Sum


def count_existing_articles(apps, schema_editor):
    # The historical LinkTally's manager is the live one (`use_in_migrations`), reading the
    # articles and links of this migration's state: every published article is counted again,
    # in its own language, in a few set-based queries per 5,000 articles.
    LinkTally = apps.get_model("articles", "LinkTally")
    LinkTally.objects.db_manager(schema_editor.connection.alias).rebuild()


def count_without_languages(apps, schema_editor):
    # Back to one count per key and keys without a language, as the code before this reads
    # them (the languages' counts add up; the old unique key would refuse them side by side).
    db = schema_editor.connection.alias
    LinkTally = apps.get_model("articles", "LinkTally")
    ArticleTally = apps.get_model("articles", "ArticleTally")
    tallies = LinkTally.objects.using(db)
    totals = list(tallies.values_list("kind", "first", "second").annotate(total=Sum("count")))
    tallies.all().delete()
    tallies.bulk_create(
        (LinkTally(language="en", kind=k, first=a, second=b, count=n) for k, a, b, n in totals),
        batch_size=5000,
    )
    counted = list(ArticleTally.objects.using(db).only("keys"))
    for tally in counted:
        tally.keys = [key[1:] for key in tally.keys]
    ArticleTally.objects.using(db).bulk_update(counted, ["keys"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_translations")]

    operations = [
        migrations.AlterModelManagers(
            name="linktally",
            managers=[
                ("objects", articles.models.LinkTallyManager()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="linktally",
            name="link_tally_key",
        ),
        migrations.AddField(
            model_name="linktally",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("ja", "Japanese"), ("ru", "Russian")],
                default="en",
                max_length=2,
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="linktally",
            constraint=models.UniqueConstraint(
                fields=("language", "kind", "first", "second"), name="link_tally_key"
            ),
        ),
        migrations.RunPython(count_existing_articles, count_without_languages),
    ]
