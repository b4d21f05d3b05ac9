"""doc/environment_keywords.md names every keyword of pypet's chapter and existing tests."""

from __future__ import annotations

import re

from markdown_blocks import ROOT

DOC = ROOT / "doc" / "environment_keywords.md"
CHAPTER_TESTS = ROOT / "tests" / "environment" / "test_spec_chapter.py"

#: every keyword the chapter's keyword list documents (Environment and HDF5 storage)
CHAPTER_KEYWORDS = (
    "trajectory add_time comment dynamic_imports wildcard_functions automatic_storing "
    "log_config log_stdout report_progress multiproc ncores use_pool freeze_pool_input "
    "queue_maxsize cpu_cap memory_cap swap_cap wrap_mode clean_up_runs immediate_postproc "
    "continuable continue_folder delete_continue storage_service git_repository git_message "
    "git_fail do_single_runs lazy_debug filename file_title overwrite_file encoding complevel "
    "complib shuffle fletcher32 pandas_format purge_duplicate_comments summary_tables "
    "small_overview_tables large_overview_tables results_per_run derived_parameters_per_run "
    "log_folder logger_names log_levels sumatra_project sumatra_reason sumatra_label "
    "use_hdf5 v_lazy_adding f_run f_add_postproc f_pipeline f_continue f_disable_logging"
).split()


def test_every_chapter_keyword_is_listed():
    """Each keyword of the chapter appears in the table."""
    text = DOC.read_text()
    missing = [k for k in CHAPTER_KEYWORDS if not re.search(rf"`[^`]*\b{k}\b[^`]*`", text)]
    assert missing == []


def test_every_named_test_exists():
    """Each test the table names is a test of tests/environment/test_spec_chapter.py."""
    tests = set(re.findall(r"^def (test_\w+)", CHAPTER_TESTS.read_text(), re.MULTILINE))
    named = set(re.findall(r"`(test_\w+)`", DOC.read_text()))
    assert named and named <= tests
    assert tests <= named | {"test_result_and_parameter_classes_named_in_the_chapter"}
