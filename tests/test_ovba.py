"""MS-OVBA compression (nianbao.ovba) against an independent decompressor: oletools' olevba."""

from __future__ import annotations

import random
import zipfile

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from nianbao.ovba import CHUNK, OvbaError, compress, decompress
from nianbao.xlam import VBA_PART, modules, template_path


def olevba(container: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(container)))


XLWINGS_BAS = (template_path().parent / "xlwings.bas").read_bytes()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"A",
        b"abc" * 2000,  # long runs across chunk boundaries
        XLWINGS_BAS[:300],  # where ms-ovba 0.0.1 starts corrupting
        XLWINGS_BAS,  # 46 kB, 12 chunks
        random.Random(5).randbytes(2 * CHUNK + 700),  # incompressible: raw chunks
    ],
    ids=["empty", "one byte", "runs", "300 bytes", "xlwings.bas", "random"],
)
def test_round_trip_through_olevba(data):
    packed = compress(data)
    assert olevba(packed) == data
    assert decompress(packed) == data


def test_random_data_is_stored_in_raw_chunks():
    data = random.Random(5).randbytes(2 * CHUNK)
    packed = compress(data)
    assert len(packed) == 1 + 2 * (2 + CHUNK)
    assert packed[1:3] == b"\xff\x3f"  # header of a raw chunk: size 4098, flag 0


def test_every_size_from_greedy_to_all_literals():
    data = XLWINGS_BAS[:300]
    all_literals = 1 + 2 + len(data) + (len(data) + 7) // 8
    for size in range(len(compress(data)), all_literals + 1):
        packed = compress(data, size=size)
        assert len(packed) == size and olevba(packed) == data
    with pytest.raises(OvbaError, match="no encoding"):
        compress(data, size=all_literals + 1)


def test_a_size_below_the_greedy_encoding_is_refused():
    data = XLWINGS_BAS[:600]
    with pytest.raises(OvbaError, match="do not compress into 10 bytes"):
        compress(data, size=10)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3 * CHUNK) | st.text(alphabet="ab \r\n\"'()&Sub", max_size=6000).map(str.encode))
def test_any_bytes_round_trip(data):
    assert olevba(compress(data)) == data


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefgh \r\n", min_size=1, max_size=400).map(str.encode), st.integers(0, 30))
def test_any_reachable_size_is_hit_exactly(data, extra):
    size = len(compress(data)) + extra
    all_literals = 1 + 2 + len(data) + (len(data) + 7) // 8
    if size <= all_literals:
        packed = compress(data, size=size)
        assert len(packed) == size and olevba(packed) == data


def test_decompress_reads_the_streams_excel_wrote(tmp_path):
    with zipfile.ZipFile(template_path()) as z:
        (tmp_path / "vba.bin").write_bytes(z.read(VBA_PART))
    with olefile.OleFileIO(str(tmp_path / "vba.bin")) as ole:
        directory = ole.openstream("VBA/dir").read()
        assert decompress(directory) == olevba(directory)
        for module in modules(decompress(directory)):
            stream = ole.openstream(f"VBA/{module.stream}").read()[module.offset :]
            assert decompress(stream) == olevba(stream), module.name


def test_not_a_container():
    with pytest.raises(OvbaError, match="signature byte"):
        decompress(b"\x00\x01\x02")
