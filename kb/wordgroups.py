"""Dictionary synonyms: the synonym groups SudachiDict gives its words.

sudachidict-core marks many words with the ids of the synonym groups they belong to
(引越し and 転居 share one, 亡くなる and 死亡, 委託 and 外注, 費用, 料金 and 手数料): the
resident's word and the official word, for thousands of pairs nobody has to list by hand.
The dictionary ships only the ids, not the groups' members; so a build records, for each
group, which of the index's own words are in it (`word_groups.json` in the version), and a
question's word is expanded with the index words that share a group with it. The curated
`content/synonyms.txt` still covers phrases and what the dictionary does not know.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .analysis import sudachi_tokenizer

WORD_GROUPS_FILE = "word_groups.json"
MAX_GROUPS = 2  # a word in more groups than this has too many senses to expand
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def dictionary_version() -> str:
    """The installed SudachiDict's version: group ids are only comparable within one."""
    try:
        return version("sudachidict-core")
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=65536)
def groups_of(term: str) -> tuple[int, ...]:
    """The synonym groups of `term` when Sudachi reads it as one word (else none)."""
    morphemes = sudachi_tokenizer().tokenize(term)
    if len(morphemes) != 1:
        return ()
    groups = tuple(morphemes[0].synonym_group_ids())
    return groups if len(groups) <= MAX_GROUPS else ()


def group_members(terms) -> dict[int, list[str]]:
    """For each synonym group, the `terms` in it (only groups with a term)."""
    members: dict[int, list[str]] = {}
    for term in terms:
        for group in groups_of(term):
            members.setdefault(group, []).append(term)
    return {group: sorted(found) for group, found in sorted(members.items())}


def write_word_groups(target: Path, terms) -> None:
    """Store the groups of a version's words (its `w:` vocabulary, without the prefix)."""
    groups = {str(group): found for group, found in group_members(terms).items()}
    data = {"dictionary": dictionary_version(), "groups": groups}
    (target / WORD_GROUPS_FILE).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def read_word_groups(path: Path) -> dict[int, tuple[str, ...]]:
    """The groups stored in a version folder; none when another SudachiDict made them (a
    question's words would be looked up under other ids: rebuild the index)."""
    data = json.loads((path / WORD_GROUPS_FILE).read_text("utf-8"))
    if data["dictionary"] != dictionary_version():
        log.warning("%s was built with SudachiDict %s, %s is installed: no dictionary synonyms until kb build",
                    path.name, data["dictionary"], dictionary_version())
        return {}
    return {int(group): tuple(found) for group, found in data["groups"].items()}


def dictionary_synonyms(term: str, groups: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """The index words that share a synonym group with `term` (not `term` itself)."""
    found: dict[str, None] = {}
    for group in groups_of(term):
        found.update(dict.fromkeys(t for t in groups.get(group, ()) if t != term))
    return tuple(found)
