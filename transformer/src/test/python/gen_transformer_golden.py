#!/usr/bin/env python3
"""Golden values for Visor's Transformer models from PyTorch (Debian's python3-torch 1.13).

For each case this writes, under transformer/src/test/resources/dev/visor/transformer/golden/:
  <case>.config.json         the Visor TransformerConfig of the model (snake_case keys)
  <case>.weights.safetensors the model's state dict under Visor's names (= torch.nn.Transformer's for
                             the encoder and decoder stacks), float32
  <case>.io.safetensors      inputs (token ids stored as float32), the forward outputs, the loss and the
                             gradient of the loss with respect to every parameter ("grad.<name>")

The models wrap torch.nn.Transformer / nn.TransformerEncoder exactly as Visor assembles its own:
embeddings scaled by sqrt(d_model) plus the sinusoidal encoding of "Attention Is All You Need" (or a
learned table), the encoder and decoder stacks (whose final norms nn.Transformer always has), and a
linear generator. Dropout is 0 and the models run in training mode with autograd, so PyTorch's
inference fast paths (nested tensors) are not taken. The loss is label-smoothed cross-entropy that
ignores padding plus the mean of the logits times fixed random weights (so padded positions count).

Run from a directory outside the repository, e.g.
  /usr/bin/python3 transformer/src/test/python/gen_transformer_golden.py
No package beyond torch is needed: the safetensors files are written by the small writer below.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "dev", "visor", "transformer", "golden")
PAD, BOS, EOS = 0, 1, 2


def write_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors in the safetensors layout: sorted names, back to back, padded header."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        data = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def sinusoids(max_len, d):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...), in float64 then float32."""
    pe = torch.zeros(max_len, d, dtype=torch.float64)
    for pos in range(max_len):
        for j in range(d):
            angle = pos / math.pow(10000.0, (2.0 * (j // 2)) / d)
            pe[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe.to(torch.float32)


class InputEmbedding(nn.Module):
    """Visor's InputEmbedding: weight (vocab, d) with a zero, gradient-free pad row; pos.weight if learned."""

    def __init__(self, vocab, d, max_len, learned):
        super().__init__()
        self.d = d
        self.weight = nn.Parameter(torch.randn(vocab, d) * 0.3)
        with torch.no_grad():
            self.weight[PAD].zero_()
        if learned:
            self.pos = nn.Embedding(max_len, d)
            with torch.no_grad():
                self.pos.weight.normal_(0, 0.3)
        else:
            self.pos = None
            self.register_buffer("pe", sinusoids(max_len, d), persistent=False)

    def forward(self, ids):
        x = F.embedding(ids, self.weight, padding_idx=PAD) * math.sqrt(self.d)
        L = ids.shape[1]
        return x + (self.pos.weight[:L] if self.pos is not None else self.pe[:L])


class EncoderDecoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        t = nn.Transformer(c["d_model"], c["heads"], c["encoder_layers"], c["decoder_layers"], c["d_ff"], dropout=0.0,
                           activation=c["activation"], layer_norm_eps=c["norm_eps"], batch_first=True,
                           norm_first=c["norm_placement"] == "pre")
        self.encoder = t.encoder
        self.decoder = t.decoder
        learned = c["positional"] == "learned"
        self.src_embed = InputEmbedding(c["src_vocab_size"], c["d_model"], c["max_length"], learned)
        self.tgt_embed = InputEmbedding(c["tgt_vocab_size"], c["d_model"], c["max_length"], learned)
        self.generator = nn.Linear(c["d_model"], c["tgt_vocab_size"])
        if c["tie_weights"]:
            self.generator.weight = self.tgt_embed.weight
            with torch.no_grad():
                self.generator.bias.zero_()

    def forward(self, src, tgt):
        src_pad = src == PAD
        tgt_pad = tgt == PAD
        causal = torch.triu(torch.ones(tgt.shape[1], tgt.shape[1], dtype=torch.bool), diagonal=1)  # True = blocked
        memory = self.encoder(self.src_embed(src), src_key_padding_mask=src_pad)
        out = self.decoder(self.tgt_embed(tgt), memory, tgt_mask=causal, tgt_key_padding_mask=tgt_pad,
                           memory_key_padding_mask=src_pad)
        return memory, self.generator(out)


class SingleStream(nn.Module):
    """Decoder-only (causal) or encoder-only (bidirectional) model on nn.TransformerEncoder."""

    def __init__(self, c, causal):
        super().__init__()
        layer = nn.TransformerEncoderLayer(c["d_model"], c["heads"], c["d_ff"], dropout=0.0, activation=c["activation"],
                                           layer_norm_eps=c["norm_eps"], batch_first=True,
                                           norm_first=c["norm_placement"] == "pre")
        n = c["decoder_layers"] if causal else c["encoder_layers"]
        stack = nn.TransformerEncoder(layer, n, norm=nn.LayerNorm(c["d_model"], eps=c["norm_eps"]),
                                      enable_nested_tensor=False)
        self.causal = causal
        self.embed = InputEmbedding(c["src_vocab_size"], c["d_model"], c["max_length"], c["positional"] == "learned")
        # Visor names the causal stack "decoder" and the bidirectional one "encoder"
        if causal:
            self.decoder = stack
        else:
            self.encoder = stack
        self.generator = nn.Linear(c["d_model"], c["tgt_vocab_size"])
        if c["tie_weights"]:
            self.generator.weight = self.embed.weight
            with torch.no_grad():
                self.generator.bias.zero_()

    def forward(self, ids):
        pad = ids == PAD
        L = ids.shape[1]
        mask = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1) if self.causal else None
        stack = self.decoder if self.causal else self.encoder
        h = stack(self.embed(ids), mask=mask, src_key_padding_mask=pad)
        return h, self.generator(h)


def config(**kw):
    c = {"architecture": "encoder_decoder", "src_vocab_size": 11, "tgt_vocab_size": 13, "d_model": 16, "heads": 4,
         "kv_heads": 4, "encoder_layers": 2, "decoder_layers": 2, "d_ff": 32, "dropout": 0.0, "attention_dropout": 0.0,
         "activation": "relu", "norm_placement": "post", "norm_eps": 1e-5, "positional": "sinusoidal", "max_length": 16,
         "tie_weights": False, "share_embeddings": False, "pad_id": PAD, "bos_id": BOS, "eos_id": EOS, "seed": 0}
    c.update(kw)
    return c


def tokens(gen, vocab, lengths, length):
    ids = torch.zeros(len(lengths), length, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(3, vocab, (n,), generator=gen)
    return ids


def loss_of(logits, targets, weights):
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=PAD, label_smoothing=0.1)
    return ce + (logits * weights).mean()


def run_case(name, c, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    io = {}
    if c["architecture"] == "encoder_decoder":
        model = EncoderDecoder(c).train()
        src = tokens(gen, c["src_vocab_size"], [7, 4, 1], 7)
        tgt = tokens(gen, c["tgt_vocab_size"], [6, 3, 5], 6)
        tgt[:, 0] = BOS
        tgt[1, 3:] = PAD
        tgt_out = torch.roll(tgt, -1, dims=1)
        tgt_out[:, -1] = PAD
        memory, logits = model(src, tgt)
        io.update({"src": src.float(), "tgt_in": tgt.float(), "tgt_out": tgt_out.float(), "memory": memory})
        targets = tgt_out
    else:
        causal = c["architecture"] == "decoder_only"
        model = SingleStream(c, causal).train()
        ids = tokens(gen, c["src_vocab_size"], [7, 5, 2], 7)
        hidden, logits = model(ids)
        targets = torch.roll(ids, -1, dims=1) if causal else ids.clone()
        if causal:
            targets[:, -1] = PAD
        else:
            targets = torch.randint(0, c["tgt_vocab_size"], ids.shape, generator=gen) * (ids != PAD)
        io.update({"ids": ids.float(), "targets": targets.float(), "hidden": hidden})
    weights = torch.randn(logits.shape, generator=gen)
    loss = loss_of(logits, targets, weights)
    loss.backward()
    io.update({"logits": logits, "loss_weights": weights, "loss": loss.reshape(1)})
    for n, p in model.named_parameters():
        io["grad." + n] = p.grad
    state = {k: v for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(OUT, name + ".weights.safetensors"), state, {"format": "pt", "torch": torch.__version__})
    write_safetensors(os.path.join(OUT, name + ".io.safetensors"), io, {"torch": torch.__version__})
    with open(os.path.join(OUT, name + ".config.json"), "w") as f:
        json.dump(c, f, indent=2)
        f.write("\n")
    print(name, "loss %.6f" % loss.item(), "params", sum(p.numel() for p in model.parameters()))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    run_case("post_relu", config(), 1)
    run_case("pre_gelu", config(activation="gelu", norm_placement="pre", tie_weights=True), 2)
    run_case("decoder_only_pre_learned", config(architecture="decoder_only", src_vocab_size=13, encoder_layers=0,
                                                activation="gelu", norm_placement="pre", positional="learned"), 3)
    run_case("encoder_only_post", config(architecture="encoder_only", tgt_vocab_size=5, decoder_layers=0), 4)


if __name__ == "__main__":
    main()
