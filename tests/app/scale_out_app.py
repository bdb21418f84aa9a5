"""The WSGI app of test_scale_out.py's gunicorn servers: settings and a day-time clock from the env.

Not a test module; gunicorn imports it as ``tests.app.scale_out_app:app``.
"""

import json
import os

from jobmatch import create_app
from jobmatch.clock import use_clock
from tests.sms.test_sms_support import ShiftedClock

use_clock(ShiftedClock(float(os.environ["SMS_TEST_CLOCK_OFFSET"])))
app = create_app(json.loads(os.environ["JOBMATCH_TEST_CONFIG"]))
