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
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/python/train_step_torch.py --size base --steps 5 --warmup 2

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


def base_batch(rng, vocab=8000, size=8, length=128, full=False):
    """TrainStepBench.baseStep's batch: rows of random ids with valid lengths 128, 120, ..., 72 (with
    full, every row 128 long: TrainStepCpu base-full); the target at each position is the next input
    token (none at the last valid position)."""
    src = torch.full((size, length), PAD, dtype=torch.long)
    inp = torch.full((size, length), PAD, dtype=torch.long)
    out = torch.full((size, length), PAD, dtype=torch.long)
    for b in range(size):
        n = length if full else length - 8 * b
        src[b, :n] = torch.tensor([FIRST + rng.randrange(vocab - FIRST) for _ in range(n)])
        row = [BOS] + [FIRST + rng.randrange(vocab - FIRST) for _ in range(n - 1)]
        inp[b, :n] = torch.tensor(row)
        out[b, :n - 1] = torch.tensor(row[1:])
    return src, inp, out


class Seq2Seq(nn.Module):
    def __init__(self, d=64, heads=4, layers=2, d_ff=256, dropout=0.1, max_len=32, vocab=VOCAB):
        super().__init__()
        self.d = d
        self.vocab = vocab
        self.src_emb = nn.Embedding(vocab, d)
        self.tgt_emb = nn.Embedding(vocab, d)
        pe = torch.zeros(max_len, d)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
        self.register_buffer("pe", pe)
        self.drop = nn.Dropout(dropout)
        self.core = nn.Transformer(d, heads, layers, layers, d_ff, dropout, batch_first=True)
        self.generator = nn.Linear(d, vocab)

    def embed(self, emb, ids):
        return self.drop(emb(ids) * math.sqrt(self.d) + self.pe[:ids.size(1)])

    def forward(self, src, inp):
        causal = self.core.generate_square_subsequent_mask(inp.size(1))
        h = self.core(self.embed(self.src_emb, src), self.embed(self.tgt_emb, inp), tgt_mask=causal,
                      src_key_padding_mask=src == PAD, tgt_key_padding_mask=inp == PAD,
                      memory_key_padding_mask=src == PAD)
        return self.generator(h)


def run(threads, steps, warmup, seed=7, pool=32, size="demo"):
    """Trains size's model (demo, base, or base-full: the base batch without padding); returns target
    tokens per wall second, the timed seconds, tokens per CPU second and the last loss."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    if size in ("base", "base-full"):
        batches = [base_batch(rng, full=size == "base-full")]
        model = Seq2Seq(512, 8, 6, 2048, 0.1, 1024, vocab=8000)
        lr = 1e-4
    else:
        batches = [batch(rng, 64) for _ in range(pool)]
        model = Seq2Seq()
        lr = 0.003
    pool = len(batches)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD, reduction="sum")
    tokens, start, cpu, loss = 0, None, None, float("nan")
    for step in range(warmup + steps):
        if step == warmup:
            tokens, start, cpu = 0, time.perf_counter(), time.process_time()
        src, inp, out = batches[step % pool]
        count = int((out != PAD).sum())
        opt.zero_grad(set_to_none=True)
        logits = model(src, inp)
        l = loss_fn(logits.reshape(-1, model.vocab), out.reshape(-1)) / count
        l.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += count
        loss = l.item()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return tokens / seconds, seconds, tokens / cpu, loss


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--steps", type=int, default=300, help="timed steps (default 300)")
    p.add_argument("--warmup", type=int, default=30, help="untimed steps first (default 30)")
    p.add_argument("--size", choices=["demo", "base", "base-full"], default="demo",
                   help="demo: the demo's model on reversal batches; base: d_model 512, 8 heads, 6 + 6 layers, "
                        "FFN 2048, vocabulary 8000, one batch of 8 x 128 tokens (TrainStepBench.baseStep); base-full: "
                        "that batch with every row 128 long (TrainStepCpu base-full)")
    a = p.parse_args()
    torch.set_num_interop_threads(1)
    print(f"torch {torch.__version__}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '')}, "
          f"load {os.getloadavg()}")
    for t in a.threads:
        tps, sec, per_cpu, loss = run(t, a.steps, a.warmup, size=a.size)
        assert torch.get_num_threads() == t, f"asked for {t} threads, torch uses {torch.get_num_threads()}"
        cpu = f" target_tokens_per_cpu_s={per_cpu:.0f}" if t == 1 else ""
        print(f"pytorch size={a.size} threads={t} steps={a.steps} seconds={sec:.2f} target_tokens_per_s={tps:.0f}{cpu} "
              f"last_loss={loss:.3f}")


if __name__ == "__main__":
    main()
