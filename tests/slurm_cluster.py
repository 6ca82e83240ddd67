"""A real one-node SLURM on 127.0.0.1, to run the generated job scripts in the tests.

Debian's munge, slurmctld and slurmd (installed by .ci/run) are started by hand, as root,
with their files in temporary folders: no systemd, no cgroups, no accounting database.
Nothing is enforced on the node (task/none), so it can claim a real GPU node's cores and
memory and run the scripts with their own requests; only GPUs, which SLURM checks at
submission, must be switched off with an sbatch option.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DAEMONS = ("munged", "slurmctld", "slurmd")
NEEDED_PROGRAMS = ("mungekey", *DAEMONS, "sbatch", "scontrol", "scancel", "sacct")
FINAL_JOB_STATES = {
    "BOOT_FAIL",
    "CANCELLED",
    "COMPLETED",
    "DEADLINE",
    "FAILED",
    "NODE_FAIL",
    "OUT_OF_MEMORY",
    "PREEMPTED",
    "TIMEOUT",
}


class SlurmError(RuntimeError):
    """SLURM did not do what was asked; the message holds the daemons' logs."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (which only its parent can reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _parse_record(line: str) -> dict[str, str]:
    """One line of `scontrol show ... -o`: space-separated Key=Value pairs."""
    return dict(field.split("=", 1) for field in line.split() if "=" in field)


class SlurmCluster:
    """One controller and one compute node (this machine) serving ``partitions``."""

    def __init__(self, root: Path, partitions: list[str], cpus: int = 64, memory_mb: int = 512_000):
        self.root = root
        self.partitions = partitions
        self.cpus = cpus
        self.memory_mb = memory_mb
        self.node = socket.gethostname().split(".")[0]
        self.conf = root / "slurm.conf"
        self.munge_dir: Path | None = None  # made by start()
        self.running = False
        self.start_error: SlurmError | None = None
        # Every client command finds the cluster through SLURM_CONF; jobs get it from slurmd.
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}

    # --- lifecycle ---------------------------------------------------------------------

    def start(self, timeout: float = 30) -> None:
        """Start the daemons, once: later calls do nothing, or raise the first call's error."""
        if self.start_error:
            raise self.start_error
        if self.running:
            return
        try:
            self._start(timeout)
        except SlurmError as error:
            self.start_error = error
            raise
        self.running = True

    def _start(self, timeout: float) -> None:
        missing = [name for name in NEEDED_PROGRAMS if not shutil.which(name)]
        if missing:
            raise SlurmError(
                f"missing {', '.join(missing)}: install Debian's slurmctld slurmd slurm-client "
                "munge (as .ci/run does)"
            )
        (self.root / "spool").mkdir(parents=True)
        (self.root / "state").mkdir()
        # munged wants every folder above its socket open to all: not so pytest's tmp_path.
        munge_dir = self.munge_dir = Path(tempfile.mkdtemp(prefix="munge-"))
        munge_dir.chmod(0o755)
        self._run("mungekey", "--create", "--keyfile", munge_dir / "munge.key")
        self._start_daemon(
            "munged",
            f"--key-file={munge_dir / 'munge.key'}",
            f"--socket={munge_dir / 'munge.socket'}",
            f"--pid-file={self.root / 'munged.pid'}",
            f"--seed-file={munge_dir / 'munge.seed'}",
            f"--log-file={self.root / 'munged.log'}",
        )
        self.conf.write_text(self._slurm_conf())
        self._start_daemon("slurmctld", "-f", self.conf)
        self._start_daemon("slurmd", "-f", self.conf)
        self._wait_until_node_idle(timeout)

    def stop(self) -> None:
        """Cancel what is left, then stop the daemons this cluster started (by pid file)."""
        if self.conf.exists():
            subprocess.run(
                ["scancel", "--full", "--user", "root"], check=False, env=self.env, capture_output=True
            )
        pids = []
        for daemon in DAEMONS:
            pid_file = self.root / f"{daemon}.pid"
            if pid_file.exists():
                pids.append(int(pid_file.read_text().split()[0]))
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while any(map(_is_running, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in filter(_is_running, pids):
            _signal(pid, signal.SIGKILL)
        if self.munge_dir:
            shutil.rmtree(self.munge_dir, ignore_errors=True)

    def logs(self) -> str:
        """The end of each daemon's log, for failure messages."""
        parts = []
        for daemon in DAEMONS:
            log = self.root / f"{daemon}.log"
            text = log.read_text(errors="replace") if log.exists() else "(no log)"
            parts.append(f"--- {log}\n" + "\n".join(text.splitlines()[-40:]))
        return "\n".join(parts)

    # --- jobs --------------------------------------------------------------------------

    def sbatch(self, *args, cwd: Path) -> subprocess.CompletedProcess:
        """`sbatch --parsable ARGS` in cwd, after start(): a cluster that could not start
        fails the test that submits, with the daemons' logs."""
        self.start()
        return subprocess.run(
            ["sbatch", "--parsable", *map(str, args)],
            check=False,
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    def wait_for_job(self, job_id: str, tasks: int = 1, timeout: float = 60) -> list[dict[str, str]]:
        """Poll until the job (or each of an array's ``tasks``) has ended; its records."""
        deadline = time.monotonic() + timeout
        while True:
            records = self.job_records(job_id)
            if len(records) == tasks and all(r.get("JobState") in FINAL_JOB_STATES for r in records):
                return records
            if time.monotonic() > deadline:
                raise SlurmError(f"job {job_id} did not end in {timeout} s: {records}\n{self.logs()}")
            time.sleep(0.1)

    def job_records(self, job_id: str) -> list[dict[str, str]]:
        """`scontrol show job ID`: one record per job (an array's not yet split up counts once)."""
        result = subprocess.run(
            ["scontrol", "show", "job", "-o", job_id],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
        )
        return [_parse_record(line) for line in result.stdout.splitlines() if line.strip()]

    def accounting(self, job_id: str) -> list[list[str]]:
        """`sacct -c` (from the job completion file): JobID, State, ExitCode of each job."""
        result = self._run(
            "sacct", "-c", "-j", job_id, "--noheader", "--parsable2", "-o", "jobid,state,exitcode"
        )
        return [line.split("|") for line in result.stdout.splitlines() if line.strip()]

    # --- helpers -----------------------------------------------------------------------

    def _slurm_conf(self) -> str:
        root = self.root
        lines = [
            "ClusterName=tests",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={_free_port()}",
            f"SlurmdPort={_free_port()}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={self.munge_dir / 'munge.socket'}",
            f"StateSaveLocation={root / 'state'}",
            f"SlurmdSpoolDir={root / 'spool'}",
            f"SlurmctldPidFile={root / 'slurmctld.pid'}",
            f"SlurmdPidFile={root / 'slurmd.pid'}",
            f"SlurmctldLogFile={root / 'slurmctld.log'}",
            f"SlurmdLogFile={root / 'slurmd.log'}",
            # No cgroups here: track processes by their parents, enforce nothing.
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "MpiDefault=none",
            "MailProg=/bin/true",
            "ReturnToService=2",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            # Start batch jobs at once (default: ~3 s from sbatch to COMPLETED, now ~1 s).
            "SchedulerParameters=batch_sched_delay=0",
            # Without slurmdbd: final states go to a file that `sacct -c` reads, and
            # `scontrol show job` keeps answering for an hour after a job ends.
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/filetxt",
            f"JobCompLoc={root / 'jobcomp.txt'}",
            "MinJobAge=3600",
            # The node claims a GPU node's cores and memory, more than this machine has.
            "SlurmdParameters=config_overrides",
            (
                f"NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} "
                f"RealMemory={self.memory_mb} State=UNKNOWN"
            ),
        ]
        lines += [
            f"PartitionName={name} Nodes={self.node} MaxTime=INFINITE State=UP" for name in self.partitions
        ]
        return "\n".join(lines) + "\n"

    def _wait_until_node_idle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = subprocess.run(
                ["scontrol", "show", "node", "-o", self.node],
                check=False,
                env=self.env,
                capture_output=True,
                text=True,
            )
            record = _parse_record(result.stdout)
            if record.get("State") == "IDLE" and record.get("SlurmdStartTime", "None") != "None":
                return
            time.sleep(0.1)
        raise SlurmError(f"node {self.node} did not become IDLE in {timeout} s\n{self.logs()}")

    def _start_daemon(self, *args) -> None:
        """Run a daemon, which forks into the background; its early complaints go to a file."""
        output = self.root / f"{args[0]}.out"
        with output.open("w") as out:
            result = subprocess.run(
                [str(a) for a in args],
                check=False,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=30,
            )
        if result.returncode:
            raise SlurmError(
                f"{' '.join(map(str, args))} exited {result.returncode}\n{output.read_text()}\n{self.logs()}"
            )

    def _run(self, *args) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(a) for a in args], check=False, env=self.env, capture_output=True, text=True, timeout=30
        )
        if result.returncode:
            raise SlurmError(
                f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}{result.stderr}\n"
                f"{self.logs()}"
            )
        return result
