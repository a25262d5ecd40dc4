"""Create or reuse the demo editor account and print how to sign in to the admin."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "editor"
DEFAULT_DEMO_PASSWORD = "summit-demo-editor"


class Command(BaseCommand):
    help = "Create or reuse the demo editor account (debug mode only) and print its credentials."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            # A known password must never exist on a production database.
            self.stdout.write(
                "Admin: create an account with `.venv/bin/python manage.py createsuperuser`."
            )
            return
        password = os.environ.get("DEMO_EDITOR_PASSWORD", DEFAULT_DEMO_PASSWORD)
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"first_name": "Demo", "last_name": "Editor", "email": "editor@example.org"},
        )
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Reusing"
        self.stdout.write(
            f"{verb} the demo editor. Admin: sign in as '{DEMO_USERNAME}' "
            f"with password '{password}'."
        )
