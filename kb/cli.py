"""`kb`: build the index, ask questions, evaluate. The contract other tools depend on."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from . import config
from .answer import ask as answer_question
from .changes import compare_with_index
from .encoder import choose_semantic, semantic_status, shared_encoder
from .errors import KBError
from .editorial import create_editorial_tables, remove_editor, set_editor_password
from .evaluate import evaluate, read_queries
from .gaps import group_unanswered
from .indexer import build_index
from .ingest import load_content
from .output import answer_record, batch_record
from .records import Records
from .reports import last_days, unanswered_questions
from .search import KnowledgeBase
from .synonyms import parse_synonyms

INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(path_type=Path), default=None,
    help="index folder [default: $KB_INDEX_DIR or index/]",
)


def _semantic(ctx, param, value: str | None) -> str | None:
    try:
        choose_semantic(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


SEMANTIC_OPTION = click.option(
    "--semantic", default=None, callback=_semantic, expose_value=False, is_eager=True,
    help="semantic signal: off, on, e5, use or dir:/path/to/model [default: $KB_SEMANTIC or on]",
)


def _index_dir(value: Path | None) -> Path:
    return value or Path(config.setting("INDEX_DIR"))


def _open(index_dir: Path | None) -> KnowledgeBase:
    return KnowledgeBase.open(_index_dir(index_dir))


class KBGroup(click.Group):
    """Turns any KBError into one line on stderr and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=KBGroup)
def main() -> None:
    """Knowledge base of the city's published answers (国民健康保険・マイナ保険証)."""


@main.command()
@click.option("--content", "content", multiple=True, type=click.Path(path_type=Path),
              help="content folder or file; repeat for several [default: $KB_CONTENT_DIR or content/]")
@INDEX_OPTION
@click.option("--check", is_flag=True, help="parse and validate only; print what a build would change, touch nothing")
@SEMANTIC_OPTION
def build(content: tuple[Path, ...], index_dir: Path | None, check: bool) -> None:
    """Parse the content and switch the index to a freshly built version."""
    sources = content or (Path(config.setting("CONTENT_DIR")),)
    loaded = load_content(sources)
    for note in loaded.notes:
        click.echo(f"note: {note}", err=True)
    if check:
        parse_synonyms(loaded.synonyms_text)
        _print_changes(compare_with_index(loaded, _index_dir(index_dir)), len(loaded.entries))
        return
    total = len(loaded.entries)
    encoder = shared_encoder()
    with click.progressbar(length=total, label=f"indexing {total} entries", file=sys.stderr) as bar:
        version = build_index(loaded, _index_dir(index_dir), progress=lambda done, _: bar.update(1),
                              encoder=encoder, workers=config.setting("BUILD_WORKERS"))
    click.echo(f"built {version}: {total} entries from {len(loaded.documents)} document(s) → {_index_dir(index_dir)}"
               f"; semantic signal {semantic_status()}")


def _print_changes(changes, total: int) -> None:
    against = changes.current_version or "no index yet"
    click.echo(f"check passed: {total} entries; compared with {against}:")
    for label, ids in (("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)):
        click.echo(f"  {label:<8}{len(ids)}")
        for entry_id in ids:
            click.echo(f"    {entry_id}")
    if changes.synonyms_changed:
        click.echo("  synonym rules changed")
    if changes.is_empty:
        click.echo("  nothing would change")


@main.command()
@click.argument("question", required=False)
@click.option("--batch", type=click.File("r", encoding="utf-8"), help='JSONL file of {"qid","query"} lines ("-" for stdin)')
@click.option("--json", "as_json", is_flag=True, help="print the decision as JSON")
@INDEX_OPTION
@SEMANTIC_OPTION
def ask(question: str | None, batch, as_json: bool, index_dir: Path | None) -> None:
    """Answer QUESTION, or every line of --batch (JSONL out, one line per input, in order)."""
    if bool(question) == bool(batch):
        raise click.UsageError("give a QUESTION or --batch FILE (not both)")
    kb = _open(index_dir)
    threshold = config.setting("ANSWER_THRESHOLD")
    if batch:
        for number, line in enumerate(batch, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                    qid, query = row["qid"], row["query"]
                except (ValueError, KeyError, TypeError):
                    raise click.UsageError(f"--batch line {number}: expected a JSON object with \"qid\" and \"query\"")
                record = batch_record(qid, answer_question(kb, str(query), threshold))
                click.echo(json.dumps(record, ensure_ascii=False))
        return
    result = answer_question(kb, question, threshold)
    if as_json:
        click.echo(json.dumps(answer_record(result), ensure_ascii=False, indent=2))
    else:
        click.echo(_plain(result))


def _plain(result) -> str:
    if not result.answered:
        lines = [result.message or ""]
        lines += [f"  関連: {(e.heading or e.question).splitlines()[0]} [{e.id}]" for e in result.related]
        return "\n".join(lines)
    entry, source = result.entry, result.entry.source
    return "\n".join([
        f"Q: {entry.question}", "", entry.answer_text, "",
        f"出典: {source.title}（No. {source.item}{'、' + source.date if source.date else ''}）{source.url or ''}",
        f"確信度: {result.confidence:.2f}",
    ])


@main.command()
@click.option("--database", default=None, help="SQLAlchemy URL [default: $KB_DATABASE_URL or sqlite:///instance/kb.sqlite3]")
@click.option("--days", type=click.IntRange(min=1), default=None, help="keep this many days [default: $KB_RETENTION_DAYS or 90]")
def purge(database: str | None, days: int | None) -> None:
    """Delete question and feedback records older than the retention period."""
    records = Records(database or config.setting("DATABASE_URL"))
    days = days or config.setting("RETENTION_DAYS")
    try:
        deleted = records.purge(days)
    except SQLAlchemyError as error:
        raise KBError(f"cannot purge records in {records.url.split('@')[-1]}: {type(error).__name__}") from None
    finally:
        records.dispose()
    click.echo(f"deleted {deleted['questions']} question and {deleted['feedback']} feedback record(s) older than {days} days")


DATABASE_OPTION = click.option("--database", default=None,
                               help="SQLAlchemy URL [default: $KB_DATABASE_URL or sqlite:///instance/kb.sqlite3]")


@main.command()
@DATABASE_OPTION
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True, help="look this many days back")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="at most this many groups")
@INDEX_OPTION
def unanswered(database: str | None, days: int, limit: int, index_dir: Path | None) -> None:
    """Questions residents asked that got no answer (masked), near-duplicates grouped, most asked first."""
    records = Records(database or config.setting("DATABASE_URL"))
    try:
        asked = unanswered_questions(records.engine, last_days(days))
    except SQLAlchemyError as error:
        raise KBError(f"cannot read records in {records.url.split('@')[-1]}: {type(error).__name__}") from None
    finally:
        records.dispose()
    if not asked:
        click.echo(f"no unanswered questions in the last {days} days")
        return
    gaps = group_unanswered(_open(index_dir), asked, config.setting("ANSWER_THRESHOLD"))
    open_gaps = [g for g in gaps if not g.answered_by][:limit]
    for gap in open_gaps:
        click.echo(f"{gap.count:>4}×  {gap.last:%Y-%m-%d}  {gap.question}")
        for wording, times in gap.questions[1:]:
            click.echo(f"{times:>10}×  {wording}")
    closed = [g for g in gaps if g.answered_by]
    if closed:
        click.echo(f"answered by the current index now ({len(closed)} group(s)):")
        for gap in closed:
            click.echo(f"{gap.count:>4}×  {gap.last:%Y-%m-%d}  {gap.question}  → {gap.answered_by}")


@main.group()
def editor() -> None:
    """Editors' accounts for the web app's /editor/ pages."""


@editor.command("add")
@click.argument("name")
@DATABASE_OPTION
@click.password_option(help="the password (asked twice when not given)")
def editor_add(name: str, database: str | None, password: str) -> None:
    """Add editor NAME, or set a new password for NAME (stored only as a salted hash)."""
    records = Records(database or config.setting("DATABASE_URL"))
    try:
        create_editorial_tables(records.engine)
        created = set_editor_password(records.engine, name, password)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="password") from None
    except SQLAlchemyError as error:
        raise KBError(f"cannot write to {records.url.split('@')[-1]}: {type(error).__name__}") from None
    finally:
        records.dispose()
    click.echo(f"{'added editor' if created else 'new password for'} {name}"
               + ("" if created else " (signed out everywhere)"))


@editor.command("remove")
@click.argument("name")
@DATABASE_OPTION
def editor_remove(name: str, database: str | None) -> None:
    """Remove editor NAME and end their sessions at once (the edit log keeps the name)."""
    records = Records(database or config.setting("DATABASE_URL"))
    try:
        create_editorial_tables(records.engine)
        removed = remove_editor(records.engine, name)
    except SQLAlchemyError as error:
        raise KBError(f"cannot write to {records.url.split('@')[-1]}: {type(error).__name__}") from None
    finally:
        records.dispose()
    if not removed:
        raise KBError(f"no editor named {name}")
    click.echo(f"removed editor {name} (signed out everywhere)")


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@INDEX_OPTION
@SEMANTIC_OPTION
@click.option("--threshold", type=float, default=None, help="answer threshold [default: $KB_ANSWER_THRESHOLD]")
def eval_command(file: Path, index_dir: Path | None, threshold: float | None) -> None:
    """Print Recall@1, MRR@10 and no-answer accuracy for a query file."""
    scores = evaluate(_open(index_dir), read_queries(file), threshold or config.setting("ANSWER_THRESHOLD"))
    click.echo(f"queries            {scores.queries} ({scores.answerable} answerable)")
    click.echo(f"Recall@1           {scores.recall_at_1:.3f}")
    click.echo(f"MRR@10             {scores.mrr_at_10:.3f}")
    click.echo(f"Recall@10          {scores.recall_at_10:.3f}")
    no_answer = "n/a (every query is answerable)" if scores.no_answer_accuracy is None else f"{scores.no_answer_accuracy:.3f}"
    click.echo(f"no-answer accuracy {no_answer}")
    click.echo(f"answered correctly {scores.answered_correctly:.3f} (answerable questions given a right answer)")
    click.echo(f"false answers      {scores.false_answers}")
