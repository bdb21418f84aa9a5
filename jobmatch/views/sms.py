"""SMS webhooks: Twilio's replies (POST /sms/inbound) and status callbacks (POST /sms/status),
and Aliyun's and Tencent Cloud's callbacks (POST /sms/<provider>/<SMS_CALLBACK_TOKEN>/<kind>).

Both answer 403 unless X-Twilio-Signature is Twilio's signature, with TWILIO_AUTH_TOKEN,
of PUBLIC_BASE_URL + the path and query string (the URL Twilio was given, which is not
the one this process sees behind a proxy) and the form fields. CSRF does not apply:
Twilio holds no session; the signature is the proof.
"""

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request
from twilio.request_validator import RequestValidator

from jobmatch.config import settings_of
from jobmatch.db import get_session
from jobmatch.security import csrf
from jobmatch.services.sms.inbound import apply_inbound, receive_reply, record_status
from jobmatch.tasks import start_background_sender
from notifications.callbacks import parse_callback
from notifications.inbound import CallbackRejected

bp = Blueprint("sms", __name__, url_prefix="/sms")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@bp.before_app_request
def _start_sender():
    start_background_sender(current_app._get_current_object())


@bp.post("/inbound")
@csrf.exempt
def inbound():
    """A worker's reply; the answer to it goes out through the outbox, not in the TwiML."""
    _require_twilio_signature()
    form = request.form
    session = get_session()
    receive_reply(session, from_phone=form.get("From", ""), to_phone=form.get("To", ""),
                  body=form.get("Body", ""), provider_sid=form.get("MessageSid", ""))
    session.commit()
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post("/status")
@csrf.exempt
def status():
    """A delivery status; the key in the query string names the outbox row."""
    _require_twilio_signature()
    session = get_session()
    record_status(session, provider_message_id=request.form.get("MessageSid", ""),
                  status=request.form.get("MessageStatus", ""), error_code=request.form.get("ErrorCode", ""),
                  idempotency_key=request.args.get("key", ""))
    session.commit()
    return Response(status=204)


def _require_twilio_signature() -> None:
    settings = settings_of(current_app)
    token = settings.twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature or not request.form.get("MessageSid"):
        abort(403)
    query = request.query_string.decode("latin-1")
    url = settings.public_base_url + request.path + (f"?{query}" if query else "")
    if not RequestValidator(token).validate(url, request.form, signature):
        abort(403)


# -- Aliyun and Tencent Cloud: unsigned JSON callbacks on a secret URL -----------------------

@bp.post("/<provider>/<token>/<kind>")
@csrf.exempt
def provider_callback(provider, token, kind):
    """Replies and receipts from Aliyun (report, reply) or Tencent Cloud (status, reply).

    They carry no signature, so only the URL with SMS_CALLBACK_TOKEN is accepted (403
    otherwise, before the body is read), and only from SMS_CALLBACK_NETWORKS when set.
    """
    _require_callback_token(token)
    _require_callback_network()
    try:
        events, answer = parse_callback(provider, kind, request.get_data())
    except LookupError:
        abort(404)
    except CallbackRejected as exc:
        return jsonify(error=str(exc)), 400
    session = get_session()
    apply_inbound(session, events)
    session.commit()
    return jsonify(answer)


def _require_callback_token(token: str) -> None:
    expected = settings_of(current_app).sms_callback_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(403)


def _require_callback_network() -> None:
    networks = callback_networks(settings_of(current_app).sms_callback_networks)
    if not networks:
        return
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        abort(403)
    if not any(address in network for network in networks):
        abort(403)


def callback_networks(setting: str) -> list:
    """SMS_CALLBACK_NETWORKS: comma-separated addresses or CIDR networks; empty allows any source."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]
