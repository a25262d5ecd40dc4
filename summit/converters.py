from django.urls import register_converter


class UnicodeSlugConverter:
    """Like Django's `slug`, but accepts letters of any script (防災, энергетика).

    The length cap turns absurdly long paths into a plain 404 before any query runs.
    """

    regex = r"[-\w]{1,220}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(UnicodeSlugConverter, "uslug")
