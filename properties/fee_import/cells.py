"""One cell of a row: text, an amount of money, a date, a moment, a payment channel.
Each parser raises ``CellError`` with the message the row report shows."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PaymentChannel

MAX_CELL = 200


class CellError(Exception):
    pass


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:MAX_CELL]


def amount(value, label) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("%(column)s is not an amount of money.") % {"column": label})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        written = text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
        if not written:
            raise CellError(_("%(column)s is missing.") % {"column": label})
        try:
            number = Decimal(written)
        except InvalidOperation:
            raise CellError(
                _("%(column)s is not an amount of money: %(value)s")
                % {"column": label, "value": written}
            ) from None
    if not number.is_finite():
        raise CellError(_("%(column)s is not an amount of money.") % {"column": label})
    if number < 0:
        raise CellError(_("%(column)s cannot be negative.") % {"column": label})
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("%(column)s has more than two decimal places.") % {"column": label})
    if number >= Decimal("100000000"):
        raise CellError(_("%(column)s is too large.") % {"column": label})
    return number.quantize(Decimal("0.01"))


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
)


def date(value, label) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = text(value)
    if not written:
        raise CellError(_("%(column)s is missing.") % {"column": label})
    if len(written) == 10 and written[4] == "-":
        try:
            return datetime.date.fromisoformat(written)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(written, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("%(column)s is not a date (write it as 2026-04-01): %(value)s")
        % {"column": label, "value": written}
    )


def moment(value, label) -> datetime.datetime:
    """A date and time; a naive one is in the project's time zone (Asia/Shanghai)."""
    if isinstance(value, datetime.datetime):
        when = value
    elif isinstance(value, datetime.date):
        when = datetime.datetime.combine(value, datetime.time())
    else:
        written = text(value)
        if not written:
            raise CellError(_("%(column)s is missing.") % {"column": label})
        when = None
        for fmt in DATETIME_FORMATS:
            try:
                when = datetime.datetime.strptime(written, fmt)
                break
            except ValueError:
                continue
        if when is None:
            when = datetime.datetime.combine(date(written, label), datetime.time())
    if timezone.is_naive(when):
        when = timezone.make_aware(when, timezone.get_default_timezone())
    return when


CHANNEL_ALIASES = {
    "现金": PaymentChannel.CASH, "cash": PaymentChannel.CASH,
    "微信": PaymentChannel.WECHAT, "微信支付": PaymentChannel.WECHAT,
    "wechat": PaymentChannel.WECHAT, "wechat pay": PaymentChannel.WECHAT,
    "支付宝": PaymentChannel.ALIPAY, "alipay": PaymentChannel.ALIPAY,
    "银行转账": PaymentChannel.BANK, "转账": PaymentChannel.BANK, "银行": PaymentChannel.BANK,
    "bank": PaymentChannel.BANK, "bank transfer": PaymentChannel.BANK,
}


def channel(value, label) -> str:
    written = text(value).lower()
    if written in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[written]
    raise CellError(
        _("%(column)s must be one of 现金, 微信支付, 支付宝, 银行转账: %(value)s")
        % {"column": label, "value": text(value)}
    )
