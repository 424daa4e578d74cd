"""Numbers and amounts as a reader of the active language writes them (Babel's CLDR data): digits
grouped (5,000,000), a currency by its symbol where the symbol is unambiguous (¥5,000,000 in
Chinese, $5,000,000 in English) and by its code otherwise (CNY 5,000,000 in English)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_name,
    get_currency_precision,
    get_currency_symbol,
)
from django.utils.translation import get_language, to_locale

# Numbers keep every decimal a person wrote (98.25), but no trailing zeros (98.2000 → 98.2).
_PATTERN_DECIMALS = 6
# Units written as a currency's sign go before the number (¥1,200).
_SYMBOLS = {"¥", "$", "€", "£", "₩", "₹"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def plain_number(value: Any) -> str:
    """A decimal as written by a person, ungrouped: 98.2, not 98.2000; 1500, not 1.5E+3."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def active_locale() -> Locale:
    try:
        return Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def grouped(value: Any) -> str:
    """A number with the digit grouping of the active language: 5000000 → 5,000,000."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return format_decimal(number, format="#,##0." + "#" * _PATTERN_DECIMALS, locale=active_locale())


def is_currency(code: str) -> bool:
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        return False
    return get_currency_name(code, locale="en") != code  # Babel names every ISO 4217 code it knows


def amount(value: Any, unit: str = "") -> str:
    """A number with its unit: a currency code as the locale writes money (¥5,000,000 in Chinese,
    CNY 5,000,000 in English); any other unit after the grouped number (1,500 家)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    unit = (unit or "").strip()
    if unit in _SYMBOLS:
        return f"{unit}{grouped(number)}"
    if not is_currency(unit):
        return f"{grouped(number)} {unit}" if unit else grouped(number)
    locale = active_locale()
    symbol = get_currency_symbol(unit, locale=locale)
    # Whole amounts without decimals (¥5,000,000); others with the currency's own (¥12.50).
    decimals = "" if number == number.to_integral_value() else "0" * get_currency_precision(unit)
    if any(c.isalpha() for c in symbol):  # CN¥, US$: the code is clearer
        pattern = f"¤¤ #,##0{'.' if decimals else ''}{decimals}"
    else:
        pattern = f"¤#,##0{'.' if decimals else ''}{decimals}"
    return format_currency(number, unit, format=pattern, locale=locale, currency_digits=False)
