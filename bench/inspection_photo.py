"""What checking an inspection photo costs: govhall.supervision.photos.clean_photo (decode every pixel,
apply the EXIF orientation, scale to 2560 px, re-encode without metadata) against a baseline in the same
run: reading the upload and hashing it with SHA-256 (what storing a document unchecked costs, as
cases.services.documents does).

    .venv/bin/python bench/inspection_photo.py [--rounds 7]

Photos: a phone's 12-megapixel JPEG (4000 × 3000, with EXIF and GPS), a 2-megapixel JPEG, a 1-megapixel PNG;
and a file that is not an image (refused: the cost of saying no). Prints the median of `--rounds` runs per
photo and the ratio to the baseline. No database.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")


def photos() -> dict[str, bytes]:
    from PIL import Image, ImageDraw

    out = {}
    for name, size, kind in (
        ("12 MP JPEG", (4000, 3000), "JPEG"),
        ("2 MP JPEG", (1600, 1200), "JPEG"),
        ("1 MP PNG", (1000, 1000), "PNG"),
    ):
        image = Image.new("RGB", size, (90, 120, 150))
        draw = ImageDraw.Draw(image)
        for x in range(0, size[0], 37):  # some detail, so the encoder has work as on a real photo
            draw.line([(x, 0), (size[0] - x, size[1])], fill=(x % 255, 80, 200 - x % 200), width=5)
        buffer = io.BytesIO()
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif[0x8825] = {1: "N", 2: (36.0, 40.0, 0.0), 3: "E", 4: (117.0, 30.0, 0.0)}
        image.save(buffer, kind, **({"exif": exif, "quality": 90} if kind == "JPEG" else {}))
        out[name] = buffer.getvalue()
    out["not an image"] = b"%PDF-1.7 " + os.urandom(200_000)
    return out


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhall.supervision.photos import clean_photo

    print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"{'photo':<14}{'bytes':>11}{'baseline ms':>13}{'checked ms':>12}{'ratio':>8}  result")
    for name, data in photos().items():
        base, checked, result = [], [], ""
        for _ in range(args.rounds):
            upload = SimpleUploadedFile("p", data)
            started = time.perf_counter()
            hashlib.sha256(upload.read()).hexdigest()
            base.append(time.perf_counter() - started)
            upload = SimpleUploadedFile("p", data)
            started = time.perf_counter()
            try:
                clean = clean_photo(upload)
                result = f"{clean.width}×{clean.height}, {len(clean.data):,} bytes stored"
            except ValidationError:
                result = "refused"
            checked.append(time.perf_counter() - started)
        b, c = statistics.median(base) * 1000, statistics.median(checked) * 1000
        print(f"{name:<14}{len(data):>11,}{b:>13.2f}{c:>12.1f}{c / b:>8.0f}  {result}")


if __name__ == "__main__":
    main()
