"""Versions of a photo's colouring page (PNG), of its vector form (SVG), and of a line
item's print-ready book (PDF).

A version is never deleted. Which version staff chose is the `is_selected` flag, held
unique per image by a partial unique constraint, so that `orders` needs no pointer
into this app. A book is not chosen: a line item's book is its newest completed one.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from orders.models import Image, LineItem, Order


class VersionStatus(models.TextChoices):
    """The statuses every kind of version has, with the same values and labels in each
    kind's own enum: what code handling any kind may name."""

    PENDING = "pending", "Čeká na odeslání"
    QUEUED = "queued", "Čeká ve frontě"
    PROCESSING = "processing", "Zpracovává se..."
    COMPLETED = "completed", "Dokončeno"
    ERROR = "error", "Chyba"


class ColoringStatus(models.TextChoices):
    PENDING = VersionStatus.PENDING.value, VersionStatus.PENDING.label
    QUEUED = VersionStatus.QUEUED.value, VersionStatus.QUEUED.label
    PROCESSING = VersionStatus.PROCESSING.value, VersionStatus.PROCESSING.label
    RUNPOD_SUBMITTING = "runpod_submitting", "Runpod: odesílání na server"
    RUNPOD_SUBMITTED = "runpod_submitted", "Runpod: úloha přijata"
    RUNPOD_QUEUED = "runpod_queued", "Runpod: čeká ve frontě"
    RUNPOD_PROCESSING = "runpod_processing", "Runpod: Probíhá zpracování"
    COMPLETED = VersionStatus.COMPLETED.value, VersionStatus.COMPLETED.label
    ERROR = VersionStatus.ERROR.value, VersionStatus.ERROR.label


class SvgStatus(models.TextChoices):
    PENDING = VersionStatus.PENDING.value, VersionStatus.PENDING.label
    QUEUED = VersionStatus.QUEUED.value, VersionStatus.QUEUED.label
    PROCESSING = VersionStatus.PROCESSING.value, VersionStatus.PROCESSING.label
    VECTORIZER_PROCESSING = "vectorizer_processing", "Vectorizer: Probíhá zpracování"
    COMPLETED = VersionStatus.COMPLETED.value, VersionStatus.COMPLETED.label
    ERROR = VersionStatus.ERROR.value, VersionStatus.ERROR.label


# The one definition of "in progress", shared by services, pages and the API: every
# status that is neither completed nor error (each kind's set: `VersionKind.in_progress`).
FINAL_STATUSES = frozenset({VersionStatus.COMPLETED, VersionStatus.ERROR})
# Waiting for a worker to take it: what a claim starts from.
STARTABLE = frozenset({VersionStatus.PENDING, VersionStatus.QUEUED})


class BookStatus(models.TextChoices):
    PENDING = VersionStatus.PENDING.value, VersionStatus.PENDING.label
    QUEUED = VersionStatus.QUEUED.value, VersionStatus.QUEUED.label
    PROCESSING = VersionStatus.PROCESSING.value, VersionStatus.PROCESSING.label
    COMPLETED = VersionStatus.COMPLETED.value, VersionStatus.COMPLETED.label
    ERROR = VersionStatus.ERROR.value, VersionStatus.ERROR.label


class BookLayout(models.TextChoices):
    GALLERY = "gallery", "Galerie"
    FULLPAGE = "fullpage", "Celostránková"


class Backend(models.TextChoices):
    RUNPOD = "runpod", "RunPod"
    VECTORIZER = "vectorizer", "Vectorizer.ai"
    LOCAL = "local", "Lokálně"


class ShapeStacking(models.TextChoices):
    STACKED = "stacked", "Vrstvené"
    CUTOUTS = "cutouts", "Výřezy"


class GroupBy(models.TextChoices):
    COLOR = "color", "Podle barvy"
    NONE = "none", "Žádné"
    PARENT = "parent", "Podle rodiče"
    LAYER = "layer", "Podle vrstvy"


def version_upload_to(version: VersionBase, filename: str) -> str:
    """The version's fixed file path, as its kind declares it (`processing.kinds`)."""
    # kinds imports this module for the models, so it is looked up at call time.
    from processing.kinds import kind_of

    return kind_of(version).file_path(version)


# A new colouring's and SVG's settings unless staff choose others: the one definition,
# read by the models, the services, the pages' forms and the API.
DEFAULT_MEGAPIXELS = 1.0
DEFAULT_STEPS = 4
DEFAULT_SHAPE_STACKING = ShapeStacking.STACKED
DEFAULT_GROUP_BY = GroupBy.COLOR


class Verdict(models.TextChoices):
    """Staff's judgement of a colouring page in the review workspace (blank: not judged)."""

    APPROVED = "approved", "Schváleno"
    REJECTED = "rejected", "Zamítnuto"


class RejectReason(models.TextChoices):
    """Why a page was rejected: what automatic checks cannot see."""

    FACE_LIKENESS = "face_likeness", "Obličej nepodobný"
    WRONG_SUBJECT_COUNT = "wrong_subject_count", "Špatný počet postav"
    ANATOMY = "anatomy", "Chybná anatomie"
    MISSING_SUBJECT_OR_OBJECT = "missing_subject_or_object", "Chybí postava nebo předmět"
    COMPOSITION = "composition", "Kompozice"
    CROP = "crop", "Ořez"
    SOLID_FILL = "solid_fill", "Černé plochy"
    TOO_DETAILED = "too_detailed", "Příliš detailní"
    TOO_SIMPLE = "too_simple", "Příliš jednoduché"
    OTHER = "other", "Jiný důvod"


class VersionBase(models.Model):
    """What a colouring and an SVG version share: number, status, timing, selection."""

    version = models.PositiveIntegerField("verze")
    # Each kind's model overrides `status` with its own choices and default.
    status = models.CharField("stav", max_length=24)
    file = models.FileField("soubor", upload_to=version_upload_to, max_length=500, blank=True)
    backend = models.CharField("backend", max_length=16, choices=Backend.choices, blank=True)
    error_message = models.TextField("chybová zpráva", blank=True)
    # One line per notable event (errors, retries, resumptions), oldest first: the
    # version's own history, kept when error_message is cleared by a retry.
    error_history = models.TextField("historie", blank=True)
    # How often the recovery sweep had to resume interrupted work; capped, so a photo
    # that kills its worker every time ends in `error` instead of looping for ever.
    recoveries = models.PositiveSmallIntegerField("obnovení", default=0)
    is_selected = models.BooleanField("vybraná", default=False)
    # Output checks' findings (codes of `processing.pipeline.page_checks`): a flagged
    # version is never auto-selected, and its card says why.
    flags = models.JSONField("příznaky kontroly", default=list, blank=True)
    # What making this version cost (settings' prices × the vendor's billed units), in
    # COST_CURRENCY; null until known, zero for local work.
    cost = models.DecimalField("cena", max_digits=10, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField("vytvořeno", default=timezone.now)
    started_at = models.DateTimeField("zahájeno", null=True, blank=True)
    completed_at = models.DateTimeField("dokončeno", null=True, blank=True)
    updated_at = models.DateTimeField("změněno", auto_now=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["image", "version"]

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_in_progress(self) -> bool:
        return not self.is_final


class ColoringVersion(VersionBase):
    Status = ColoringStatus

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="coloring_versions", verbose_name="fotka"
    )
    status = models.CharField(
        "stav", max_length=24, choices=ColoringStatus.choices, default=ColoringStatus.QUEUED
    )
    megapixels = models.FloatField("megapixely", default=DEFAULT_MEGAPIXELS)
    steps = models.PositiveSmallIntegerField("kroky", default=DEFAULT_STEPS)
    runpod_job_id = models.CharField("RunPod úloha", max_length=100, blank=True)
    runpod_submitted_at = models.DateTimeField("odesláno na RunPod", null=True, blank=True)
    # POSTs to /run that were started (each may be a paid job).
    runpod_submit_attempts = models.PositiveSmallIntegerField("pokusy o odeslání", default=0)
    # Submissions cut off before the job id was stored: resubmitted at most once.
    runpod_interrupted_submits = models.PositiveSmallIntegerField("přerušená odeslání", default=0)
    # Advanced by every poll; a poll task carries the value it expects, so duplicate
    # poll chains (a re-delivered message, a recovery re-schedule) merge into one.
    runpod_poll_seq = models.PositiveIntegerField("pořadí dotazu", default=0)
    runpod_execution_ms = models.PositiveIntegerField("RunPod výpočet (ms)", null=True, blank=True)
    runpod_delay_ms = models.PositiveIntegerField("RunPod čekání (ms)", null=True, blank=True)
    verdict = models.CharField("posouzení", max_length=16, choices=Verdict.choices, blank=True)
    reject_reason = models.CharField(
        "důvod zamítnutí", max_length=32, choices=RejectReason.choices, blank=True
    )
    verdict_by = models.CharField("posoudil(a)", max_length=150, blank=True)
    verdict_at = models.DateTimeField("posouzeno", null=True, blank=True)

    class Meta(VersionBase.Meta):
        verbose_name = "verze omalovánky"
        verbose_name_plural = "verze omalovánek"
        constraints = [
            models.UniqueConstraint(fields=["image", "version"], name="uq_coloring_version"),
            models.UniqueConstraint(
                fields=["image"],
                condition=models.Q(is_selected=True),
                name="uq_coloring_selected_per_image",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="coloring_status_idx")]

    def __str__(self) -> str:
        return f"Omalovánka v{self.version}"


class SvgVersion(VersionBase):
    Status = SvgStatus

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="svg_versions", verbose_name="fotka"
    )
    coloring_version = models.ForeignKey(
        ColoringVersion,
        on_delete=models.PROTECT,
        related_name="svg_versions",
        verbose_name="zdrojová omalovánka",
    )
    status = models.CharField(
        "stav", max_length=24, choices=SvgStatus.choices, default=SvgStatus.QUEUED
    )
    shape_stacking = models.CharField(
        "vrstvení tvarů",
        max_length=16,
        choices=ShapeStacking.choices,
        default=DEFAULT_SHAPE_STACKING,
    )
    group_by = models.CharField(
        "seskupení", max_length=16, choices=GroupBy.choices, default=DEFAULT_GROUP_BY
    )
    credits_charged = models.DecimalField(
        "účtované kredity", max_digits=10, decimal_places=3, null=True, blank=True
    )
    # Vectorizer.ai's token for fetching this result again in other formats unbilled.
    vectorizer_image_token = models.CharField("Vectorizer token", max_length=200, blank=True)

    class Meta(VersionBase.Meta):
        verbose_name = "verze SVG"
        verbose_name_plural = "verze SVG"
        constraints = [
            models.UniqueConstraint(fields=["image", "version"], name="uq_svg_version"),
            models.UniqueConstraint(
                fields=["image"],
                condition=models.Q(is_selected=True),
                name="uq_svg_selected_per_image",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="svg_status_idx")]

    def __str__(self) -> str:
        return f"SVG v{self.version}"


class BookVersion(VersionBase):
    """One print-ready PDF of one line item (one book), built from the selected SVG of
    every photo of it, in photo order. `sources` records which SVG versions those were,
    so a book built before a later change of selection shows as stale."""

    Status = BookStatus

    line_item = models.ForeignKey(
        LineItem, on_delete=models.CASCADE, related_name="book_versions", verbose_name="položka"
    )
    status = models.CharField(
        "stav", max_length=24, choices=BookStatus.choices, default=BookStatus.QUEUED
    )
    layout = models.CharField("rozvržení", max_length=16, choices=BookLayout.choices)
    page_count = models.PositiveSmallIntegerField("počet stran", null=True, blank=True)
    # Built with fewer (or more) photos than the variant's "/ N", confirmed by staff:
    # shown as "neúplná kniha" wherever the book is, for good.
    incomplete = models.BooleanField("neúplná kniha", default=False)
    sources = models.JSONField("zdrojová SVG", default=list, blank=True)

    class Meta(VersionBase.Meta):
        ordering = ["line_item", "version"]
        verbose_name = "verze knihy"
        verbose_name_plural = "verze knih"
        constraints = [
            models.UniqueConstraint(fields=["line_item", "version"], name="uq_book_version"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="book_status_idx")]

    def __str__(self) -> str:
        return f"Kniha v{self.version}"


class AutopilotWait(models.TextChoices):
    """What an order waits for after an autopilot pass (blank: nothing, work runs)."""

    NONE = "", "Nic, zpracovává se"
    PHOTOS = "photos", "Stažení fotek"
    INTAKE = "intake", "Kontrola fotek"
    HELD = "held", "Zadrženo kontrolou fotek"
    REVIEW = "review", "Ke kontrole"
    ERROR = "error", "Chyba"


# What waits for a person (the order list's banner counts these), not for the machine.
AUTOPILOT_PERSON_WAITS = frozenset({AutopilotWait.HELD, AutopilotWait.REVIEW, AutopilotWait.ERROR})


class AutopilotRun(models.Model):
    """The autopilot's last pass over one order (`processing.services.autopilot`): when,
    what it started, and what the order waits for now. One row per order, rewritten by
    every pass; what a pass started is also in the order's history."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="autopilot_run", verbose_name="objednávka"
    )
    passed_at = models.DateTimeField("poslední průchod", default=timezone.now, db_index=True)
    passes = models.PositiveIntegerField("průchodů", default=0)
    # {"coloring": n, "svg": n, "book": n}: what the last pass started.
    started = models.JSONField("spuštěno", default=dict, blank=True)
    waiting = models.CharField(
        "čeká na", max_length=16, choices=AutopilotWait.choices, blank=True, default=""
    )
    detail = models.TextField("podrobnosti", blank=True)

    class Meta:
        verbose_name = "průchod autopilota"
        verbose_name_plural = "průchody autopilota"
        indexes = [models.Index(fields=["waiting", "passed_at"], name="autopilot_waiting_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.get_waiting_display()}"
