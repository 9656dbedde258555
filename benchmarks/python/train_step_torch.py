#!/usr/bin/python3
"""PyTorch's side of TrainStepBench: the demo's model trained on the reversal task.

The same model as Visor's `visor train seq2seq --task reverse` default (d_model 64, 4 heads, 2 + 2
layers, d_ff 256, post-norm, ReLU, sinusoidal positions, embeddings scaled by sqrt(d_model)) built
from torch.nn.Transformer, dropout 0.1, batches of 64 reversal examples of lengths 3-10 over 10
symbols (ids 0, 1, 2 are pad, BOS, EOS), cross-entropy summed over the target tokens and divided by
their count, gradient clipping to norm 1, AdamW (lr 0.003, no weight decay, as Visor's default).
Prints target tokens per second over the timed steps (after warm-up steps); the batches are made
before timing, as in the JMH benchmark.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/python/train_step_torch.py --threads 1 2

Debian's python3-torch (1.13), installed with apt; never a test dependency.
"""
import argparse
import math
import os
import random
import time

import torch
from torch import nn

SYMBOLS, FIRST, PAD, BOS, EOS = 10, 3, 0, 1, 2
VOCAB = FIRST + SYMBOLS


def batch(rng, size, lo=3, hi=10):
    srcs, tgts = [], []
    for _ in range(size):
        s = [FIRST + rng.randrange(SYMBOLS) for _ in range(rng.randint(lo, hi))]
        srcs.append(s + [EOS])
        tgts.append(s[::-1])
    ls, lt = max(map(len, srcs)), max(len(t) + 1 for t in tgts)
    src = torch.full((size, ls), PAD, dtype=torch.long)
    inp = torch.full((size, lt), PAD, dtype=torch.long)
    out = torch.full((size, lt), PAD, dtype=torch.long)
    for i, (s, t) in enumerate(zip(srcs, tgts)):
        src[i, :len(s)] = torch.tensor(s)
        inp[i, :len(t) + 1] = torch.tensor([BOS] + t)
        out[i, :len(t) + 1] = torch.tensor(t + [EOS])
    return src, inp, out


class Seq2Seq(nn.Module):
    def __init__(self, d=64, heads=4, layers=2, d_ff=256, dropout=0.1, max_len=32):
        super().__init__()
        self.d = d
        self.src_emb = nn.Embedding(VOCAB, d)
        self.tgt_emb = nn.Embedding(VOCAB, d)
        pe = torch.zeros(max_len, d)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
        self.register_buffer("pe", pe)
        self.drop = nn.Dropout(dropout)
        self.core = nn.Transformer(d, heads, layers, layers, d_ff, dropout, batch_first=True)
        self.generator = nn.Linear(d, VOCAB)

    def embed(self, emb, ids):
        return self.drop(emb(ids) * math.sqrt(self.d) + self.pe[:ids.size(1)])

    def forward(self, src, inp):
        causal = self.core.generate_square_subsequent_mask(inp.size(1))
        h = self.core(self.embed(self.src_emb, src), self.embed(self.tgt_emb, inp), tgt_mask=causal,
                      src_key_padding_mask=src == PAD, tgt_key_padding_mask=inp == PAD,
                      memory_key_padding_mask=src == PAD)
        return self.generator(h)


def run(threads, steps, warmup, seed=7, pool=32):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    batches = [batch(rng, 64) for _ in range(pool)]
    model = Seq2Seq()
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=0.003, weight_decay=0.0)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD, reduction="sum")
    tokens, start, loss = 0, None, float("nan")
    for step in range(warmup + steps):
        if step == warmup:
            tokens, start = 0, time.perf_counter()
        src, inp, out = batches[step % pool]
        count = int((out != PAD).sum())
        opt.zero_grad(set_to_none=True)
        logits = model(src, inp)
        l = loss_fn(logits.reshape(-1, VOCAB), out.reshape(-1)) / count
        l.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += count
        loss = l.item()
    seconds = time.perf_counter() - start
    return tokens / seconds, seconds, loss


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--steps", type=int, default=300, help="timed steps (default 300)")
    p.add_argument("--warmup", type=int, default=30, help="untimed steps first (default 30)")
    a = p.parse_args()
    torch.set_num_interop_threads(1)
    print(f"torch {torch.__version__}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '')}, "
          f"load {os.getloadavg()}")
    for t in a.threads:
        tps, sec, loss = run(t, a.steps, a.warmup)
        assert torch.get_num_threads() == t, f"asked for {t} threads, torch uses {torch.get_num_threads()}"
        print(f"pytorch threads={t} steps={a.steps} seconds={sec:.2f} target_tokens_per_s={tps:.0f} last_loss={loss:.3f}")


if __name__ == "__main__":
    main()
