"""Summits and the promises made at them: events with their status history, and commitments.

Two write paths, one per record kind, so no caller repeats the bookkeeping:

- `Event.save()` records a `StatusChange` whenever the saved status differs from the last
  entry of the history, the first save included; `status_note` and `status_date` describe it.
- A commitment's `status` is always its latest `CommitmentUpdate`'s: saving or deleting an
  update moves it (`Commitment.sync_status()`), and a new commitment starts its history with
  an update of its own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from countries.models import CooperationArea, Country

CENTS = Decimal("0.01")
CURRENCY_CODE = RegexValidator(
    r"^[A-Z]{3}$", _("Use the three-letter ISO 4217 code in capitals, e.g. JPY, EUR, USD.")
)


class EventQuerySet(models.QuerySet):
    def upcoming(self, today: date | None = None) -> EventQuerySet:
        """Events not over yet (one under way counts), soonest first."""
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today).order_by("start_date", "name")

    def past(self, today: date | None = None) -> EventQuerySet:
        """Events that are over, latest first."""
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today).order_by("-start_date", "name")

    def expected(self) -> EventQuerySet:
        """Events still set to take place: not called off, not waiting for a new date."""
        return self.exclude(status__in=[Event.Status.CANCELLED, Event.Status.POSTPONED])

    def involving(self, country: Country) -> EventQuerySet:
        """Events a country hosts or takes part in (an EXISTS, so no duplicate rows)."""
        takes_part = Event.participants.through.objects.filter(
            event=OuterRef("pk"), country=country
        )
        return self.filter(Q(host_country=country) | Exists(takes_part))

    def on_agenda(self, area: CooperationArea) -> EventQuerySet:
        on_it = Event.agenda.through.objects.filter(event=OuterRef("pk"), cooperationarea=area)
        return self.filter(Exists(on_it))

    def in_year(self, year: int) -> EventQuerySet:
        """Events that start in `year` (a range on the indexed start date)."""
        return self.filter(start_date__gte=date(year, 1, 1), start_date__lt=date(year + 1, 1, 1))


class Event(models.Model):
    class Kind(models.TextChoices):
        SUMMIT = "summit", _("Summit")
        MINISTERIAL = "ministerial", _("Ministerial meeting")
        STATE_VISIT = "state_visit", _("State visit")
        FORUM = "forum", _("Forum")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        CONFIRMED = "confirmed", _("Confirmed")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text=_("Used in the page address."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUMMIT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), help_text=_("The last day; the same as the start for a one-day event.")
    )
    city = models.CharField(_("city"), max_length=100)
    host_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="hosted_events",
        verbose_name=_("host country"),
    )
    participants = models.ManyToManyField(
        Country,
        blank=True,
        related_name="events",
        verbose_name=_("participating countries"),
    )
    agenda = models.ManyToManyField(
        CooperationArea,
        blank=True,
        related_name="events",
        verbose_name=_("cooperation areas on the agenda"),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("In Markdown."))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.ANNOUNCED,
        help_text=_("Every change is kept in the status history with its date and note."),
    )
    articles = models.ManyToManyField(
        Article,
        blank=True,
        related_name="events",
        verbose_name=_("articles"),
        help_text=_("Coverage of this event; only published articles appear on its page."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="event_ends_after_it_starts"
            ),
        ]
        indexes = [
            # Upcoming and past lists, the calendar and the home page's next event.
            models.Index(fields=["end_date", "start_date"], name="event_end_start"),
            # ?year= and the past list's order.
            models.Index(fields=["start_date"], name="event_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, status_note: str = "", status_date: date | None = None, **kwargs) -> None:
        """Save, and record the status in the history when it differs from the last entry.

        `status_note` and `status_date` (today by default) describe that entry; they are
        ignored when the status did not change.
        """
        with transaction.atomic():
            super().save(*args, **kwargs)
            last = self.last_recorded_status()
            if last != self.status:
                StatusChange.objects.create(
                    event=self,
                    status=self.status,
                    date=status_date or timezone.localdate(),
                    note=status_note,
                )

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def last_recorded_status(self) -> str | None:
        return self.status_changes.order_by("-date", "-pk").values_list("status", flat=True).first()

    @property
    def is_over(self) -> bool:
        return self.end_date < timezone.localdate()

    @property
    def end_exclusive(self) -> date:
        """The day after the last: what iCalendar's all-day DTEND means."""
        return self.end_date + timedelta(days=1)

    @property
    def is_one_day(self) -> bool:
        return self.start_date == self.end_date


class StatusChange(models.Model):
    """One dated entry of an event's status history; written by `Event.save()`."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("event")
    )
    status = models.CharField(_("status"), max_length=20, choices=Event.Status.choices)
    date = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_('Why, briefly, e.g. "host leader cancelled travel".'),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            models.Index(fields=["event", "date"], name="statuschange_event_date"),
            # The home page's latest changes.
            models.Index(fields=["-date", "-id"], name="statuschange_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_status_display()} ({self.date.isoformat()})"


class OutcomeDocument(models.Model):
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="outcome_documents",
        verbose_name=_("event"),
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("The official text, where published.")
    )
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")

    def __str__(self) -> str:
        return self.title


class CommitmentStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    STALLED = "stalled", _("Stalled")


class CommitmentQuerySet(models.QuerySet):
    def involving(self, country: Country) -> CommitmentQuerySet:
        """Commitments a country made or receives."""
        return self.filter(Q(country=country) | Q(recipient_country=country))

    def for_register(self) -> CommitmentQuerySet:
        """What a row of the register shows, without a query per row."""
        return self.select_related(
            "country", "recipient_country", "area", "event", "source_article"
        )

    def totals_by_currency(self) -> list[dict]:
        """[{"currency": "JPY", "total": Decimal, "count": n}, …] of the stated amounts."""
        rows = list(
            self.filter(amount__isnull=False)
            .order_by()
            .values("currency")
            .annotate(total=models.Sum("amount"), count=models.Count("pk"))
            .order_by("currency")
        )
        # SQLite's SUM drops the column's scale; every database gives two places this way.
        for row in rows:
            row["total"] = Decimal(row["total"]).quantize(CENTS)
        return rows


class Commitment(models.Model):
    Status = CommitmentStatus

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments_made",
        verbose_name=_("committed by (country)"),
        help_text=_("Either a country or an organisation."),
    )
    organisation = models.CharField(
        _("committed by (organisation)"),
        max_length=200,
        blank=True,
        help_text=_("An organisation's name, when no country made the commitment."),
    )
    recipient_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments_received",
        verbose_name=_("to (country)"),
    )
    recipient = models.CharField(
        _("to (in words)"),
        max_length=200,
        blank=True,
        help_text=_('When no single country receives it, e.g. "the five Central Asian states".'),
    )
    area = models.ForeignKey(
        CooperationArea,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("cooperation area"),
    )
    what = models.TextField(_("what"), help_text=_("What was promised, in a sentence or two."))
    amount = models.DecimalField(
        _("amount"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Only when an amount was stated."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[CURRENCY_CODE],
        help_text=_("ISO 4217 code (JPY, EUR, USD…); required with an amount."),
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("announced at"),
    )
    date = models.DateField(_("announced on"))
    source_article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("source article"),
    )
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        help_text=_("An outcome document or official statement."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.ANNOUNCED,
        editable=False,
        help_text=_("Follows the latest update."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(country__isnull=False) & Q(organisation=""))
                | (Q(country__isnull=True) & ~Q(organisation="")),
                name="commitment_made_by_a_country_or_an_organisation",
            ),
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) & Q(currency=""))
                | (Q(amount__isnull=False) & ~Q(currency="")),
                name="commitment_amount_has_a_currency",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="commitment_amount_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-date"], name="commitment_status_date"),
            models.Index(fields=["-date", "-id"], name="commitment_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.committed_by}: {self.what[:60]}"

    def save(self, *args, **kwargs) -> None:
        """Save; a new commitment starts its history with an update in its status."""
        with transaction.atomic():
            adding = self._state.adding
            super().save(*args, **kwargs)
            if adding and not self.updates.exists():
                CommitmentUpdate.objects.create(
                    commitment=self, status=self.status, date=self.date, note=""
                )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if bool(self.country_id) == bool(self.organisation.strip()):
            errors["organisation"] = _(
                "Name who made the commitment: a country or an organisation, not both."
            )
        if self.amount is not None and not self.currency:
            errors["currency"] = _("Give the currency of the amount.")
        if self.amount is None and self.currency:
            errors["amount"] = _("A currency needs an amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def committed_by(self) -> str:
        return self.country.name if self.country_id else self.organisation

    @property
    def committed_to(self) -> str:
        return self.recipient_country.name if self.recipient_country_id else self.recipient

    @property
    def source(self) -> str:
        """The source's address: the article's page, else the link."""
        if self.source_article_id and self.source_article.is_public:
            return self.source_article.get_absolute_url()
        return self.source_url

    def sync_status(self) -> None:
        """Make `status` the latest update's (the one place it is set)."""
        latest = (
            self.updates.order_by("-date", "-pk").values_list("status", flat=True).first()
            or CommitmentStatus.ANNOUNCED
        )
        if latest != self.status:
            self.status = latest
            super().save(update_fields=["status", "updated_at"])


class CommitmentUpdate(models.Model):
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("commitment"),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=CommitmentStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        indexes = [models.Index(fields=["commitment", "date"], name="commitmentupdate_date")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.date.isoformat()})"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.commitment.sync_status()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.commitment.sync_status()
        return result


def next_day_boundary(today: date | None = None) -> datetime | None:
    """When the upcoming/past split next moves: the midnight after the soonest event ends.

    Registered with `summit.cache` so cached pages turn over then with nothing saved.
    """
    today = today or timezone.localdate()
    soonest = (
        Event.objects.filter(end_date__gte=today)
        .order_by("end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    if soonest is None:
        return None
    return timezone.make_aware(datetime.combine(soonest + timedelta(days=1), time.min))
