"""Move every pin in the template tree to the newest release, from the GitHub API.

    python lab_template/bump_pins.py [--dry-run]

Rewrites, in the generated repo's template files:
- each GitHub Action pinned to a commit, `uses: owner/repo@<sha> # vX.Y.Z`: the commit and the
  version comment, to the newest release tag of that action;
- each pre-commit hook's `rev:` in .pre-commit-config.yaml, to the hook repository's newest
  release tag.

"Newest release" is the highest version among the repository's tags, pre-releases left out;
a pin is never moved to a lower version than it has.
A generated repo keeps its own pins current (Dependabot, pre-commit.ci); this is for the
template's copies. Set GITHUB_TOKEN for a higher API rate limit. Run it again and nothing
changes until a new release appears. Standard library and packaging only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "{{cookiecutter.package_name}}"
API = "https://api.github.com"
PER_PAGE = 100

# `uses: owner/repo[/path]@<40-hex sha> # <tag>`
ACTION_PIN = re.compile(
    r"(?P<head>uses: (?P<repo>[\w.-]+/[\w.-]+)(?:/[\w./-]+)?@)(?P<sha>[0-9a-f]{40})(?P<gap> # )(?P<tag>\S+)"
)
# A hook repository and, on one of the next lines, its `rev:`.
HOOK_PIN = re.compile(
    r"(?P<head>- repo: https://github\.com/(?P<repo>[\w.-]+/[\w.-]+?)(?:\.git)?\n\s+rev: )"
    r"(?P<quote>[\"']?)(?P<tag>[^\s\"']+)(?P=quote)"
)


def pinned_files(template: Path) -> list[Path]:
    """The files that hold pins: the workflows and the pre-commit config, whatever their condition."""
    # A conditional file carries its condition in its name: "{% if ... %}docs.yml{% endif %}".
    workflows = sorted(path for path in (template / ".github" / "workflows").iterdir() if ".yml" in path.name)
    return [*workflows, template / ".pre-commit-config.yaml"]


class GitHub:
    """The little of GitHub's REST API this needs: a repository's tags."""

    def __init__(self, api: str, token: str | None) -> None:
        self.api = api.rstrip("/")
        self.token = token
        self.cache: dict[str, tuple[str, str]] = {}

    def get(self, path: str) -> list[dict]:
        request = urllib.request.Request(
            f"{self.api}{path}",
            headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            sys.exit(f"error: GitHub answered {error.code} {error.reason} for {request.full_url}")
        except urllib.error.URLError as error:
            sys.exit(f"error: cannot reach {request.full_url}: {error.reason}")

    def newest_release(self, repo: str) -> tuple[str, str]:
        """(tag, commit sha) of the repository's highest non-pre-release version tag."""
        if repo not in self.cache:
            tags: list[dict] = []
            page = 1
            while True:
                answer = self.get(f"/repos/{repo}/tags?per_page={PER_PAGE}&page={page}")
                tags += answer
                if len(answer) < PER_PAGE:
                    break
                page += 1
            releases = [(release_key(tag["name"]), tag["name"], tag["commit"]["sha"]) for tag in tags]
            releases = [release for release in releases if release[0] is not None]
            if not releases:
                sys.exit(f"error: {repo} has no release tag")
            _, name, sha = max(releases)
            self.cache[repo] = (name, sha)
        return self.cache[repo]


def release_key(tag: str) -> tuple[Version, int] | None:
    """How tags sort: by version, then the most specific spelling ('v7.0.1' above 'v7').

    None for a tag that is no release version (a pre-release, or no version at all)."""
    try:
        version = Version(tag)
    except InvalidVersion:
        return None
    if version.is_prerelease or version.is_devrelease:
        return None
    return version, len(version.release)


def is_newer(tag: str, than: str) -> bool:
    new, old = release_key(tag), release_key(than)
    return new is not None and (old is None or new[0] > old[0])


def bump_text(text: str, github: GitHub) -> str:
    def action(match: re.Match[str]) -> str:
        tag, sha = github.newest_release(match["repo"])
        if not is_newer(tag, match["tag"]):
            return match[0]
        return f"{match['head']}{sha}{match['gap']}{tag}"

    def hook(match: re.Match[str]) -> str:
        tag, _ = github.newest_release(match["repo"])
        if not is_newer(tag, match["tag"]):
            return match[0]
        return f"{match['head']}{match['quote']}{tag}{match['quote']}"

    return HOOK_PIN.sub(hook, ACTION_PIN.sub(action, text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dry-run", action="store_true", help="list the changes, write nothing")
    parser.add_argument("--api-url", default=API, help=f"GitHub's REST API (default: {API})")
    parser.add_argument("--template", type=Path, default=TEMPLATE, help="the template tree")
    arguments = parser.parse_args(argv)
    github = GitHub(arguments.api_url, os.environ.get("GITHUB_TOKEN"))
    changed = 0
    for path in pinned_files(arguments.template):
        before = path.read_text(encoding="utf-8")
        after = bump_text(before, github)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True):
            if old != new:
                changed += 1
                print(f"{path.relative_to(arguments.template)}: {old.strip()} -> {new.strip()}")
        if after != before and not arguments.dry_run:
            path.write_text(after, encoding="utf-8")
    print(f"{changed} pin(s) {'to change' if arguments.dry_run else 'changed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
