"""Command line: ``python -m {{ cookiecutter.package_name }} --seed 3``.

Prints where it runs (host, SLURM job, Python, and the package's version and folder), then a
small seeded computation: a first job to run on a new machine or cluster, and a model for real
ones.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
from pathlib import Path

import numpy as np

from . import __version__
from .stats import zscore


def describe_host() -> list[str]:
    """Where this process runs, one fact a line."""
    lines = [
        f"host: {socket.gethostname()}",
        f"python: {platform.python_version()}",
        f"{{ cookiecutter.package_name }}: {__version__} from {Path(__file__).resolve().parent}",
    ]
    job_id = os.environ.get("SLURM_JOB_ID")
    if job_id:
        lines.append(f"slurm job: {job_id}")
    array_job_id = os.environ.get("SLURM_ARRAY_JOB_ID")
    if array_job_id:
        task_id = os.environ.get("SLURM_ARRAY_TASK_ID")
        lines.append(f"slurm array: task {task_id} of {array_job_id}")
    return lines


def largest_zscore(seed: int, size: int) -> float:
    """The largest absolute z-score in ``size`` standard normal draws made with ``seed``."""
    sample = np.random.default_rng(seed).standard_normal(size)
    return float(np.abs(zscore(sample)).max())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m {{ cookiecutter.package_name }}",
        description="Print where this runs, then the largest |z-score| of a seeded sample.",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--size", type=int, default=1000, help="sample size (default: 1000)")
    args = parser.parse_args(argv)
    if args.size < 2:
        parser.error("--size must be at least 2")

    for line in describe_host():
        print(line)
    result = largest_zscore(args.seed, args.size)
    print(f"seed {args.seed}: largest |z| of {args.size} draws = {result:.6f}")


if __name__ == "__main__":
    main()
