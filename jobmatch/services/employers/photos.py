"""Photos of the workplace on a vacancy: at most three, resized on upload, shown on the worker's offer page.

An upload is checked before anything is written: its size (the setting's limit), that Pillow can
read it as an image (anything else is refused), and the vacancy's free slot. It is stored as a
JPEG whose longest side is at most 1024 px, turned upright by its EXIF orientation and with all
EXIF (place, camera, time) dropped, under a random name in ``Settings.photo_dir``. Each addition
and removal is a ``vacancy_changed`` ledger event.
"""

import secrets
import warnings
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Offer, User, Vacancy, VacancyPhoto
from jobmatch.models.vacancy_photos import MAX_PHOTOS_PER_VACANCY
from jobmatch.services.errors import UserError

LONGEST_SIDE_PX = 1024
JPEG_QUALITY = 82
MAX_SOURCE_PIXELS = 50_000_000  # a 50-megapixel phone photo; beyond: a decompression bomb, refused


def vacancy_photos(session: Session, vacancy_id: int) -> list[VacancyPhoto]:
    return list(session.scalars(select(VacancyPhoto).where(VacancyPhoto.vacancy_id == vacancy_id)
                                .order_by(VacancyPhoto.position)))


def resized_jpeg(data: bytes, *, max_bytes: int) -> tuple[bytes, int, int]:
    """The upload as an upright JPEG of at most 1024 px, without EXIF; UserError for anything else."""
    if not data:
        raise UserError("请选择一张照片。", "photo")
    if len(data) > max_bytes:
        raise UserError(f"照片太大（{len(data) / 1024 / 1024:.1f} MB），请选一张小于 {max_bytes / 1024 / 1024:g} MB 的照片。",
                        "photo")
    too_many_pixels = UserError("照片的像素太多，请用手机拍一张普通的照片再上传。", "photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                if image.width * image.height > MAX_SOURCE_PIXELS:
                    raise too_many_pixels
                upright = ImageOps.exif_transpose(image)
                upright = upright.convert("RGB")
    except UserError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UserError("这个文件不是照片，请上传 JPG 或 PNG 格式的照片。", "photo") from None
    upright.thumbnail((LONGEST_SIDE_PX, LONGEST_SIDE_PX))
    out = BytesIO()
    upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= : nothing of the original's
    return out.getvalue(), upright.width, upright.height


def add_photo(session: Session, vacancy: Vacancy, data: bytes, *, photo_dir: str, max_bytes: int,
              actor: str) -> VacancyPhoto:
    """Resize and keep the photo in the vacancy's first free slot (three at most)."""
    jpeg, width, height = resized_jpeg(data, max_bytes=max_bytes)
    ledger.lock_chain(session)  # first, before the vacancy's row lock (one lock order for every writer)
    session.execute(select(Vacancy.id).where(Vacancy.id == vacancy.id).with_for_update())
    taken = {photo.position for photo in vacancy_photos(session, vacancy.id)}
    free = [slot for slot in range(1, MAX_PHOTOS_PER_VACANCY + 1) if slot not in taken]
    if not free:
        raise UserError(f"每个岗位最多 {MAX_PHOTOS_PER_VACANCY} 张照片，请先删掉一张再上传。", "photo")
    filename = f"{secrets.token_hex(16)}.jpg"
    directory = Path(photo_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / filename).write_bytes(jpeg)
    photo = VacancyPhoto(vacancy_id=vacancy.id, position=free[0], filename=filename, width=width, height=height,
                         created_at=utcnow())
    session.add(photo)
    session.flush()
    ledger.append(session, "vacancy_changed", actor=actor, subject=f"vacancy:{vacancy.id}",
                  data={"photo_added": photo.position})
    return photo


def remove_photo(session: Session, vacancy: Vacancy, photo_id: int, *, photo_dir: str, actor: str) -> bool:
    """Remove one of the vacancy's photos (False when it has no such photo)."""
    photo = session.get(VacancyPhoto, photo_id)
    if photo is None or photo.vacancy_id != vacancy.id:
        return False
    session.delete(photo)
    session.flush()
    ledger.append(session, "vacancy_changed", actor=actor, subject=f"vacancy:{vacancy.id}",
                  data={"photo_removed": photo.position})
    (Path(photo_dir) / photo.filename).unlink(missing_ok=True)
    return True


def may_see_photo(session: Session, user: User, photo: VacancyPhoto) -> bool:
    """Staff, county officers and admins; the vacancy's employer; a worker offered that vacancy."""
    if user.role in ("admin", "staff", "county_officer"):
        return True
    if user.role == "employer":
        vacancy = session.get(Vacancy, photo.vacancy_id)
        return vacancy is not None and vacancy.employer_id == user.employer_id
    if user.role == "worker" and user.person_id is not None:
        return session.scalar(select(Offer.id).where(Offer.vacancy_id == photo.vacancy_id,
                                                     Offer.person_id == user.person_id).limit(1)) is not None
    return False


def photo_file(photo_dir: str, photo: VacancyPhoto) -> Path:
    return Path(photo_dir) / photo.filename
