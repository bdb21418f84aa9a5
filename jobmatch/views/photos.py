"""Workplace photos, served only to who may see them: staff, the vacancy's employer, a worker offered it."""

from flask import Blueprint, abort, send_file
from flask_login import current_user

from jobmatch.config import current_settings
from jobmatch.db import get_session
from jobmatch.models import VacancyPhoto
from jobmatch.services.employers.photos import may_see_photo, photo_file

bp = Blueprint("photos", __name__, url_prefix="/photos")


@bp.get("/<id:photo_id>.jpg")
def photo(photo_id):
    session = get_session()
    found = session.get(VacancyPhoto, photo_id)
    if not current_user.is_authenticated or found is None or not may_see_photo(session, current_user, found):
        abort(404)
    path = photo_file(current_settings().photo_dir, found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
