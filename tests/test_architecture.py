"""The rules the code keeps, checked on its source: one way to commit, and services that
know nothing of the request."""

import ast
from pathlib import Path

import pytest

ELP = Path(__file__).resolve().parent.parent / "elp"

# The only places that commit, each for a reason written where it happens.
COMMITS_ALLOWED = {
    # The unit of work: one commit at the end of a user's action.
    ("unit_of_work.py", "unit_of_work"),
    # The outbox's own worker runs after a commit, in a session of its own, and claims and
    # sends each email in a transaction of its own, so two workers never send one twice.
    ("notifications/services.py", "_deliver"),
    ("notifications/services.py", "_claim"),
    # Seeding the start categories into an empty table, once in a database's life.
    ("offers/services/category_list.py", "ensure_categories"),
    # The background reindex after admins change the synonym table runs in a session of its
    # own, like the outbox worker: it claims its runs and records its progress as it goes.
    ("search/reindex_runs.py", "_claim"),
    ("search/reindex_runs.py", "write"),
    # Likewise a GIAS upload's import on its background thread: the schools are saved by the
    # unit of work, the run's claim and progress on a session of their own (decision 23).
    ("accounts/school_import_runs.py", "_claim"),
    ("accounts/school_import_runs.py", "write"),
    # A background job's record, and a timer's lock, are written whatever becomes of the
    # job's own transaction, in a session of their own (decision 29).
    ("jobs/services.py", "start_run"),
    ("jobs/services.py", "beat"),
    ("jobs/services.py", "finish_run"),
    ("jobs/services.py", "recover_lost_runs"),
    ("jobs/services.py", "claim_timer"),
    ("jobs/services.py", "release_timer"),
}

FLASK_REQUEST_STATE = {"g", "request", "session"}


def _modules():
    return sorted(ELP.rglob("*.py"))


def _service_modules():
    return [
        path for path in _modules() if path.name == "services.py" or path.parent.name == "services"
    ]


def _name(path):
    return path.relative_to(ELP).as_posix()


def _calls(tree):
    """(enclosing function, called name, what it is called on, line) for every call."""
    found = []

    def name_of(node):
        if isinstance(node, ast.Attribute):
            return node.attr
        return getattr(node, "id", "")

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = child.name
            if isinstance(child, ast.Call):
                receiver = getattr(child.func, "value", None)
                found.append((inner, name_of(child.func), name_of(receiver), child.lineno))
            visit(child, inner)

    visit(tree, None)
    return found


def test_only_the_unit_of_work_and_named_exceptions_commit():
    commits = [
        (_name(path), function, line)
        for path in _modules()
        for function, name, receiver, line in _calls(ast.parse(path.read_text()))
        if name == "commit" and receiver in {"session", "db", "connection"}
    ]
    assert commits, "the check must see the unit of work's own commit"
    stray = [c for c in commits if (c[0], c[1]) not in COMMITS_ALLOWED]
    assert stray == [], "wrap the action in unit_of_work() in the view or command instead"


@pytest.mark.parametrize("path", _service_modules(), ids=_name)
def test_a_service_raises_domain_errors_and_never_touches_the_request(path):
    tree = ast.parse(path.read_text())
    calls = {name for _, name, _, _ in _calls(tree)}
    assert not calls & {"abort", "get_or_404", "first_or_404", "one_or_404"}, (
        "raise elp.errors.NotFound instead"
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            imported = {alias.name for alias in node.names}
            assert not imported & FLASK_REQUEST_STATE, f"{_name(path)} imports flask {imported}"
            assert "abort" not in imported
        if isinstance(node, ast.ImportFrom) and node.module == "flask_login":
            pytest.fail(f"{_name(path)} reads the signed-in user; pass it in instead")


def test_the_checks_see_the_services():
    names = {_name(path) for path in _service_modules()}
    assert {"offers/services/reads.py", "accounts/services/users.py", "api/services.py"} <= names
