"""One table of the lab's SLURM clusters: what changes between them in a job script."""

from __future__ import annotations

CLUSTERS: dict[str, dict[str, str]] = {}


def cluster(name: str) -> dict[str, str]:
    """The settings for one cluster ('none' gives an empty mapping)."""
    return CLUSTERS.get(name, {})
