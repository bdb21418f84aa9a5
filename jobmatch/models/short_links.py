"""Short links in SMS: PUBLIC_BASE_URL/s/<code> leads one person to one page after sign-in.

The code is not a key to anything: the page still needs the person signed in, and a
code opens its page only for the person it was sent to. A fair's link is the fair's own
(no person): the fair page shows each signed-in worker their own invitation, so one
code serves every invitation and the broadcast is one text (Tencent batches only that).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class ShortLink(Base):
    __tablename__ = "short_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    # None: a link shared by everyone it was sent to (a fair's page; see SHARED_TARGETS).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    # What it opens: "offer:12", "fair:3", "welfare_post:2" or "home".
    target: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
