"""The code blocks in doc/ini_config.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "ini_config.md"


def test_ini_config_doc_snippets_run(tmp_path, monkeypatch):
    """Every snippet runs; the experiment from the file runs and the malformed file is named."""
    monkeypatch.chdir(tmp_path)
    assert len(python_blocks(DOC.read_text(encoding="utf-8"))) >= 3
    namespace = run_blocks(DOC, "ini_doc")
    assert namespace["traj"].v_name == "from_file" and len(namespace["traj"]) == 3
    assert (tmp_path / "hdf5" / "ini.hdf5").is_file()
    assert "section [environment], key 'ncores'" in namespace["problem"]
