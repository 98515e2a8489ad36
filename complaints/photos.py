"""Photo checks: decoded with Pillow, limited in size and pixels, re-encoded without EXIF.

A phone photo carries the GPS position of the resident's home in its EXIF data; the
stored copy is a fresh encoding of the pixels only. Anything that is not a JPEG, PNG
or WebP image is refused before anything is saved.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.uploads import contains_markup, has_data_after_end

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # about 7,700 × 5,200: more than any phone camera
MAX_PHOTOS = 3
FORMATS = {"JPEG", "PNG", "WEBP"}


def clean_photo(uploaded) -> ContentFile:
    """Check one uploaded file and return a re-encoded copy ready to be saved."""
    name = getattr(uploaded, "name", "") or ""
    if uploaded.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo “%(name)s” is larger than 5 MB; please send a smaller one."),
            code="photo_too_large", params={"name": name},
        )
    if contains_markup(uploaded):  # an image that is also a web page (polyglot)
        raise _not_an_image(name)
    try:
        uploaded.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(uploaded)
            if image.format not in FORMATS or has_data_after_end(uploaded, image.format):
                raise _not_an_image(name)
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise ValidationError(
                    _("The photo “%(name)s” has too many pixels."),
                    code="photo_too_many_pixels", params={"name": name},
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _not_an_image(name) from None
    finally:
        uploaded.seek(0)
    return encode_clean(image)


def clean_photos(files) -> list[ContentFile]:
    """Up to ``MAX_PHOTOS`` uploads, each through ``clean_photo``; one ValidationError
    naming every refused file."""
    if len(files) > MAX_PHOTOS:
        raise ValidationError(_("At most 3 photos."), code="too_many_photos")
    cleaned, errors = [], []
    for uploaded in files:
        try:
            cleaned.append(clean_photo(uploaded))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP photo."),
        code="photo_not_image", params={"name": name},
    )


def encode_clean(image: Image.Image) -> ContentFile:
    """Encode the pixels only (no EXIF, no text chunks) as JPEG, or PNG when the image
    has transparency."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode, ext = ("RGBA", "png") if has_alpha else ("RGB", "jpg")
    converted = image.convert(mode)
    pixels = Image.new(mode, image.size)  # a fresh image: no metadata comes along
    pixels.paste(converted)
    out = io.BytesIO()
    if ext == "jpg":
        pixels.save(out, format="JPEG", quality=85, optimize=True)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")
