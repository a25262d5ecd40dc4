import pytest


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    """Uploads made by a test go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    # Production's manifest storage needs collectstatic; tests serve the source files instead.
    settings.STATIC_ROOT = None
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
