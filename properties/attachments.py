"""Checks on uploaded notice attachments and inspection photos: the content decides, not
the file name. Only PDF, JPEG and PNG, at most 10 MB; stored under a random name with the
extension of what the file really is."""

import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from PIL import Image

from core.uploads import contains_markup, has_data_after_end

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # as for complaint photos: more than any phone camera

PDF = ("application/pdf", "pdf")
PNG = ("image/png", "png")
JPEG = ("image/jpeg", "jpg")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    file: File


def _sniff(head: bytes):
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def stored_image_type(head: bytes) -> str | None:
    """The content type of a stored photo from its first bytes: JPEG or PNG, else None."""
    kind = _sniff(head)
    return kind[0] if kind in (PNG, JPEG) else None


def checked_attachment(upload, *, images_only: bool = False) -> CheckedFile:
    """Return the upload ready to store, or raise ValidationError with a clear message."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    kind = _sniff(upload.read(16))
    upload.seek(0)
    if kind is None or (images_only and kind is PDF):
        message = (
            _("Only a JPEG or PNG photo can be attached.")
            if images_only
            else _("Only a PDF file or a JPEG/PNG image can be attached.")
        )
        raise ValidationError(message, code="file_type")
    if contains_markup(upload) or has_data_after_end(upload, "PDF" if kind is PDF else ""):
        # A polyglot (also a web page) or a truncated PDF.
        raise ValidationError(
            _("The image is damaged or not really a JPEG/PNG file.") if kind is not PDF
            else _("Only a PDF file or a JPEG/PNG image can be attached."), code="file_type"
        )
    if kind is not PDF:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    actual = (image.format or "").upper()
                    width, height = image.size
                    if width * height > MAX_IMAGE_PIXELS or has_data_after_end(upload, actual):
                        raise ValueError("too many pixels or data after the image")
                    upload.seek(0)
                with Image.open(upload) as image:
                    image.load()  # decode every pixel: a truncated image fails here
        except Exception:  # noqa: BLE001 - any decoding failure means "not an image"
            raise ValidationError(
                _("The image is damaged or not really a JPEG/PNG file."), code="file_type"
            ) from None
        finally:
            upload.seek(0)
        if actual not in ("PNG", "JPEG"):
            raise ValidationError(
                _("Only a PDF file or a JPEG/PNG image can be attached."), code="file_type"
            )
    content_type, extension = kind
    return CheckedFile(
        name=f"{uuid.uuid4().hex}.{extension}", content_type=content_type, file=File(upload)
    )
