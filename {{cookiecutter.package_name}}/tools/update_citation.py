"""Write a release's version and date into CITATION.cff.

    python tools/update_citation.py 1.2.0 [--date 2026-12-01]

Run it before tagging the release and commit the change (RELEASING.md): the release workflow
refuses a tag whose version CITATION.cff does not name. The date defaults to today.
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
CITATION = ROOT / "CITATION.cff"
VERSION_LINE = re.compile(r"^version: .*$", re.MULTILINE)
DATE_LINE = re.compile(r"^date-released: .*\n", re.MULTILINE)
# A version as the wheel's name and metadata spell it: PEP 440's canonical form (its appendix).
VERSION = re.compile(
    r"([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?"
)


def fail(message: str) -> NoReturn:
    sys.exit(f"error: {message}")


def cited_version(text: str) -> str | None:
    """The version that CITATION.cff's text names, or None."""
    match = VERSION_LINE.search(text)
    return match.group().split(":", 1)[1].strip().strip("\"'") if match else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "version", help="the version being released, e.g. 1.2.0 (a leading v is dropped)"
    )
    parser.add_argument(
        "--date",
        type=datetime.date.fromisoformat,
        default=datetime.date.today(),
        help="the release date, YYYY-MM-DD (default: today)",
    )
    arguments = parser.parse_args()
    version = arguments.version.removeprefix("v")
    if not VERSION.fullmatch(version):
        fail(
            f"{arguments.version!r} is not a version as PyPI spells it, such as 1.2.0, 1.2.0rc1 "
            "or 1.2.0.post1 (PEP 440)"
        )
    if not CITATION.is_file():
        fail(f"{CITATION} not found")
    text = CITATION.read_text(encoding="utf-8")
    if len(VERSION_LINE.findall(text)) > 1:
        fail(f"{CITATION} must have one 'version:' line, not several")
    # The date goes right after the version, replacing an earlier one (a citation that names
    # no version yet gets both at its end). Both are quoted: YAML reads an unquoted 1.10 as the
    # number 1.1, and a date as a date.
    text = DATE_LINE.sub("", text)
    release = f'version: "{version}"\ndate-released: "{arguments.date.isoformat()}"'
    if VERSION_LINE.search(text):
        text = VERSION_LINE.sub(release, text)
    else:
        text = text.rstrip("\n") + "\n" + release + "\n"
    CITATION.write_text(text, encoding="utf-8")
    print(f"{CITATION.name}: version {version}, released {arguments.date.isoformat()}")


if __name__ == "__main__":
    main()
