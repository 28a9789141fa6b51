"""MS-OVBA compression (the LZ77 variant that stores VBA source in a vbaProject.bin), both ways.

    >>> decompress(compress(b'Attribute VB_Name = "Ribbon"\\r\\n')) == b'Attribute VB_Name = "Ribbon"\\r\\n'
    True

Written to the spec ([MS-OVBA] 2.4.1) because the add-in build must rewrite one
module in place: ``compress(data, size=n)`` returns an encoding of exactly ``n``
bytes when one exists, by coding some matches as literals. Any valid token
sequence decompresses to the same text, and olefile can only rewrite a stream
with one of the same length. (The PyPI package ms-ovba 0.0.1 corrupts sources
of more than a few hundred bytes, hence this module.)
"""

from __future__ import annotations

import struct

CHUNK = 4096  # decompressed bytes per chunk
SIGNATURE = 0x01
_MIN_MATCH = 3


class OvbaError(ValueError):
    """Bytes that are not an MS-OVBA compressed container, or an encoding that cannot exist."""


def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into the chunk (2.4.1.3.19.1)."""
    bits = max((position - 1).bit_length(), 4)
    return min(bits, 12)


def _copy_token(offset: int, length: int, position: int) -> int:
    bits = _bit_count(position)
    return ((offset - 1) << (16 - bits)) | (length - 3)


def _max_length(position: int) -> int:
    return (0xFFFF >> _bit_count(position)) + 3


def _tokens(chunk: bytes, literal_prefix: int, length_cap: int) -> list[tuple[int, int]]:
    """Greedy longest-match tokens of one chunk: (0, byte) literals and (offset, length) copies.

    Matches may not start before ``literal_prefix`` nor run longer than ``length_cap``:
    the two knobs that trade compression for an exact output size.
    """
    out: list[tuple[int, int]] = []
    starts: dict[bytes, list[int]] = {}
    i, n = 0, len(chunk)
    while i < n:
        best_len, best_off = 0, 0
        if i >= literal_prefix and i + _MIN_MATCH <= n:
            limit = min(_max_length(i), length_cap, n - i)
            for p in reversed(starts.get(chunk[i : i + _MIN_MATCH], ())):
                length = 0
                while length < limit and chunk[p + length] == chunk[i + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, i - p
                    if length == limit:
                        break
        step = best_len if best_len >= _MIN_MATCH else 1
        out.append((best_off, best_len) if step > 1 else (0, chunk[i]))
        for j in range(i, i + step):
            if j + _MIN_MATCH <= n:
                starts.setdefault(chunk[j : j + _MIN_MATCH], []).append(j)
        i += step
    return out


def _encode_chunk(chunk: bytes, literal_prefix: int = 0, length_cap: int = CHUNK) -> bytes:
    body = bytearray()
    position = 0
    tokens = _tokens(chunk, literal_prefix, length_cap)
    for k in range(0, len(tokens), 8):
        flags, group = 0, bytearray()
        for bit, (offset, value) in enumerate(tokens[k : k + 8]):
            if offset:
                flags |= 1 << bit
                group += struct.pack("<H", _copy_token(offset, value, position))
                position += value
            else:
                group.append(value)
                position += 1
        body.append(flags)
        body += group
    if len(body) > CHUNK:
        if len(chunk) < CHUNK:
            raise OvbaError("incompressible final chunk cannot be stored (MS-OVBA has no short raw chunk)")
        return struct.pack("<H", 0x3FFF) + chunk  # raw chunk: flag 0, size 4098
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)


def compress(data: bytes, size: int | None = None) -> bytes:
    """The compressed container of ``data``; with ``size``, one of exactly that many bytes."""
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
    greedy = bytes([SIGNATURE]) + b"".join(_encode_chunk(c) for c in chunks)
    if size is None or size == len(greedy):
        return greedy
    if size < len(greedy) or not chunks:
        raise OvbaError(f"{len(data)} bytes do not compress into {size} bytes (at best {len(greedy)})")
    # Only the last chunk is loosened; earlier ones stay greedy.
    head = bytes([SIGNATURE]) + b"".join(_encode_chunk(c) for c in chunks[:-1])
    last = chunks[-1]
    want = size - len(head)
    for cap in (CHUNK, *range(16, _MIN_MATCH - 1, -1)):
        # The size grows with the literal prefix, give or take a flag byte: find by bisection
        # where it nears ``want``, then try each prefix around there.
        lo, hi = 0, len(last)
        while lo < hi:
            mid = (lo + hi) // 2
            if len(_encode_chunk(last, mid, cap)) < want - 8:
                lo = mid + 1
            else:
                hi = mid
        for prefix in range(lo, len(last) + 1):
            encoded = _encode_chunk(last, prefix, cap)
            if len(encoded) == want:
                return head + encoded
            if len(encoded) > want + 8:
                break
    raise OvbaError(f"no encoding of {len(data)} bytes is exactly {size} bytes long")


def decompress(container: bytes) -> bytes:
    """The bytes an MS-OVBA compressed container holds (2.4.1.3.1)."""
    if not container or container[0] != SIGNATURE:
        raise OvbaError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    i, n = 1, len(container)
    while i < n:
        if i + 2 > n:
            raise OvbaError(f"truncated chunk header at byte {i}")
        header = struct.unpack_from("<H", container, i)[0]
        if (header >> 12) & 0b111 != 0b011:
            raise OvbaError(f"bad chunk signature at byte {i}")
        end = min(i + (header & 0x0FFF) + 3, n)
        i += 2
        start = len(out)
        if not header & 0x8000:
            out += container[i : i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags = container[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if not flags >> bit & 1:
                    out.append(container[i])
                    i += 1
                    continue
                token = struct.unpack_from("<H", container, i)[0]
                i += 2
                bits = _bit_count(len(out) - start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                if offset > len(out) - start:
                    raise OvbaError(f"copy token reaches before its chunk at byte {i - 2}")
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)
