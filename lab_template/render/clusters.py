"""One table of the lab's SLURM clusters: what changes between them in a job script.

A cluster is its entry here plus its name among the ``hpc_cluster`` choices of cookiecutter.json
(before ``none``, which means no HPC files); a test checks that the two name the same clusters.

The generated scripts (slurm/*.sh) and the README's "Running on <cluster>" section read
only this table. Each entry gives the defaults of a one-GPU job, from the cluster's docs:

- ``name``, ``docs``: how people write the cluster's name; its batch-job documentation.
- ``login_host``: where ``ssh`` goes.
- ``scratch``: the user's own work area for code and data (``{account}``: the project).
- ``gpu_partition``, ``cpu_partition``: where GPU jobs and CPU-only jobs go.
- ``gpu_request``: the directive that asks for one GPU; ``no_gpu``: the sbatch option that
  takes it back for a CPU-only run (command-line options override the script's).
- ``cpus_per_gpu``, ``mem``, ``time``: the cores, memory and time limit asked with one GPU
  (the cluster's fair share of a GPU node per GPU, and the handbook's five hours).
- ``python_module``: the environment module with the Python that the venv is made from.
- ``slurm_cluster``: for a login node that serves several SLURM clusters, the one to use
  (``--clusters``, also for squeue, scancel and sacct); empty elsewhere.
- ``cpu_login_host``: where CPU-only jobs are submitted from, if not ``login_host``;
  empty elsewhere.
"""

from __future__ import annotations

CLUSTERS: dict[str, dict[str, str]] = {
    # https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/partitions/
    # https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/lumig-job/
    # https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/python/
    # https://github.com/Lumi-supercomputer/LUMI-AI-Guide
    # A LUMI-G node: 4 AMD MI250X = 8 GCDs, which SLURM counts as 8 GPUs; LUMI's examples
    # give each GPU 7 cores and 60G. small-g shares nodes; standard-g gives whole nodes
    # (for jobs that use all 8 GPUs).
    "lumi": {
        "name": "LUMI",
        "docs": "https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/partitions/",
        "login_host": "lumi.csc.fi",
        "scratch": "/scratch/{account}/$USER",
        "gpu_partition": "small-g",
        "cpu_partition": "small",
        "gpu_request": "--gpus-per-node=1",
        "no_gpu": "--gpus-per-node=0",
        "cpus_per_gpu": "7",
        "mem": "60G",
        "time": "05:00:00",
        "python_module": "cray-python",
        "slurm_cluster": "",
        "cpu_login_host": "",
    },
    # https://docs.csc.fi/computing/running/batch-job-partitions/
    # https://docs.csc.fi/computing/running/creating-job-scripts-puhti/
    # CSC shut down Puhti's computing at the end of July 2026 (see Roihu below).
    # A Puhti GPU node: 4 NVIDIA V100, 40 cores, 373 GiB; at most 10 cores per GPU.
    "puhti": {
        "name": "Puhti",
        "docs": "https://docs.csc.fi/computing/running/batch-job-partitions/",
        "login_host": "puhti.csc.fi",
        "scratch": "/scratch/{account}/$USER",
        "gpu_partition": "gpu",
        "cpu_partition": "small",
        "gpu_request": "--gres=gpu:v100:1",
        "no_gpu": "--gres=none",
        "cpus_per_gpu": "10",
        "mem": "64G",
        "time": "05:00:00",
        "python_module": "python-data",
        "slurm_cluster": "",
        "cpu_login_host": "",
    },
    # https://docs.csc.fi/computing/running/batch-job-partitions/
    # https://docs.csc.fi/computing/running/creating-job-scripts-mahti/
    # CSC shut down Mahti's computing at the end of August 2026 (see Roihu below).
    # A Mahti GPU node: 4 NVIDIA A100, 128 cores; at most 32 cores and, by default,
    # 122.5 GiB per GPU. gpusmall takes one or two GPUs; CPU partitions bill whole nodes.
    "mahti": {
        "name": "Mahti",
        "docs": "https://docs.csc.fi/computing/running/batch-job-partitions/",
        "login_host": "mahti.csc.fi",
        "scratch": "/scratch/{account}/$USER",
        "gpu_partition": "gpusmall",
        "cpu_partition": "medium",
        "gpu_request": "--gres=gpu:a100:1",
        "no_gpu": "--gres=none",
        "cpus_per_gpu": "32",
        "mem": "122G",
        "time": "05:00:00",
        "python_module": "python-data",
        "slurm_cluster": "",
        "cpu_login_host": "",
    },
    # https://wiki.helsinki.fi/display/it4sci/HPC+Environment+User+Guide
    # Turso (University of Helsinki): the login node turso.cs.helsinki.fi submits to several
    # SLURM clusters; the GPU nodes are in ukko's gpu partition, which takes a plain
    # --gres=gpu:N (add --constraint=v100 or a100 for one model). Work files go in
    # /wrk-vakka/users/$USER. The University's network or VPN is needed to log in.
    "turso": {
        "name": "Turso",
        "docs": "https://wiki.helsinki.fi/display/it4sci/HPC+Environment+User+Guide",
        "login_host": "turso.cs.helsinki.fi",
        "scratch": "/wrk-vakka/users/$USER",
        "gpu_partition": "gpu",
        "cpu_partition": "short",
        "gpu_request": "--gres=gpu:1",
        "no_gpu": "--gres=none",
        "cpus_per_gpu": "8",
        "mem": "32G",
        "time": "05:00:00",
        "python_module": "Python",
        "slurm_cluster": "ukko",
        "cpu_login_host": "",
    },
    # https://docs.csc.fi/computing/running/batch-job-partitions/#roihu-partitions
    # https://docs.csc.fi/computing/running/creating-job-scripts-roihu/#gpu-jobs
    # https://docs.csc.fi/computing/systems-roihu/
    # https://docs.csc.fi/computing/roihu-disk/
    # https://docs.csc.fi/computing/connecting/
    # https://docs.csc.fi/apps/python-data/
    # CSC's successor of Puhti and Mahti. A Roihu GPU node: 4 NVIDIA GH200; each GPU reserved
    # grants up to 72 cores and 217 GiB (gpumedium: 1 to 4 GPUs, at most 36 hours). GPU jobs
    # are submitted from the ARM login nodes (roihu-gpu.csc.fi), CPU jobs from the x86 ones
    # (roihu-cpu.csc.fi); software built on one side runs only on that side's nodes.
    "roihu": {
        "name": "Roihu",
        "docs": "https://docs.csc.fi/computing/running/batch-job-partitions/",
        "login_host": "roihu-gpu.csc.fi",
        "scratch": "/scratch/{account}/$USER",
        "gpu_partition": "gpumedium",
        "cpu_partition": "small",
        "gpu_request": "--gres=gpu:gh200:1",
        "no_gpu": "--gres=none",
        "cpus_per_gpu": "72",
        "mem": "217G",
        "time": "05:00:00",
        "python_module": "python-data",
        "slurm_cluster": "",
        "cpu_login_host": "roihu-cpu.csc.fi",
    },
}


def cluster(name: str) -> dict[str, str]:
    """The settings for one cluster; a name the table does not have is an error, not a blank
    (which would render ``#SBATCH --partition=``)."""
    try:
        return CLUSTERS[name]
    except KeyError:
        raise ValueError(
            f"hpc_cluster: no cluster {name!r} in lab_template/render/clusters.py (it has {', '.join(CLUSTERS)})"
        ) from None
