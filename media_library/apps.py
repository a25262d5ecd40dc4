from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaLibraryConfig(AppConfig):
    name = "media_library"
    verbose_name = _("Media library")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from media_library import signals
        from media_library.models import Image

        uid = "media_library.files"
        post_save.connect(signals.image_saved, sender=Image, dispatch_uid=f"{uid}.saved")
        post_delete.connect(signals.image_deleted, sender=Image, dispatch_uid=f"{uid}.deleted")
