"""Sign-in and sign-out with a username and password."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from jobmatch.auth import sign_in
from jobmatch.db import get_session
from jobmatch.models import User
from jobmatch.security import limiter
from jobmatch.services.accounts import sessions

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {"admin": "staff.dashboard", "staff": "staff.dashboard", "county_officer": "county.overview",
                "employer": "employer.home", "worker": "worker.home", "province_officer": "staff.province"}


@bp.get("/")
def index():
    """The front door: a way in for workers, employers and staff; signed in, one's home page."""
    if not current_user.is_authenticated:
        return render_template("front_door.html")
    return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "auth.signed_in")))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        user = get_session().scalar(select(User).where(User.username == username))
        if user is not None and user.active and user.check_password(request.form.get("password", "")):
            sign_in(user)
            return redirect(url_for("auth.index"))
        flash("用户名或密码不对。")
    return render_template("login.html")


@bp.post("/logout")
def logout():
    """Sign out on every device: a copy of this session cookie opens nothing afterwards."""
    if current_user.is_authenticated:
        db = get_session()
        sessions.end_sessions(db, [current_user.id])
        db.commit()
    logout_user()
    session.pop("worker_proved_phone", None)  # a family member chosen on a shared phone needs a new code
    return redirect(url_for("auth.login"))


@bp.get("/signed-in")
def signed_in():
    return render_template("signed_in.html")
