#!/usr/bin/env python3
"""Regenerates the safetensors test fixtures in this directory (tests never run this script).

It builds the files byte by byte from the format description, independently of Visor's Java code,
and uses NumPy's own float16 -> float32 conversion as the reference for F16:

  mixed_dtypes.safetensors  F16, BF16 and F32 tensors plus F32 copies of the expected values
                            ("<name>_as_f32"); header order differs from data order on purpose.
  f16_to_f32.sha256         SHA-256 of the 65536 float16 bit patterns 0x0000..0xFFFF converted to
                            float32 by NumPy, as 262144 little-endian bytes.

Usage: python3 make_fixtures.py   (needs numpy; torch is not required)
"""
import hashlib
import json
import math
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def bf16_reference(bits):
    """float32 value of bfloat16 bits, from the definition (not by bit shifting)."""
    sign = -1.0 if bits & 0x8000 else 1.0
    exponent = (bits >> 7) & 0xFF
    fraction = bits & 0x7F
    if exponent == 0xFF:
        return np.float32(sign * math.inf) if fraction == 0 else None
    if exponent == 0:
        return np.float32(sign * math.ldexp(fraction / 128.0, -126))
    return np.float32(sign * math.ldexp(1.0 + fraction / 128.0, exponent - 127))


def main():
    half_bits = np.array([
        0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0xBC00,
        0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE00, 0x3555,
        0x3800, 0x4248, 0x0200, 0x1234, 0x5678, 0x9ABC, 0xC000, 0x3BFF,
    ], dtype=np.uint16).reshape(3, 8)
    half_as_f32 = half_bits.view(np.float16).astype(np.float32)

    bf16_bits = [0x0000, 0x8000, 0x0001, 0x007F, 0x0080, 0x3F80, 0xBF80, 0x4049,
                 0x7F7F, 0xFF7F, 0x7F80, 0xFF80, 0x3E80, 0xC2F7, 0x0100]
    bf16_as_f32 = np.array([bf16_reference(b) for b in bf16_bits], dtype=np.float32).reshape(3, 5)
    bf16_bits = np.array(bf16_bits, dtype=np.uint16).reshape(3, 5)

    f32 = np.array([[1.5, -0.0, 1e-45], [3.4028235e38, -2.5, 0.1]], dtype=np.float32)
    scalar = np.array(7.25, dtype=np.float32)
    empty = np.zeros((0, 3), dtype=np.float32)

    # data order (file order) and header order deliberately differ
    data_order = [
        ("half", "F16", half_bits), ("half_as_f32", "F32", half_as_f32),
        ("bf16", "BF16", bf16_bits), ("bf16_as_f32", "F32", bf16_as_f32),
        ("empty", "F32", empty), ("f32", "F32", f32), ("scalar", "F32", scalar),
    ]
    entries, chunks, offset = {}, [], 0
    for name, dtype, array in data_order:
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes()
        entries[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header_order = ["scalar", "f32", "bf16_as_f32", "half", "empty", "bf16", "half_as_f32"]
    header = {"__metadata__": {"format": "pt", "source": "make_fixtures.py"}}
    header.update({name: entries[name] for name in header_order})
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(os.path.join(HERE, "mixed_dtypes.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)

    every_half = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    digest = hashlib.sha256(every_half.astype("<f4").tobytes()).hexdigest()
    with open(os.path.join(HERE, "f16_to_f32.sha256"), "w") as f:
        f.write(digest + "\n")


if __name__ == "__main__":
    main()
