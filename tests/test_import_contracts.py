"""The borders in elp/, as import-linter contracts (`.importlinter`): within a feature views,
then forms, then services, then models; and another feature's models only through its
services. The contracts must hold, and must catch a new reach-in."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root):
    """Run lint-imports on the `elp` package under `root`; return its exit code and report."""
    done = subprocess.run(
        [LINT_IMPORTS, "--config", CONTRACTS, "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _features():
    return sorted(path.parent.name for path in (ROOT / "elp").glob("*/__init__.py"))


def test_the_contracts_hold():
    code, report = _lint(ROOT)
    assert code == 0, report


def test_every_feature_is_inside_the_borders():
    config = configparser.ConfigParser()
    config.read(CONTRACTS)
    layered = config["importlinter:contract:layers"]["containers"].split()
    assert layered == [f"elp.{feature}" for feature in _features()]
    for feature in _features():
        if not (ROOT / "elp" / feature / "models.py").exists():
            continue
        border = config[f"importlinter:contract:{feature}-border"]
        others = [f"elp.{other}" for other in _features() if other != feature]
        assert border["source_modules"].split() == others
        assert border["forbidden_modules"] == f"elp.{feature}.models"


def _copy_with(tmp_path, module, line):
    """A copy of elp/ in which `module` (a path under elp/) also says `line`."""
    shutil.copytree(ROOT / "elp", tmp_path / "elp", ignore=shutil.ignore_patterns("__pycache__"))
    changed = tmp_path / "elp" / module
    changed.write_text(changed.read_text() + f"\n{line}\n")
    return tmp_path


def test_a_feature_reaching_into_another_features_models_breaks_a_contract(tmp_path):
    root = _copy_with(tmp_path, "pages/views.py", "from elp.offers.models import Offer  # noqa")
    code, report = _lint(root)
    assert code == 1
    assert "elp.pages.views -> elp.offers.models" in report


def test_a_model_importing_its_services_breaks_the_layers(tmp_path):
    root = _copy_with(tmp_path, "offers/models.py", "import elp.offers.services  # noqa")
    code, report = _lint(root)
    assert code == 1
    assert "Within each feature: views, then forms, then services, then models BROKEN" in report
