"""The owner identity that links the units one owner holds (for the owners' vote count).

The key is a SHA-256 hash, so the register never stores the ID-card number itself:

- with the owner's resident ID-card number (the real-estate register's identity):
  ``id:`` + the number, spaces removed and the check letter upper-cased;
- without it, the owner's name and mobile number: ``np:`` + the name without spaces +
  ``|`` + the normalised mobile number. Two owners with the same name and phone are one
  person for the count, which is what the register says.

A blank key means the unit's owner owns no other unit in the compound.
"""

import hashlib

from core.validators import normalise_phone


def owner_key_for(*, id_number: str = "", name: str = "", phone: str = "") -> str:
    id_number = "".join((id_number or "").split()).upper()
    if id_number:
        source = f"id:{id_number}"
    else:
        name = "".join((name or "").split())
        phone = normalise_phone(phone or "")
        if not name or not phone:
            return ""
        source = f"np:{name}|{phone}"
    return hashlib.sha256(source.encode()).hexdigest()
