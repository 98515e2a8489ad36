"""Content checks shared by every upload path (complaint photos, notice attachments,
inspection photos): a file that carries web-page code or data after its end marker is a
polyglot (a valid image that a browser could also run as HTML) and is refused, whatever
its name or declared type."""

import re

# Six bytes or more each, so a random run of compressed image data practically never
# matches (about 1e-13 per position).
MARKUP = re.compile(
    rb"<(?:html|head|body|svg|script|iframe|object|embed|meta|link|style|form)[\s>/]"
    rb"|<!doctype|<\?xml|javascript:",
    re.IGNORECASE,
)
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
CHUNK = 1024 * 1024
OVERLAP = 16


def contains_markup(upload) -> bool:
    """Does the file contain HTML, SVG or script anywhere? Reads it in chunks."""
    upload.seek(0)
    tail = b""
    try:
        while True:
            block = upload.read(CHUNK)
            if not block:
                return False
            if MARKUP.search(tail + block):
                return True
            tail = block[-OVERLAP:]
    finally:
        upload.seek(0)


def _tail(upload, size: int) -> bytes:
    upload.seek(0, 2)
    length = upload.tell()
    upload.seek(max(length - size, 0))
    data = upload.read()
    upload.seek(0)
    return data


def has_data_after_end(upload, kind: str) -> bool:
    """A PNG must end with its IEND chunk; a PDF with %%EOF (give or take a new line)."""
    if kind == "PNG":
        return not _tail(upload, len(PNG_END)).endswith(PNG_END)
    if kind == "PDF":
        return b"%%EOF" not in _tail(upload, 1024)
    return False
