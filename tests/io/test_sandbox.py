"""The child process that contains a parse: limits hit in the child become one sentence here.

The tasks are small module-level functions (``tests/io/stand_ins.py``) or standard-library
callables: the child imports them by name, and each stands for a parser that allocates, loops,
hangs or crashes. The upload's bytes are the task's argument, as for a real reader.
"""

from __future__ import annotations

import io
import sys
import types

import numpy as np
import pandas as pd
import pytest

from clustering.image import ImageError, read_image
from clustering.io import Limits, TableError, _loader, _sandbox, load_table, run_contained
from tests.io import stand_ins
from tests.io.hostile import numbers_xlsx

SMALL = Limits(max_memory_mb=100, max_seconds=1.0)
#: For outcomes other than the time limit: a busy machine may take seconds to start a child.
ROOMY = Limits(max_memory_mb=100, max_seconds=120.0)


def contained(task, data, limits: Limits = SMALL) -> str:
    with pytest.raises(TableError) as info:
        run_contained(task, data, {}, limits=limits, refusal=TableError)
    return str(info.value)


def test_a_child_that_allocates_too_much_is_refused_with_the_memory_limit():
    assert contained(stand_ins.allocate, b"2000000000", ROOMY) == (
        "The file needs more than 100 MB of memory to read, the limit for one upload."
    )


def test_a_child_that_hangs_is_killed_and_refused_with_the_time_limit():
    assert contained(stand_ins.hang, b"60") == (
        "The file needs more than 1 s to read, the limit for one upload."
    )


def test_a_child_that_spins_is_stopped_by_the_cpu_or_wall_limit():
    assert contained(stand_ins.spin, b"1000000000000") == (
        "The file needs more than 1 s to read, the limit for one upload."
    )


@pytest.mark.parametrize("task, arg", [(stand_ins.exit_now, b"3"), (stand_ins.segfault, b"")],
                         ids=["exit", "segfault"])
def test_a_child_that_dies_is_one_sentence(task, arg):
    assert contained(task, arg, ROOMY) == (
        "The file could not be read: the reader stopped, because the file is damaged or needs "
        "more than 100 MB of memory."
    )


def test_the_tasks_own_refusal_comes_back_as_its_sentence():
    with pytest.raises(ValueError, match="invalid literal"):
        run_contained(int, b"not a number", {}, limits=ROOMY, refusal=ValueError)


def test_a_task_that_fails_otherwise_gives_the_generic_sentence():
    assert contained(len, b"5", ROOMY) == (  # returns a number, not a Parcel
        "The file could not be read; it may be damaged or in an unusual format."
    )


def test_the_parse_memory_limit_applies_to_a_real_table():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(400_000, 5)), columns=list("abcde"))
    data = frame.to_csv(index=False).encode()  # about 45 MB of text
    message = str(pytest.raises(
        TableError, load_table, data, "big.csv", limits=Limits(max_memory_mb=30)).value)
    assert message.startswith("The file needs more than 30 MB of memory to read")


def test_a_table_read_in_the_child_equals_the_one_read_in_process():
    data = numbers_xlsx(300)
    child = load_table(data, "book.xlsx")
    here = load_table(data, "book.xlsx", limits=Limits(isolate=False))
    pd.testing.assert_frame_equal(child.frame, here.frame)
    assert child.notes == here.notes and child.default_features == here.default_features
    assert child.excluded == here.excluded and child.dialect == here.dialect


def test_mixed_columns_travel_as_text_and_still_classify_as_before():
    frame = pd.DataFrame({"x": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], "y": [1, "a", 2.5, 3, 4, 5]})
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    child = load_table(buf.getvalue(), "book.xlsx")
    here = load_table(buf.getvalue(), "book.xlsx", limits=Limits(isolate=False))
    assert child.frame["y"].tolist() == ["1", "a", "2.5", "3", "4", "5"]
    assert child.numeric_columns == here.numeric_columns
    assert child.default_features == here.default_features


def test_small_text_is_read_in_process_and_everything_else_in_a_child(monkeypatch):
    calls = []

    def spy(task, data, options, **kwargs):
        calls.append(len(data))
        return _loader.Parcel(header={}, blobs=())

    monkeypatch.setattr(_loader, "run_contained", spy)
    small = b"a,b\n1,2\n3,4\n"
    assert load_table(small, "x.csv").frame.shape == (2, 2)
    assert calls == []
    wide = (",".join(f"c{i}" for i in range(60)) + "\n" + ",".join("1" * 60) + "\n").encode()
    for data in (numbers_xlsx(5), b"PAR1" + bytes(20) + b"PAR1",
                 small + b"5,6\n" * 300_000, wide):  # archive, Parquet, > 1 MB, > 50 columns
        with pytest.raises(TableError):
            load_table(data, "x.csv")  # the spy's empty reply is refused, not trusted
    assert len(calls) == 4


def test_images_are_decoded_in_a_child_with_the_same_limits():
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.zeros((2_000, 2_000, 3), np.uint8)).save(buf, format="PNG")
    with pytest.raises(ImageError) as info:
        read_image(buf.getvalue(), limits=Limits(max_memory_mb=5))
    assert str(info.value).startswith("The file needs more than 5 MB of memory to read")
    image = read_image(buf.getvalue())
    assert image.rgb.shape == (2_000, 2_000, 3) and image.alpha is None


def test_a_child_never_reruns_the_page_that_is_main_while_it_runs(monkeypatch, tmp_path):
    """While a page runs, Streamlit makes it ``sys.modules["__main__"]`` (a ``__file__``, no
    ``__spec__``); multiprocessing would re-run that script in every child before the task.
    Here the "page" kills any process that runs it: the upload must still be read."""
    page = tmp_path / "page.py"
    page.write_text("import os\nos._exit(9)\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", main)
    table = load_table(numbers_xlsx(20), "book.xlsx")
    assert len(table.frame) == 20


def test_without_multiprocessings_private_helpers_the_children_rerun_main_as_before():
    stand_in = types.SimpleNamespace(_fixup_main_from_path=print)  # no _fixup_main_from_name
    assert not _sandbox.skip_main_script(stand_in)
    assert stand_in._fixup_main_from_path is print  # left alone
    both = types.SimpleNamespace(_fixup_main_from_path=print, _fixup_main_from_name=print)
    assert _sandbox.skip_main_script(both)
    assert both._fixup_main_from_path("page.py") is None and both._fixup_main_from_name is not print


def test_a_pipe_that_cannot_be_widened_still_carries_the_upload(monkeypatch):
    import fcntl

    def refuse(*args):
        raise PermissionError("pipe-max-size")

    monkeypatch.setattr(fcntl, "fcntl", refuse)
    data = numbers_xlsx(300)
    here = load_table(data, "book.xlsx", limits=Limits(isolate=False))
    pd.testing.assert_frame_equal(load_table(data, "book.xlsx").frame, here.frame)
