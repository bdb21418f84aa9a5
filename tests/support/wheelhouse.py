"""Offline installs for the packaging test: wheels of the distributions this interpreter has installed,
and the package sources on this machine's disk that pip is configured with.

A fresh virtualenv then installs the project's exact pinned dependencies without the internet.
"""

import base64
import csv
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from importlib.metadata import Distribution, distribution
from pathlib import Path

from packaging.requirements import Requirement

_NOT_REPACKED = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}  # written by the installer, not the wheel


def dependency_closure(requirements: list[str]) -> list[Distribution]:
    """The installed distributions that ``requirements`` need, and the ones those need in turn."""
    found: dict[str, Distribution] = {}
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        key = _normalised(requirement.name)
        if key in found:
            continue
        found[key] = distribution(requirement.name)  # PackageNotFoundError: a dependency missing here
        extras = {""} | requirement.extras
        for text in found[key].requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                pending.append(needed)
    return list(found.values())


def repack_wheel(installed: Distribution, wheelhouse: Path) -> Path:
    """Write an installed distribution back into a wheel holding the files pip installed for it."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[-_.]+", "_", installed.metadata["Name"])
    target = wheelhouse / f"{name}-{installed.version}-{_compressed_tag(installed)}.whl"
    files = [path for path in installed.files or [] if _belongs_in_wheel(path.parts)]
    dist_info = next(path.parts[0] for path in files if path.parts[0].endswith(".dist-info"))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as wheel:
        for path in files:
            source = Path(installed.locate_file(path))
            if not source.is_file():
                continue
            data = source.read_bytes()
            wheel.writestr(path.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([path.as_posix(), f"sha256={digest}", len(data)])
        writer.writerow([f"{dist_info}/RECORD", "", ""])
        wheel.writestr(f"{dist_info}/RECORD", record.getvalue())
    return target


def local_package_sources() -> tuple[list[str], list[str]]:
    """(index URLs, find-links) that pip is configured with here (pip.conf, PIP_* variables) and that
    lie on this machine's disk: the sources an offline install may use."""
    listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True,
                             check=True).stdout
    indexes, find_links = [], []
    for line in listing.splitlines():
        key, _, value = line.partition("=")
        option = key.rsplit(".", 1)[-1]
        local = [v for v in value.strip().strip("'\"").split() if v.startswith(("file:", "/"))]
        if option in ("index-url", "extra-index-url"):
            indexes += local
        elif option == "find-links":
            find_links += local
    return list(dict.fromkeys(indexes)), list(dict.fromkeys(find_links))


def _compressed_tag(installed: Distribution) -> str:
    """All the wheel's tags in one, as its file name gives them (py2.py3-none-any)."""
    tags = [line.split(":", 1)[1].strip().split("-") for line in installed.read_text("WHEEL").splitlines()
            if line.startswith("Tag:")]
    return "-".join(".".join(dict.fromkeys(tag[part] for tag in tags)) for part in range(3))


def _belongs_in_wheel(parts: tuple[str, ...]) -> bool:
    if parts[0] == ".." or "__pycache__" in parts:  # console scripts in bin/, compiled bytecode
        return False
    return not (parts[0].endswith(".dist-info") and parts[-1] in _NOT_REPACKED)


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
