# The first id of each page of a language's sitemap, read from an index (issue #12): pages
# are id ranges, and every 500th published id was read from the table and sorted.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0026_search_window_by_btree"),
        ("countries", "0006_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["language", "id", "publish_at"],
                name="article_published_id_idx",
            ),
        ),
    ]
