"""The code stays in small rooms, and the search engine stays behind its own door."""

import ast
from pathlib import Path

ELP = Path(__file__).resolve().parent.parent / "elp"
MAX_MODULE_LINES = 400
SEARCH_INDEX = ELP / "search" / "index"


def modules():
    return sorted(ELP.rglob("*.py"))


def imported_modules(path):
    """The top-level names of every module `path` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_no_module_in_elp_is_over_400_lines():
    too_long = {
        str(path.relative_to(ELP.parent)): lines
        for path in modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }

    assert too_long == {}, f"split these modules along their seams: {too_long}"


def test_only_the_search_index_package_imports_whoosh():
    importers = {
        str(path.relative_to(ELP.parent))
        for path in modules()
        if "whoosh" in imported_modules(path) and SEARCH_INDEX not in path.parents
    }

    assert importers == set()


def test_the_search_index_package_does_import_whoosh():
    # Proves the check above looks at real imports: the package that should, does.
    assert any("whoosh" in imported_modules(path) for path in SEARCH_INDEX.glob("*.py"))


def test_only_the_pdf_module_imports_weasyprint():
    # WeasyPrint needs Pango, which may be missing: one module imports it, on first use.
    importers = {
        str(path.relative_to(ELP.parent))
        for path in modules()
        if "weasyprint" in imported_modules(path)
    }

    assert importers == {"elp/pdf.py"}


def test_only_one_module_uses_whoosh_private_api():
    private_uses = {"_segments", "_read_ids", "_read_weights", "_next_block"}
    users = {
        path.name
        for path in SEARCH_INDEX.glob("*.py")
        if any(
            isinstance(node, ast.Attribute) and node.attr in private_uses
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    }

    assert users == {"whoosh_private.py"}
