"""A roster uploaded on the staff console: checked, previewed, then written on confirmation.

Staff may only write to their own settlements, so rows naming another settlement, or an ID
number of a person who lives in another settlement, are problems like any other, reported
together with the file's own problems in one list (staff fix the file once). An upload
without problems is previewed and kept under a token (``RosterUpload``); confirming imports
that very file, and only if the change is still exactly the one previewed.
"""

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.db import in_chunks
from jobmatch.models import County, Household, Person, RosterUpload, Settlement, User
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.reading import read_roster_table
from jobmatch.roster.records import PersonRecord
from jobmatch.services.errors import UserError
from jobmatch.services.roster.importing import ImportReport, import_roster

KEPT_FOR = timedelta(hours=24)


@dataclass
class PreviewedUpload:
    report: ImportReport
    token: str | None = None  # set when the upload can be confirmed


def preview_upload(session: Session, data: bytes, filename: str, *, user: User, settlement_ids: set[int],
                   partial: bool) -> PreviewedUpload:
    """Check everything and preview the change, writing nothing but the kept upload (the caller commits).

    Raises RosterFileError when the file cannot be read."""
    report = _run(session, data, filename, user=user, settlement_ids=settlement_ids, partial=partial, dry_run=True)
    if report.preview is None or (report.problems and not partial):
        return PreviewedUpload(report)
    session.execute(delete(RosterUpload).where(RosterUpload.created_at < utcnow() - KEPT_FOR))
    token = secrets.token_urlsafe(24)
    session.add(RosterUpload(token=token, user_id=user.id, filename=filename[:200], content=data,
                             content_sha256=hashlib.sha256(data).hexdigest(), preview_digest=report.preview.digest(),
                             partial=partial, created_at=utcnow()))
    session.flush()
    return PreviewedUpload(report, token)


def confirm_upload(session: Session, token: str, *, user: User, settlement_ids: set[int]) -> ImportReport:
    """Import the previewed file; UserError when it was confirmed already, is not the user's, or changed."""
    upload = session.scalar(select(RosterUpload).where(RosterUpload.token == token, RosterUpload.user_id == user.id)
                            .with_for_update())
    if upload is None or upload.created_at < utcnow() - KEPT_FOR:
        raise UserError("找不到这次上传（可能已经确认导入，或已超过 24 小时）。请重新上传台账。", status=409)
    if hashlib.sha256(upload.content).hexdigest() != upload.content_sha256:
        raise UserError("上传的文件已损坏，请重新上传。", status=409)
    session.delete(upload)
    session.flush()
    report = _run(session, upload.content, upload.filename, user=user, settlement_ids=settlement_ids,
                  partial=upload.partial, dry_run=False, expected_preview=upload.preview_digest)
    if not report.written:
        raise UserError("台账在预览之后有了变化，没有写入。请重新上传并核对预览。", status=409)
    return report


def forget_person_in_uploads(session: Session, id_number: str) -> int:
    """A person's data must go (anonymisation): delete every kept upload whose file holds their ID number,
    and every upload past its 24 hours; an upload that cannot be read any more goes too. How many went."""
    session.execute(delete(RosterUpload).where(RosterUpload.created_at < utcnow() - KEPT_FOR))
    wanted = id_number.strip().upper()
    holding = [upload_id for upload_id, content, filename in session.execute(
        select(RosterUpload.id, RosterUpload.content, RosterUpload.filename).order_by(RosterUpload.id))
        if _holds_id_number(content, filename, wanted)]
    if holding:
        session.execute(delete(RosterUpload).where(RosterUpload.id.in_(holding)))
    return len(holding)


def _holds_id_number(content: bytes, filename: str, id_number: str) -> bool:
    try:
        table = read_roster_table(io.BytesIO(content), filename)
    except Exception:  # any reader's error (a damaged zip too): a copy kept for a preview is not worth the doubt
        return True
    return any(row.get("id_number", "").strip().upper() == id_number for _, row in table.rows)


def _run(session, data, filename, *, user, settlement_ids, partial, dry_run, expected_preview=None) -> ImportReport:
    def out_of_scope(records: list[PersonRecord]) -> list[RosterProblem]:
        return [] if user.role == "admin" else _out_of_scope(session, records, settlement_ids)
    return import_roster(session, io.BytesIO(data), filename=filename, partial=partial, dry_run=dry_run,
                         actor=f"user:{user.id}", more_checks=out_of_scope, expected_preview=expected_preview)


def _out_of_scope(session: Session, records: list[PersonRecord], settlement_ids: set[int]) -> list[RosterProblem]:
    allowed = {(county, name) for county, name in session.execute(
        select(County.name, Settlement.name).join(Settlement.county).where(Settlement.id.in_(settlement_ids)))}
    elsewhere = _people_living_elsewhere(session, [r.id_number for r in records], settlement_ids)
    households_elsewhere = _households_elsewhere(session, settlement_ids)
    problems = []
    for record in records:
        if (record.county, record.settlement) not in allowed:
            problems.append(RosterProblem(record.row, "安置点", f"“{record.settlement}”不在您负责的安置点内"))
        elif (record.county, record.household_no) in households_elsewhere:
            problems.append(RosterProblem(record.row, "户编号", "这个户编号属于其他安置点，请核对"))
        elif record.id_number in elsewhere:
            problems.append(RosterProblem(record.row, "身份证号", "此人登记在其他安置点，请联系该安置点的专干"))
    return problems


def _households_elsewhere(session, settlement_ids) -> set[tuple[str, str]]:
    """(county, household_no) of households in the user's counties but not their settlements."""
    county_ids = select(Settlement.county_id).where(Settlement.id.in_(settlement_ids))
    return {(county, number) for county, number in session.execute(
        select(County.name, Household.household_no).join(Household.county)
        .where(Household.county_id.in_(county_ids), Household.settlement_id.not_in(settlement_ids)))}


def _people_living_elsewhere(session, id_numbers, settlement_ids) -> set[str]:
    found = set()
    for chunk in in_chunks(id_numbers):
        found |= set(session.scalars(select(Person.id_number).join(Household)
                                     .where(Person.id_number.in_(chunk), Household.settlement_id.not_in(settlement_ids))))
    return found
