"""Phone numbers as people type them (the roster import, every form with a mobile number), stored in E.164
('+250788123456') so one number is written one way.

The `phonenumbers` library (Google's libphonenumber) knows each country's numbering plan; a number without a
country code is read as Rwandan. Excel turns a long number typed into a General cell into '2.50788E+11',
losing its last digits for good: that is refused with what to do rather than guessed back.
"""

import re

import phonenumbers
from flask_babel import gettext as _

DEFAULT_REGION = "RW"
_EXCEL_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def to_e164(text: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, or '' for an empty cell; ValueError with a message for the reader otherwise."""
    text = text.strip()
    if not text:
        return ""
    if _EXCEL_NUMBER.match(text):
        raise ValueError(_("“%(value)s” is a phone number that the spreadsheet turned into a number in scientific "
                           "notation, losing its last digits: format the phone column as Text, type the numbers "
                           "again, then save the file.", value=text))
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(_("Not a phone number “%(value)s”: write it as 0788 123 456 or +250 788 123 456.", value=text))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
