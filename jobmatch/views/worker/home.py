"""Worker pages (/w/): sign in with an SMS code, home, own profile. Plain forms, no JavaScript."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from jobmatch.auth import login_manager, roles_required, sign_in
from jobmatch.clock import utcnow
from jobmatch.db import get_session
from jobmatch.models.problems import ProblemCategory
from jobmatch.security import limiter
from jobmatch.services.accounts import worker_sign_in as worker_auth
from jobmatch.services.people import profile as profile_service
from jobmatch.services.people import worker_home as worker_pages
from jobmatch.services.sms.messaging import contact_phone
from jobmatch.views import wechat as wechat_views
from jobmatch.views.fields import first_errors
from jobmatch.views.short_links import LINK_PERSON_KEY
from jobmatch.views.worker import bp
from jobmatch.views.worker.forms import ProfileForm
from jobmatch.vocabulary import worker as worker_words
from jobmatch.vocabulary.worker import MOBILITY_LABELS, PROBLEM_CATEGORY_LABELS
from notifications.phones import InvalidPhone, mask_phone, normalise_phone

login_manager.blueprint_login_views["worker"] = "worker.login"
PHONE_KEY = "worker_sign_in_phone"
PROVED_PHONE_KEY = "worker_proved_phone"  # {"phone", "at"}: a code proved this phone in this browser
CHOSEN_KEY = "worker_member"  # the member to pre-select on a shared phone (the one an SMS link was for)
PROVED_PHONE_HOURS = 12
NEXT_KEY = "worker_next"  # the page a link sent the worker to (an offer from an SMS), opened after sign-in


def _phone_key(raw: str) -> str:
    """One rate-limit budget per phone number, however it is spelled."""
    try:
        return "phone:" + normalise_phone(raw)
    except InvalidPhone:
        return "phone:" + raw.strip()[:20]  # nothing is sent to it; the per-client limit applies too


def _requested_phone() -> str:
    """A code request counts against the number it asks a code for."""
    return _phone_key(request.form.get("phone", ""))


def _phone_signing_in() -> str:
    """A code counts against the number the server sent it to (kept in the signed session), never
    against a number the form names, so changing the form does not buy more guesses."""
    return _phone_key(session.get(PHONE_KEY, ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per 10 minutes", key_func=_requested_phone, methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"])
def login():
    if request.method == "POST":
        db = get_session()
        try:
            issued = worker_auth.issue_code(db, request.form.get("phone", ""), secret_key=current_app.secret_key,
                                            prefer_person_id=session.get(LINK_PERSON_KEY))
        except worker_auth.SignInError as exc:
            db.rollback()
            flash(exc.message)
            return render_template("worker/login.html", phone=request.form.get("phone", "")), 400
        db.commit()
        session[PHONE_KEY] = issued.phone
        return redirect(url_for("worker.enter_code"))
    target = request.args.get("next", "")
    if target.startswith("/w/") and not target.startswith("//"):
        session[NEXT_KEY] = target
    if wechat_views.should_ask_wechat():  # inside WeChat: a bound worker is signed in without a code
        return redirect(url_for("wechat.signin", next=target or "/w/"))
    return render_template("worker/login.html", phone="")


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per 10 minutes", key_func=_phone_signing_in, methods=["POST"])
@limiter.limit("30 per hour", methods=["POST"])
def enter_code():
    phone = session.get(PHONE_KEY)
    if not phone:
        return redirect(url_for("worker.login"))
    if request.method == "POST":
        db = get_session()
        try:
            person_id = worker_auth.verify_code(db, phone, request.form.get("code", ""),
                                                secret_key=current_app.secret_key)
        except worker_auth.SignInError as exc:
            db.commit()  # the failed try counts
            flash(exc.message)
            return render_template("worker/code.html", masked_phone=mask_phone(phone)), 400
        session.pop(PHONE_KEY, None)
        linked = session.pop(LINK_PERSON_KEY, None)  # an SMS link for one member says who it is
        session[PROVED_PHONE_KEY] = {"phone": phone, "at": utcnow().timestamp()}
        members = {m.id for m in worker_auth.phone_members(db, phone)}
        if len(members) > 1 and linked not in members:
            db.commit()
            session[CHOSEN_KEY] = person_id
            return redirect(url_for("worker.choose_member"))
        return _signed_in_as(db, phone, linked if linked in members else person_id)
    return render_template("worker/code.html", masked_phone=mask_phone(phone))


def _signed_in_as(db, phone: str, person_id: int):
    user = worker_auth.sign_in_member(db, phone, person_id)
    db.commit()
    wechat_views.bind_pending_openid(db, person_id)  # inside WeChat, the first time: bind its openid
    sign_in(user)
    session[PROVED_PHONE_KEY] = {"phone": phone, "at": utcnow().timestamp()}  # sign_in may renew the session
    target = session.pop(NEXT_KEY, "")
    return redirect(target if target.startswith("/w/") and not target.startswith("//") else url_for("worker.home"))


def _proved_phone() -> str | None:
    """The phone an SMS code proved in this browser: on a shared family phone any member listed
    with it may be chosen, and chosen again from the home page while signed in (for a few hours).
    Signed out, only as long as a code lives, so a copied cookie or a sign-out does not keep it."""
    proved = session.get(PROVED_PHONE_KEY) or {}
    signed_in = current_user.is_authenticated and current_user.person is not None
    if signed_in and current_user.person.phone != proved.get("phone"):
        return None
    lasts = PROVED_PHONE_HOURS * 3600 if signed_in else worker_auth.CODE_VALID_MINUTES * 60
    fresh = utcnow().timestamp() - float(proved.get("at", 0)) < lasts
    return proved.get("phone") if fresh else None


@bp.route("/login/who", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def choose_member():
    """Which member of the family are you? Everyone listed with the phone the code went to."""
    phone = _proved_phone()
    if not phone:
        return redirect(url_for("worker.login"))
    db = get_session()
    members = worker_auth.phone_members(db, phone)
    if request.method == "POST":
        chosen = request.form.get("person_id", "")
        if chosen.isdigit() and int(chosen) in {m.id for m in members}:
            return _signed_in_as(db, phone, int(chosen))
        flash("请点您自己的名字。")
        return render_template("worker/who.html", members=members, chosen=session.get(CHOSEN_KEY)), 400
    chosen = current_user.person_id if current_user.is_authenticated else session.get(CHOSEN_KEY)
    return render_template("worker/who.html", members=members, chosen=chosen)


@bp.get("/")
@roles_required("worker")
def home():
    db, person = get_session(), current_user.person
    sections = {"offers": worker_pages.worker_offers(db, person.id), "fairs": worker_pages.worker_fairs(db, person),
                "training": worker_pages.worker_courses(db, person),
                "welfare": worker_pages.worker_welfare_places(db, person.id),
                "export": worker_pages.worker_export_groups(db, person)}
    return render_template("worker/home.html", person=person, sections=sections,
                           status_text=worker_words.OFFER_STATUS_LABELS, fair_labels=worker_words.ATTENDANCE_LABELS,
                           enrolment_labels=worker_words.ENROLMENT_STATUS_LABELS,
                           contact_phone=contact_phone(person.household.settlement),
                           welfare_status_text=worker_words.WELFARE_APPOINTMENT_STATUS_LABELS,
                           can_report_problem="worker.report_problem" in current_app.view_functions,
                           can_switch=_proved_phone() == person.phone and bool(person.phone) and len(
                               worker_auth.phone_members(db, person.phone)) > 1,
                           wechat_grant=wechat_views.grant_offered(),
                           export_labels=worker_words.EXPORT_MEMBER_STATUS_LABELS)


@bp.route("/profile", methods=["GET", "POST"])
@roles_required("worker")
def profile():
    db = get_session()
    person = current_user.person
    errors = {}
    if request.method == "POST":
        form = ProfileForm()
        errors = {} if form.validate() else first_errors(form)
        if not errors:
            changes = profile_service.update_profile(db, person, form.values(), actor=f"person:{person.id}")
            db.commit()
            flash("已保存。" if changes else "没有改动。")
            return redirect(url_for("worker.home"))
    return render_template("worker/profile.html", person=person, form=request.form, errors=errors,
                           mobility_labels=MOBILITY_LABELS), 400 if errors else 200





@bp.route("/problem", methods=["GET", "POST"])
@roles_required("worker")
def report_problem():
    """Reported problems go to staff under the 三个三 rule (jobmatch.services.households.problems)."""
    from jobmatch.services.households import problems
    from jobmatch.views.transactions import commit_or_error

    error = None
    if request.method == "POST":
        db = get_session()
        category = request.form.get("category", ProblemCategory.OTHER)
        _, failure = commit_or_error(db, lambda: problems.report_problem(
            db, current_user.person_id, request.form.get("description", "").strip()[:1000],
            category=category if category in PROBLEM_CATEGORY_LABELS else ProblemCategory.OTHER))
        if failure:
            error = failure.message
        else:
            flash("已收到，社区就业专干会尽快联系您。")
            return redirect(url_for("worker.home"))
    return render_template("worker/problem.html", categories=PROBLEM_CATEGORY_LABELS, error=error,
                           form=request.form), 400 if error else 200


