"""Knowledge base of a city's published answers: ingest, analyse, index, answer.

Never imports Flask; the web app uses only the names below."""
from .answer import Answer, SentenceMark, ask, is_greeting
from .config import SETTINGS, setting
from .encoder import Encoder, semantic_status, shared_encoder
from .errors import ContentError, IndexCorrupt, IndexNotFound, KBError
from .indexer import build_index, current_version_path
from .ingest import Content, load_content
from .models import Document, Entry, Related, Source
from .output import answer_record, entry_record
from .privacy import PRIVACY_NOTICE, Masked, mask_personal_data
from .search import Hit, KnowledgeBase
from .snippets import answer_snippet, highlighted
from .versioncheck import verify_version

__all__ = [
    "Answer", "SentenceMark", "ask", "is_greeting",
    "SETTINGS", "setting",
    "Encoder", "semantic_status", "shared_encoder",
    "ContentError", "IndexCorrupt", "IndexNotFound", "KBError",
    "build_index", "current_version_path",
    "Content", "load_content",
    "Document", "Entry", "Related", "Source",
    "answer_record", "entry_record",
    "PRIVACY_NOTICE", "Masked", "mask_personal_data",
    "Hit", "KnowledgeBase",
    "answer_snippet", "highlighted",
    "verify_version",
]
