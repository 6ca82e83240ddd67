"""The licences a repo can get: one text file per SPDX identifier in lab_template/render/licenses/.

A licence is its text file plus its identifier among the ``license`` choices of cookiecutter.json
(a test checks that the two agree). In the text, ``[year]`` and ``[fullname]`` (choosealicense.com's
placeholders) stand for the year and the author where the copyright line names them.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

LICENSES_DIR = Path(__file__).resolve().parent / "licenses"
# How alike a repo's licence text and one of ours must be to count as that licence: a copyright
# line may differ, another licence of the same family (BSD-2-Clause against BSD-3-Clause) not.
SAME_LICENCE = 0.95


def available() -> list[str]:
    """The SPDX identifiers that have a text file."""
    return sorted(path.stem for path in LICENSES_DIR.glob("*.txt"))


def license_text(spdx_id: str, year: str, holder: str) -> str:
    """The licence's text with the year and the copyright holder filled in, without its last newline."""
    path = LICENSES_DIR / f"{spdx_id}.txt"
    if not path.is_file():
        raise ValueError(f"license: no text for {spdx_id!r}; add lab_template/render/licenses/{spdx_id}.txt")
    text = path.read_text(encoding="utf-8").rstrip("\n")
    return text.replace("[year]", str(year)).replace("[fullname]", str(holder).strip())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def matching_license(text: str) -> str | None:
    """The SPDX id of our licence text that this text is, bar a copyright line; else None."""
    words = _words(text)
    best, best_ratio = None, SAME_LICENCE
    for spdx_id in available():
        ours = _words((LICENSES_DIR / f"{spdx_id}.txt").read_text(encoding="utf-8"))
        matcher = difflib.SequenceMatcher(None, ours, words, autojunk=False)
        # The quick upper bounds first: ratio() is slow on a long text.
        alike = matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio
        if alike and (ratio := matcher.ratio()) >= best_ratio:
            best, best_ratio = spdx_id, ratio
    return best
