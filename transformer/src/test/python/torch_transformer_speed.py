#!/usr/bin/env python3
"""PyTorch's side of TransformerBench.baseForward: torch.nn.Transformer (d_model 512, 8 heads, 6 + 6
layers, FFN 2048) in eval mode without autograd on 8 x 128 source and target tokens with the same
valid lengths (128, 120, ..., 72), a causal target mask and key padding masks; reports target tokens
per second (1024 per call), median of several calls, for 1 and 2 threads.

  /usr/bin/python3 transformer/src/test/python/torch_transformer_speed.py [calls]
"""
import os
import platform
import sys
import time

import torch


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.manual_seed(0)
    model = torch.nn.Transformer(512, 8, 6, 6, 2048, 0.1, batch_first=True).eval()
    src = torch.randn(8, 128, 512)
    tgt = torch.randn(8, 128, 512)
    lengths = torch.tensor([128 - 8 * b for b in range(8)])
    pad = torch.arange(128)[None, :] >= lengths[:, None]          # True = padding
    causal = torch.triu(torch.ones(128, 128, dtype=torch.bool), diagonal=1)
    print("torch", torch.__version__, "|", platform.processor() or platform.machine(), "|", os.cpu_count(), "cpus |",
          "load", os.getloadavg())
    for threads in (1, 2):
        torch.set_num_threads(threads)
        times = []
        with torch.no_grad():
            model(src, tgt, tgt_mask=causal, src_key_padding_mask=pad, tgt_key_padding_mask=pad,
                  memory_key_padding_mask=pad)
            for _ in range(calls):
                t = time.perf_counter()
                model(src, tgt, tgt_mask=causal, src_key_padding_mask=pad, tgt_key_padding_mask=pad,
                      memory_key_padding_mask=pad)
                times.append(time.perf_counter() - t)
        times.sort()
        med = times[len(times) // 2]
        print("%d thread(s): median %.3f s per call, %.0f tokens/s (best %.0f)" % (threads, med, 1024 / med, 1024 / times[0]))
    print("load", os.getloadavg())


if __name__ == "__main__":
    main()
