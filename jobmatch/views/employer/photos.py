"""Employer portal: up to three photos of the workplace on a vacancy (shown on the worker's offer page)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from jobmatch.auth import roles_required
from jobmatch.config import current_settings
from jobmatch.db import get_session
from jobmatch.models.vacancy_photos import MAX_PHOTOS_PER_VACANCY
from jobmatch.services.employers import accounts as employers
from jobmatch.services.employers import photos
from jobmatch.services.errors import UserError
from jobmatch.views.employer import bp
from jobmatch.views.employer.forms import PhotoForm


def _own_vacancy(vacancy_id: int):
    employer = current_user.employer
    if employer is None or not employer.approved:
        abort(403)
    return employers.own_vacancy(get_session(), employer.id, vacancy_id) or abort(404)


def _page(vacancy, error: str = "", status: int = 200):
    return render_template("employer/vacancy_photos.html", vacancy=vacancy,
                           photos=photos.vacancy_photos(get_session(), vacancy.id), error=error,
                           max_photos=MAX_PHOTOS_PER_VACANCY,
                           max_mb=f"{current_settings().photo_max_upload_mb:g}"), status


@bp.route("/vacancies/<id:vacancy_id>/photos", methods=["GET", "POST"])
@roles_required("employer")
def vacancy_photos(vacancy_id):
    """The vacancy's photos; POST adds one."""
    vacancy, session, settings = _own_vacancy(vacancy_id), get_session(), current_settings()
    if request.method == "GET":
        return _page(vacancy)
    form = PhotoForm()
    upload = form.photo.data
    try:
        photos.add_photo(session, vacancy, upload.read() if upload else b"", photo_dir=settings.photo_dir,
                         max_bytes=int(settings.photo_max_upload_mb * 1024 * 1024), actor=f"user:{current_user.id}")
    except UserError as error:
        session.rollback()
        return _page(vacancy, error.message, 400)
    session.commit()
    flash("照片已上传。")
    return redirect(url_for("employer.vacancy_photos", vacancy_id=vacancy.id))


@bp.post("/vacancies/<id:vacancy_id>/photos/<id:photo_id>/delete")
@roles_required("employer")
def remove_vacancy_photo(vacancy_id, photo_id):
    vacancy, session = _own_vacancy(vacancy_id), get_session()
    if not photos.remove_photo(session, vacancy, photo_id, photo_dir=current_settings().photo_dir,
                               actor=f"user:{current_user.id}"):
        abort(404)
    session.commit()
    flash("照片已删除。")
    return redirect(url_for("employer.vacancy_photos", vacancy_id=vacancy.id))
