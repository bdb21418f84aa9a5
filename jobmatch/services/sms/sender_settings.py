"""Who an SMS comes from and whom to call: each county's registered signature, each
settlement's staff office phone. Staff set them on a page; messaging reads them."""

import re

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import County, Settlement
from jobmatch.services.errors import UserError, get_or_fail

OFFICE_PHONE = re.compile(r"\d{3,4}-?\d{5,8}|1\d{10}|\d{5}")
# Carriers register signatures of 2-12 characters; 【】 are added by the provider.
SIGNATURE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}")


def set_contact_phone(session: Session, settlement_id: int, raw: str, *, actor: str) -> Settlement:
    """Set (or clear, with "") the settlement's office phone the help reply and worker's page give."""
    settlement = get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
    phone = (raw or "").strip().replace(" ", "")
    if phone and not OFFICE_PHONE.fullmatch(phone):
        raise UserError("联系电话写法不对：请写区号-号码（如 0857-6221234）、手机号或 5 位服务号。", "contact_phone")
    settlement.contact_phone = phone or None
    ledger.append(session, "settlement_contact_phone_set", actor=actor, subject=f"settlement:{settlement.id}",
                  data={"set": bool(phone)})  # an office number, but events hold no phone number at all
    return settlement


def set_signature(session: Session, county_id: int, raw: str, *, actor: str) -> County:
    """Set (or clear, with "") the county's registered SMS signature; cleared, SMS_SIGNATURE applies."""
    county = get_or_fail(session, County, county_id, "county_id", "县")
    signature = (raw or "").strip().strip("【】").strip()
    if signature and not SIGNATURE.fullmatch(signature):
        raise UserError("短信签名应是在短信服务商报备过的 2 到 12 个字（汉字、字母或数字），不用写【】。",
                        "sms_signature")
    county.sms_signature = signature or None
    ledger.append(session, "county_sms_signature_set", actor=actor, subject=f"county:{county.id}",
                  data={"signature": signature})
    return county
