"""A non-editable install holds every file the code reads at run time."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tracked_package_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "kb", "webapp"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    return {name for name in listed.stdout.split() if "__pycache__" not in name}


def test_the_wheel_holds_every_tracked_file_of_the_packages(tmp_path):
    source = tmp_path / "source"  # a clean copy: a stale build/ folder would hide what is missing
    tracked = _tracked_package_files() | {"pyproject.toml", "README.md"}
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--quiet", "-w", str(tmp_path), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("kb_faq-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_tracked_package_files() - shipped)
    assert not missing, f"files the code reads but the wheel lacks: {missing}"
    assert "kb/data/decision.json" in shipped  # without it no installed copy can answer
