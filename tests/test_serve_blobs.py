"""The blob store: content-addressed, write-once, staged beside the store, nothing kept from a discard."""

from __future__ import annotations

import hashlib

import pytest

from nianbao.serve.blobs import BlobStore, MemoryBlobStore


def test_commit_names_the_blob_by_its_sha256(tmp_path):
    store = BlobStore(tmp_path)
    data = b"PK\x03\x04" + bytes(range(256)) * 50
    staged = store.stage([data[:1000], data[1000:]])
    sha = hashlib.sha256(data).hexdigest()
    assert (staged.sha256, staged.size) == (sha, len(data))
    assert staged.path.parent == tmp_path / "tmp" and staged.path.suffix == ".xlsx"
    assert store.commit(staged) == sha
    assert (tmp_path / "blobs" / sha[:2] / sha).read_bytes() == data
    assert not staged.path.exists()
    with store.path(sha) as p:
        assert p.read_bytes() == data and p.suffix == ".xlsx"
    assert not p.exists()  # the copy for the library is gone; the blob stays
    assert store.read(sha) == data


def test_same_bytes_twice_is_one_blob(tmp_path):
    store = BlobStore(tmp_path)
    a = store.commit(store.stage([b"same"]))
    b = store.commit(store.stage([b"same"]))
    assert a == b
    assert len(list((tmp_path / "blobs").rglob("*"))) == 2  # the fan-out folder and the one blob
    assert list((tmp_path / "tmp").iterdir()) == []


def test_discard_and_crash_leftovers_leave_nothing(tmp_path):
    store = BlobStore(tmp_path)
    store.discard(store.stage([b"refused"]))
    store.stage([b"a crash before the rename"])
    assert store.clean_tmp() == 1
    assert list((tmp_path / "tmp").iterdir()) == [] and list((tmp_path / "blobs").iterdir()) == []


def test_a_name_that_is_not_a_sha256_is_refused(tmp_path):
    store = BlobStore(tmp_path)
    for bad in ("../secret_key", "0" * 63, "G" * 64):
        with pytest.raises(ValueError):
            store.read(bad)


def test_memory_store_keeps_nothing_on_disk(tmp_path):
    store = MemoryBlobStore()
    staged = store.stage([b"local"])
    sha = store.commit(staged)
    assert not staged.path.exists()
    assert store.read(sha) == b"local" and store.exists(sha)
