import subprocess
import sys
from pathlib import Path

import pytest

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }}.__main__ import largest_zscore, main


def test_main_prints_where_it_runs_and_the_seeded_result(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLURM_JOB_ID", "1234")
    monkeypatch.delenv("SLURM_ARRAY_JOB_ID", raising=False)
    main(["--seed", "3", "--size", "50"])
    out = capsys.readouterr().out
    assert "host: " in out
    version = {{ cookiecutter.package_name }}.__version__
    folder = Path({{ cookiecutter.package_name }}.__file__).resolve().parent
    assert f"{{ cookiecutter.package_name }}: {version} from {folder}\n" in out
    assert "slurm job: 1234" in out
    assert f"seed 3: largest |z| of 50 draws = {largest_zscore(3, 50):.6f}" in out


def test_main_names_the_array_task(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLURM_ARRAY_JOB_ID", "77")
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    main([])
    assert "slurm array: task 2 of 77" in capsys.readouterr().out


def test_the_seed_decides_the_result() -> None:
    assert largest_zscore(1, 100) == largest_zscore(1, 100)
    assert largest_zscore(1, 100) != largest_zscore(2, 100)


def test_main_refuses_a_sample_too_small_for_zscore(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--size", "1"])
    assert "--size must be at least 2" in capsys.readouterr().err


def test_python_dash_m_runs_the_package() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", "--seed", "5"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "seed 5: largest |z| of 1000 draws = " in result.stdout
