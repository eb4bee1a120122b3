"""`kb build` on several cores: worker processes analyse, the index is the same file for file."""
from __future__ import annotations

import dataclasses
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from kb import analysispool, config
from kb.analysispool import analysed_entries
from kb.indexer import build_index, current_version_path
from kb.ingest import Content

from .conftest import needs_shared, AMAGASAKI

STORED_FILES = ("lexical.npz", "holds.npz", "sentence_holds.npz", "sentence_starts.npy", "vocab.json", "entries.json")


def copies(content: Content, count: int) -> Content:
    """`content` with its entries repeated (new ids) up to `count` entries."""
    entries = [dataclasses.replace(entry, id=f"{entry.id}-{n}")
               for n in range(-(-count // len(content.entries))) for entry in content.entries][:count]
    return dataclasses.replace(content, entries=tuple(entries))


def stored_files(index_dir) -> dict[str, bytes]:
    version = current_version_path(index_dir)
    return {name: (version / name).read_bytes() for name in STORED_FILES}


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])  # small contents, large ones
def test_workers_hand_back_every_entry_analysed_as_here_in_order(seed_content, start_method):
    entries = copies(seed_content, 30).entries
    assert list(analysed_entries(entries, workers=3, min_per_worker=1, start_method=start_method)) == list(
        analysed_entries(entries))


def test_a_build_over_two_processes_writes_the_same_index_as_one_process(tmp_path, seed_content):
    content = copies(seed_content, 250)
    build_index(content, tmp_path / "serial", workers=1)
    build_index(content, tmp_path / "parallel", workers=2)
    assert stored_files(tmp_path / "parallel") == stored_files(tmp_path / "serial")


def die(entries):
    os._exit(1)  # as a worker killed for memory would


def test_a_worker_that_dies_fails_the_build_instead_of_hanging(seed_content, monkeypatch):
    monkeypatch.setattr(analysispool, "_analyse_batch", die)  # forked workers see it too
    with pytest.raises(BrokenProcessPool):
        list(analysed_entries(copies(seed_content, 30).entries, workers=2, min_per_worker=1, start_method="fork"))


@needs_shared(AMAGASAKI)
def test_the_amagasaki_faqs_analysed_in_workers_match_one_process(seed_content):
    from kb.ingest import load_content

    entries = load_content([AMAGASAKI]).entries[:400]
    assert list(analysed_entries(entries, workers=2)) == list(analysed_entries(entries))


@pytest.mark.parametrize("value, expected", [("1", 1), ("3", 3)])
def test_the_number_of_build_workers_is_a_setting(value, expected):
    assert config.setting("BUILD_WORKERS", {"KB_BUILD_WORKERS": value}) == expected


def test_auto_uses_the_cores_there_are_at_most_four():
    assert 1 <= config.setting("BUILD_WORKERS", {}) <= 4


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_worker_count_is_refused_naming_the_variable(value):
    with pytest.raises(ValueError, match="KB_BUILD_WORKERS"):
        config.setting("BUILD_WORKERS", {"KB_BUILD_WORKERS": value})
