"""Texts the service could not act on (not a 1/2 answer, TD or help): staff read them, mark them read
or answer them by SMS."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from jobmatch.access import inbound_text_scope, sees_unmasked_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import InboundMessage, Person
from jobmatch.services.households import worker_answers
from jobmatch.services.people.data_views import record_unmasked_view
from jobmatch.services.sms import inbound as sms_inbound
from jobmatch.services.sms.kind_stops import kind_stops, resume_kind
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.transactions import commit_or_error

REPLIES_SHOWN = 200


@bp.get("/sms/unread")
@roles_required(*STAFF_ROLES)
def unread_replies():
    session = get_session()
    scope = inbound_text_scope(session, current_user)
    replies = sms_inbound.unread_replies(session, limit=REPLIES_SHOWN, settlement_ids=scope)
    person_ids = {r.person_id for r in replies if r.person_id}
    persons = {p.id: p for p in session.scalars(select(Person).options(joinedload(Person.household))
                                                 .where(Person.id.in_(person_ids)))} if person_ids else {}
    unmasked = sees_unmasked_ids(current_user)
    if unmasked and persons:
        record_unmasked_view(session, current_user, list(persons.values()), where="staff.unread_replies",
                             fields=("phone",))
        session.commit()
    return render_template("staff/unread_replies.html", replies=replies, persons=persons, unmasked=unmasked,
                           total=sms_inbound.unread_count(session, scope), stops=kind_stops(session))


@bp.post("/sms/stops/resume")
@roles_required(*WRITER_ROLES)
def resume_sms_kind():
    """Let a kind stopped by a template problem go again (staff fixed the template at the provider)."""
    session = get_session()
    kind = request.form.get("kind", "")
    released = resume_kind(session, kind, actor=f"user:{current_user.id}")
    session.commit()
    flash(_("已恢复发送，%(count)s 条短信马上发出。", count=released))
    return redirect(url_for("staff.unread_replies"))


@bp.post("/sms/unread/read")
@roles_required(*WRITER_ROLES)
def mark_replies_read():
    session = get_session()
    ids = [int(v) for v in request.form.getlist("inbound_id") if v.isdigit() and len(v) < 10]
    changed = sms_inbound.mark_read(session, ids, actor=f"user:{current_user.id}",
                                    settlement_ids=inbound_text_scope(session, current_user)) if ids else 0
    session.commit()
    flash(f"已将 {changed} 条短信标为已读。" if changed else "没有需要标为已读的短信。")
    return redirect(url_for("staff.unread_replies"))


@bp.post("/sms/unread/<id:inbound_id>/answer")
@roles_required(*WRITER_ROLES)
def answer_reply(inbound_id):
    """Text the worker back; their text is then read."""
    session = get_session()
    if session.get(InboundMessage, inbound_id) is None:
        abort(404)
    _, error = commit_or_error(session, lambda: worker_answers.answer_text(
        session, inbound_id, request.form.get("answer", ""), user_id=current_user.id, actor=f"user:{current_user.id}",
        settlement_ids=inbound_text_scope(session, current_user)))
    flash(error.message if error else "答复短信已发出，这条短信已标为已读。")
    return redirect(url_for("staff.unread_replies"))
