"""A non-editable install holds every file the code reads at run time."""
from __future__ import annotations

import os
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


def _wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"  # a clean copy: a stale build/ folder would hide what is missing
    for name in _tracked_package_files() | {"pyproject.toml", "README.md"}:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
                            str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return next(tmp_path.glob("kb_faq-*.whl"))


def test_an_installed_wheel_builds_answers_and_serves(tmp_path):
    """Installed from the wheel (not editable), away from the checkout: build the seed, ask, start."""
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                                str(target), str(_wheel(tmp_path))], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    city = tmp_path / "city"  # the city's own folder: content copied in, no checkout in sight
    shutil.copytree(ROOT / "content", city / "content")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(PYTHONPATH=str(target), KB_INDEX_DIR=str(city / "index"))

    def kb(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import sys; from kb.cli import main; sys.exit(main())", *args],
                              cwd=city, env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import kb, webapp; print(kb.__file__, webapp.__file__)"],
                           cwd=city, env=env, capture_output=True, text=True)
    assert where.stdout.count(str(target)) == 2, where.stdout  # the installed copy, not the checkout
    assert kb("build", "--content", "content").returncode == 0
    answer = kb("ask", "マイナンバーカードを落としたら保険の情報がもれる？")
    assert answer.returncode == 0 and "紛失" in answer.stdout, answer.stderr[-2000:]
    started = subprocess.run([sys.executable, "-c", "from webapp import create_app; "
                              "print(create_app().test_client().get('/readyz').status_code)"],
                             cwd=city, env=env, capture_output=True, text=True, timeout=300)
    assert started.stdout.strip().endswith("200"), started.stderr[-2000:]
    # records and the key in the city's instance/, where `kb editor add` looks too (not in the venv)
    assert (city / "instance" / "kb.sqlite3").is_file() and (city / "instance" / "secret_key").is_file()


def test_the_wheel_holds_every_tracked_file_of_the_packages(tmp_path):
    wheel = _wheel(tmp_path)
    shipped = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_tracked_package_files() - shipped)
    assert not missing, f"files the code reads but the wheel lacks: {missing}"
    assert "kb/data/decision.json" in shipped  # without it no installed copy can answer
