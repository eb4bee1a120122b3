"""Knowledge base of a city's published answers: ingest, analyse, index, answer.

Never imports Flask; the web app uses only the names below."""
from .answer import Answer, SentenceMark, ask, is_greeting
from .config import SETTINGS, setting
from .curation import Publication, publish_alternate
from .editorial import (SignIn, create_editorial_tables, dummy_password_hash, end_session, end_sessions, finish_edit,
                        get_edit, is_editor, is_editor_password, recent_edits, record_edit, remove_editor,
                        session_editor, set_editor_password, sign_in_editor, start_session)
from .encoder import Encoder, semantic_status, shared_encoder
from .furigana import furigana, furigana_phrases
from .errors import ContentError, IndexCorrupt, IndexNotFound, KBError
from .gaps import Gap, group_unanswered
from .indexer import build_index, current_link_target, current_version_path
from .ingest import Content, load_content
from .links import safe_link
from .models import Document, Entry, Related, Source
from .output import answer_record, entry_record
from .privacy import PRIVACY_NOTICE, Masked, mask_for_record, mask_personal_data
from .reports import Period, daily_outcomes, last_days, most_asked_entries, most_unhelpful_entries, unanswered_questions
from .search import Hit, KnowledgeBase
from .snippets import answer_snippet, highlighted
from .versioncheck import verify_version

__all__ = [
    "Answer", "SentenceMark", "ask", "is_greeting",
    "SETTINGS", "setting",
    "Encoder", "semantic_status", "shared_encoder",
    "furigana", "furigana_phrases",
    "ContentError", "IndexCorrupt", "IndexNotFound", "KBError",
    "build_index", "current_link_target", "current_version_path",
    "Content", "load_content", "safe_link",
    "Document", "Entry", "Related", "Source",
    "answer_record", "entry_record",
    "PRIVACY_NOTICE", "Masked", "mask_for_record", "mask_personal_data",
    "Hit", "KnowledgeBase",
    "answer_snippet", "highlighted",
    "verify_version",
    # editors (issue #11)
    "Publication", "publish_alternate",
    "create_editorial_tables", "finish_edit", "get_edit", "is_editor", "is_editor_password", "recent_edits",
    "record_edit", "set_editor_password",
    # editors' sign-in and sessions (issue 18)
    "SignIn", "dummy_password_hash", "end_session", "end_sessions", "remove_editor", "session_editor",
    "sign_in_editor", "start_session",
    "Gap", "group_unanswered",
    "Period", "daily_outcomes", "last_days", "most_asked_entries", "most_unhelpful_entries", "unanswered_questions",
]
