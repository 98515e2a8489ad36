"""The official calendar: the State Council's holidays and make-up working days as data
(DESIGN §5: resolve deadlines count working days on it)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(models.Model):
    """A listed day of the official calendar. A day not listed follows Monday to Friday;
    a year with no listed day has not been imported (its deadlines are provisional)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60,
                            help_text=_("e.g. 元旦, 春节, 调休上班."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("official calendar day")
        verbose_name_plural = _("official calendar")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]),
                name="calendar_day_kind_known",
                violation_error_message=_("A calendar day is a holiday or a working day."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == CalendarDayKind.WORKDAY
