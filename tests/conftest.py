import os

# Loaded by pytest before pytest-django imports the settings, so the one settings module can
# keep refusing to start without a secret key everywhere else.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-deployment")
