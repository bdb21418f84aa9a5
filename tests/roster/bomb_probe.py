"""Run by test_xlsx_limits in a fresh process: upload a roster file on the staff page, or import it
with the CLI, and print the outcome, the seconds it took and the memory it took as JSON.

    python -m tests.roster.bomb_probe web|cli DATABASE_URL FILE

``ru_maxrss`` cannot be reset and already holds the app's own ~220 MiB (and, after fork and exec,
the parent's size), so the peak of the upload itself is read from VmHWM after resetting it
(``/proc/self/clear_refs``); ru_maxrss is printed as well.
"""

import json
import resource
import sys
import time


def main(how: str, database_url: str, path: str) -> None:
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from jobmatch.cli import main as jobmatch_command
    from tests.conftest import make_test_app
    from tests.web.helpers import login

    app = make_test_app(database_url)
    client = app.test_client()
    if how == "web":
        login(client, "staff_probe")
    rss_before = _status_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # the peak (VmHWM) starts again from the current size
    started = time.perf_counter()
    if how == "web":
        with open(path, "rb") as upload:
            response = client.post("/staff/roster/upload", data={"roster": (upload, "台账.xlsx")},
                                   content_type="multipart/form-data")
        outcome = {"status": response.status_code, "text": response.get_data(as_text=True)}
    else:
        result = CliRunner().invoke(jobmatch_command, ["roster", "import", path],
                                    obj=ScriptInfo(create_app=lambda: app))
        outcome = {"status": result.exit_code, "text": result.output}
    outcome["seconds"] = time.perf_counter() - started
    outcome["growth_mib"] = _status_mib("VmHWM") - rss_before
    outcome["rss_before_mib"] = rss_before
    outcome["ru_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(outcome, ensure_ascii=False))


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":")) / 1024


if __name__ == "__main__":
    main(*sys.argv[1:])
