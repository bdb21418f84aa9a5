"""Search, a household and a person with their ledger timeline. Unmasked views go to the ledger."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from jobmatch.access import sees_unmasked_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.services.people.data_views import record_unmasked_view
from jobmatch.services.people.site_bound import set_cannot_leave_site
from jobmatch.services.people.timeline import access_log, timeline
from jobmatch.services.scope import household_in_scope, person_in_scope
from jobmatch.services.wechat.binding import binding_of, unbind
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import MONITORING_CHOICES
from jobmatch.views.staff.households import household_list_page
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import CANNOT_LEAVE_REASON_LABELS, MONITORING_LABELS
from notifications.wechat_account import mask_openid


@bp.get("/search")
@roles_required(*STAFF_ROLES)
def search():
    """The household list for what was typed (nothing typed: every household; a settlement's name: its households)."""
    return household_list_page()


@bp.get("/households/<id:household_id>")
@roles_required(*STAFF_ROLES)
def household(household_id):
    session = get_session()
    household = household_in_scope(session, current_user, household_id) or abort(404)
    events = timeline(session, household_id=household_id, kind=request.args.get("kind", ""),
                      before=request.args.get("before", type=int))
    unmasked = _record_if_unmasked(session, household.members, "staff.household")
    return render_template("staff/household.html", household=household, events=events, unmasked=unmasked,
                           last_follow_up=household.last_follow_up_at, monitoring_labels=MONITORING_LABELS,
                           monitoring_choices=MONITORING_CHOICES)


@bp.get("/persons/<id:person_id>")
@roles_required(*STAFF_ROLES)
def person(person_id):
    session = get_session()
    person = person_in_scope(session, current_user, person_id) or abort(404)
    events = timeline(session, person_id=person_id, kind=request.args.get("kind", ""),
                      before=request.args.get("before", type=int))
    unmasked = _record_if_unmasked(session, [person], "staff.person")
    binding = binding_of(session, person.id)
    return render_template("staff/person.html", person=person, events=events, unmasked=unmasked,
                           cannot_leave_reasons=CANNOT_LEAVE_REASON_LABELS,
                           wechat_openid=mask_openid(binding.openid) if binding else "")


@bp.post("/persons/<id:person_id>/cannot-leave-site")
@roles_required(*WRITER_ROLES)
def cannot_leave_site(person_id):
    session = get_session()
    person = person_in_scope(session, current_user, person_id) or abort(404)
    _, error = commit_or_error(session, lambda: set_cannot_leave_site(
        session, person.id, request.form.get("cannot_leave_reason", ""), actor=f"user:{current_user.id}"))
    flash(error.message if error else "已保存“不能离开安置点原因”。")
    return redirect(url_for("staff.person", person_id=person.id))


@bp.get("/households/<id:household_id>/access-log")
@roles_required(*STAFF_ROLES)
def household_access_log(household_id):
    """Who saw this household's unmasked ID numbers and phones (ledger events kept out of the timeline)."""
    session = get_session()
    household = household_in_scope(session, current_user, household_id) or abort(404)
    return render_template("staff/access_log.html", household=household, entries=access_log(session, household.id))


def _record_if_unmasked(session, persons, where: str) -> bool:
    """Staff see full ID numbers and phones, and each such view is written to the ledger."""
    if not sees_unmasked_ids(current_user) or not persons:
        return False
    record_unmasked_view(session, current_user, persons, where=where)
    session.commit()
    return True


@bp.post("/persons/<id:person_id>/wechat/unbind")
@roles_required(*WRITER_ROLES)
def wechat_unbind(person_id):
    """Remove the person's WeChat binding (a lost or passed-on phone): notices go by SMS again."""
    session = get_session()
    person = person_in_scope(session, current_user, person_id) or abort(404)
    removed, error = commit_or_error(session, lambda: unbind(session, person.id, actor=f"user:{current_user.id}"))
    flash(error.message if error else ("已解除微信绑定。" if removed else "没有微信绑定。"))
    return redirect(url_for("staff.person", person_id=person.id))
