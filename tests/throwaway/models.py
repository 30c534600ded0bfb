"""A sticker made from a photo: a version kind that no product code knows of."""

from __future__ import annotations

from django.db import models

from orders.models import Image
from processing.models import VersionBase, VersionStatus, version_upload_to


class StickerStatus(models.TextChoices):
    PENDING = VersionStatus.PENDING.value, VersionStatus.PENDING.label
    QUEUED = VersionStatus.QUEUED.value, VersionStatus.QUEUED.label
    PROCESSING = VersionStatus.PROCESSING.value, VersionStatus.PROCESSING.label
    CUTTING = "cutting", "Vyřezává se"
    COMPLETED = VersionStatus.COMPLETED.value, VersionStatus.COMPLETED.label
    ERROR = VersionStatus.ERROR.value, VersionStatus.ERROR.label


class StickerVersion(VersionBase):
    Status = StickerStatus

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="sticker_versions")
    file = models.FileField(upload_to=version_upload_to, max_length=500, blank=True)
    status = models.CharField(
        max_length=24, choices=StickerStatus.choices, default=StickerStatus.QUEUED
    )
    fail_with = models.CharField(max_length=200, blank=True)  # the test's way to make it fail

    class Meta(VersionBase.Meta):
        app_label = "throwaway"
        constraints = [
            models.UniqueConstraint(fields=["image", "version"], name="uq_sticker_version"),
        ]
