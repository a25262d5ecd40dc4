from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

# The default `SITE_TAGLINE`, marked for the catalogues: it is shown in the page's language.
# A tagline set to anything else is shown as written.
DEFAULT_TAGLINE = gettext_noop("Japan and Central Asia: summits, partners and cooperation")


def site_tagline() -> str:
    """`SITE_TAGLINE` in the active language, where the catalogues have it."""
    return gettext(settings.SITE_TAGLINE)


def site(request: HttpRequest) -> dict[str, str]:
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": site_tagline()}
