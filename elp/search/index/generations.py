"""INDEX_DIR on disk: one Whoosh index per generation and the pointer to the live one.

A rebuild writes a fresh generation and swaps the pointer with an atomic rename, so readers
never see a half-built index. Each generation keeps its sync state beside it, and the
synonym table it was written with, so queries are read with the same table.
"""

import json
import os
import shutil
import time
import uuid
from pathlib import Path

from whoosh import index as whoosh_index

from elp.search.index.schema import schema

POINTER = "CURRENT"
SYNONYMS = "synonyms.txt"


class IndexDirectory:
    """INDEX_DIR: the live generation, new generations, and the swap between them."""

    def __init__(self, path):
        self.path = Path(path)

    def current_name(self):
        try:
            return (self.path / POINTER).read_text().strip() or None
        except FileNotFoundError:
            return None

    def pointer_stamp(self):
        try:
            stat = (self.path / POINTER).stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def open_current(self):
        """Open the live index, creating an empty one on first use."""
        name = self.current_name()
        if name is None:
            fresh = self.create_generation()
            self._point_to(fresh, replace=False)
            name = self.current_name()
        return whoosh_index.open_dir(str(self.path / name)), name

    def create_generation(self, synonyms=None):
        """A new, empty generation written with this synonym table (None: the seed file)."""
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        (self.path / name).mkdir()
        if synonyms is not None:
            (self.path / name / SYNONYMS).write_text(synonyms, encoding="utf-8")
        whoosh_index.create_in(str(self.path / name), schema(synonyms))
        return name

    def synonyms(self, name):
        """The synonym table a generation was written with; None for the seed file."""
        try:
            return (self.path / name / SYNONYMS).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def swap_to(self, name):
        """Make `name` the live generation (atomic) and remove all but the previous one."""
        self._point_to(name, replace=True)
        keep = {name, self._previous}
        for folder in self.path.glob("gen-*"):
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)

    def _point_to(self, name, replace):
        self._previous = self.current_name()
        temporary = self.path / f"{POINTER}.{uuid.uuid4().hex}"
        temporary.write_text(name + "\n")
        if replace:
            os.replace(temporary, self.path / POINTER)
            return
        try:
            os.link(temporary, self.path / POINTER)  # fails if another process got there first
        except FileExistsError:
            shutil.rmtree(self.path / name, ignore_errors=True)
        finally:
            temporary.unlink()

    def remove_everything(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def state_file(self, name):
        return self.path / name / "sync-state.json"


def read_state(directory, name):
    try:
        return json.loads(directory.state_file(name).read_text())
    except FileNotFoundError:
        return {"applied_through": 0, "applied": []}


def write_state(directory, name, state):
    """Write the sync state atomically (callers hold the index's write lock)."""
    path = directory.state_file(name)
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, path)
