"""Photos from the spot (现场督查): proven to be images by decoding them, bounded, and stored re-encoded.

A phone's photo carries EXIF: the place it was taken (GPS), the device, the time. The inspection record
needs the picture, not the inspector's whereabouts or phone, so the stored file is the decoded picture
encoded again (JPEG, or PNG for a PNG) with no metadata at all; the EXIF orientation is applied first so
the picture stands the right way up. What is refused, with the field and the rule named:

- a file that Pillow cannot decode as JPEG, PNG or WebP (a PDF renamed .jpg, a truncated upload);
- more than GOVHALL_INSPECTION_PHOTO_MAX_BYTES (10 MB) uploaded;
- more than GOVHALL_INSPECTION_PHOTO_MAX_PIXELS (40 megapixels), checked from the header before decoding,
  so a small file that would expand into gigabytes (a decompression bomb) is never decoded;
- a longer side above GOVHALL_INSPECTION_PHOTO_MAX_SIDE is scaled down to it (2560 px) when stored.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ACCEPTED = {
    "JPEG": ("image/jpeg", ".jpg", "JPEG"),
    "PNG": ("image/png", ".png", "PNG"),
    "WEBP": ("image/jpeg", ".jpg", "JPEG"),
}


def max_bytes() -> int:
    return int(getattr(settings, "GOVHALL_INSPECTION_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "GOVHALL_INSPECTION_PHOTO_MAX_PIXELS", 40_000_000))


def max_side() -> int:
    return int(getattr(settings, "GOVHALL_INSPECTION_PHOTO_MAX_SIDE", 2560))


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def _refuse(message: str) -> ValidationError:
    return ValidationError({"photo": [message]})


def clean_photo(upload) -> CleanPhoto:
    """The upload decoded and re-encoded without metadata, or ValidationError({"photo": …})."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload is None:
        raise _refuse(_("Choose a photo."))
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise _refuse(
            _("The photo is %(size)s MB; at most %(max)s MB.")
            % {"size": round(size / 1048576, 1), "max": round(max_bytes() / 1048576, 1)}
        )
    raw = upload.read(max_bytes() + 1)
    if len(raw) > max_bytes():
        raise _refuse(_("The photo is larger than %(max)s MB.") % {"max": round(max_bytes() / 1048576, 1)})
    not_image = _("“%(name)s” is not a photo: send a JPEG, PNG or WebP image.") % {
        "name": str(getattr(upload, "name", "") or "")[:80]
    }
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _refuse(not_image) from None
    if kind not in ACCEPTED:
        raise _refuse(not_image)
    if width * height > max_pixels():
        raise _refuse(
            _("The photo has %(n)s megapixels; at most %(max)s.")
            % {"n": round(width * height / 1e6, 1), "max": round(max_pixels() / 1e6, 1)}
        )
    content_type, extension, encoder = ACCEPTED[kind]
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if kind == "JPEG":
                # The JPEG decoder scales by 1/2, 1/4 or 1/8 while decoding (no smaller than the bound):
                # a phone's 12 MP photo decodes in a fraction of the time, every block still read.
                image.draft("RGB", (max_side(), max_side()))
            image.load()  # decodes the whole file: a truncated or corrupt one fails here
            picture = ImageOps.exif_transpose(image)
            if encoder == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            picture.thumbnail((max_side(), max_side()))
            out = io.BytesIO()
            # No exif=, no icc_profile=, no pnginfo=: the new file carries the pixels only.
            if encoder == "JPEG":
                picture.save(out, "JPEG", quality=85)
            else:
                picture.save(out, "PNG", compress_level=6)
            width, height = picture.size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(not_image) from None
    data = out.getvalue()
    return CleanPhoto(data, content_type, extension, width, height, hashlib.sha256(data).hexdigest())
