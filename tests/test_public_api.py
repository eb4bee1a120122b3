import kb


def test_public_names_are_exported():
    assert sorted(kb.__all__) == sorted(name for name in kb.__all__ if hasattr(kb, name))
    assert {"KnowledgeBase", "ask", "mask_personal_data", "load_content", "build_index"} <= set(kb.__all__)


def test_kb_never_imports_flask():
    import sys
    import subprocess
    code = "import kb, sys; print('flask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
