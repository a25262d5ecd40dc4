"""Create a newsroom account with a role: `manage.py create_editor USERNAME --role editor`.

The password is read from $SUMMIT_EDITOR_PASSWORD when set (for scripts), otherwise asked for
twice at the terminal. It must pass the site's password validators.
"""

from __future__ import annotations

import getpass
import os
import sys
from argparse import ArgumentParser

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from summit.roles import ROLE_CHOICES

PASSWORD_VARIABLE = "SUMMIT_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = "Create a staff account with the Editor or Contributor role."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLE_CHOICES), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        username: str = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"An account named '{username}' already exists; change its role in the admin "
                "(Users → Groups)."
            )
        try:
            group = Group.objects.get(name=ROLE_CHOICES[options["role"]])
        except Group.DoesNotExist:
            raise CommandError("The roles are missing: run `manage.py migrate` first.") from None
        user = User(
            username=username,
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_staff=True,
        )
        password = self._password(user)
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f"Created {group.name.lower()} '{username}'. Sign in at /admin/.")
        )

    def _password(self, user) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"No terminal to ask for a password: set ${PASSWORD_VARIABLE} instead."
                )
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
