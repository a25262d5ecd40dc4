"""The lead image's focal point becomes a point (percent across and down) instead of a keyword.

Each keyword becomes the point it meant (`center` the middle, `top` the middle of the top
edge, ...); going back, a point becomes the keyword nearest to it.
"""

import django.core.validators
from django.db import migrations, models

# Keyword -> (across, down), in percent from the top-left corner.
FOCAL_POINTS = {
    "center": (50, 50),
    "top": (50, 0),
    "bottom": (50, 100),
    "left": (0, 50),
    "right": (100, 50),
}


def keyword_for(x: int, y: int) -> str:
    """The keyword whose point is nearest to (x, y); the centre on a tie."""
    return min(
        FOCAL_POINTS,
        key=lambda word: (
            (FOCAL_POINTS[word][0] - x) ** 2 + (FOCAL_POINTS[word][1] - y) ** 2,
            word != "center",
        ),
    )


def keywords_to_points(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for keyword, (x, y) in FOCAL_POINTS.items():
        if keyword != "center":  # the new fields' default already is the centre
            Article.objects.filter(lead_image_focus=keyword).update(
                lead_image_focal_x=x, lead_image_focal_y=y
            )


def points_to_keywords(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    points = (
        Article.objects.exclude(lead_image_focal_x=50, lead_image_focal_y=50)
        .values_list("lead_image_focal_x", "lead_image_focal_y")
        .distinct()
    )
    for x, y in list(points):
        Article.objects.filter(lead_image_focal_x=x, lead_image_focal_y=y).update(
            lead_image_focus=keyword_for(x, y)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0016_editors_desk"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="lead_image_focal_x",
            field=models.PositiveSmallIntegerField(
                default=50,
                help_text=(
                    "Where the subject of the picture is, from the left edge (0) to the right "
                    "(100). Crops for cards and social media keep it in view."
                ),
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="focal point across (%)",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="lead_image_focal_y",
            field=models.PositiveSmallIntegerField(
                default=50,
                help_text="From the top edge (0) to the bottom (100).",
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="focal point down (%)",
            ),
        ),
        migrations.RunPython(keywords_to_points, points_to_keywords),
        migrations.RemoveField(
            model_name="article",
            name="lead_image_focus",
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("lead_image_focal_x__lte", 100), ("lead_image_focal_y__lte", 100)),
                name="article_lead_image_focal_point_in_picture",
            ),
        ),
    ]
