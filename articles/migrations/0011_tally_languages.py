from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_translations")]

    operations = []
