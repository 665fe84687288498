"""A small GPT (decoder-only transformer) in plain PyTorch, in the style of nanoGPT.

token + position embeddings -> N x [LayerNorm -> causal self-attention -> residual,
LayerNorm -> GeLU MLP (4h) -> residual] -> LayerNorm -> output head tied to the token embedding.

Activation recomputation (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
Transformer Models", arXiv:2205.05198), as Megatron-LM names it:
  none       every activation is kept for the backward pass
  selective  only the attention core softmax(QK^T / sqrt(d)) V is recomputed (its s x s scores are
             the large, cheap-to-recompute part)
  full       each block's input is kept and the whole block is recomputed in the backward pass
             (the first `recompute_layers` blocks only, when that is > 0: Megatron's "block" method)
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


@dataclass
class GPTConfig:
    layers: int = 12
    hidden: int = 768
    heads: int = 12
    vocab: int = 50304
    seq_length: int = 1024
    recompute: str = "none"  # none | selective | full
    recompute_layers: int = 0  # full: blocks recomputed, counted from the first (0 = all)


def causal_attention(q, k, v):
    """softmax(q k^T / sqrt(d) + causal mask) v for (batch, heads, seq, head_dim) tensors."""
    if hasattr(F, "scaled_dot_product_attention"):  # PyTorch >= 2.0: fused (flash / memory-efficient) kernels
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    # PyTorch < 2.0 (e.g. Debian's 1.13): the same computation written out.
    t = q.size(-2)
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.size(-1)))
    future = torch.ones(t, t, dtype=torch.bool, device=q.device).triu(1)
    scores = scores.masked_fill(future, float("-inf"))
    return F.softmax(scores.float(), dim=-1).to(v.dtype) @ v


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        assert cfg.hidden % cfg.heads == 0, "hidden must be a multiple of heads"
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.hidden, 3 * cfg.hidden)
        self.proj = nn.Linear(cfg.hidden, cfg.hidden)
        self.selective = cfg.recompute == "selective"

    def forward(self, x):
        b, t, h = x.shape
        q, k, v = self.qkv(x).split(h, dim=2)
        q, k, v = (y.view(b, t, self.heads, h // self.heads).transpose(1, 2) for y in (q, k, v))
        if self.selective and self.training and torch.is_grad_enabled():
            y = checkpoint(causal_attention, q, k, v, use_reentrant=False)
        else:
            y = causal_attention(q, k, v)
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, h))


class MLP(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.hidden, 4 * cfg.hidden)
        self.proj = nn.Linear(4 * cfg.hidden, cfg.hidden)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.hidden)
        self.attn = CausalSelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.hidden)
        self.mlp = MLP(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab, cfg.hidden)
        self.wpe = nn.Embedding(cfg.seq_length, cfg.hidden)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.hidden)
        self.head = nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        self.head.weight = self.wte.weight  # tied output head (GPT-2; Press & Wolf 2017)
        # GPT-2 initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * layers).
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * cfg.layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, mean=0.0, std=std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)
        n = cfg.recompute_layers or cfg.layers
        self.recomputed = set(range(n)) if cfg.recompute == "full" else set()

    def forward(self, tokens, targets):
        t = tokens.size(1)
        x = self.wte(tokens) + self.wpe(torch.arange(t, device=tokens.device))
        for i, block in enumerate(self.blocks):
            if i in self.recomputed and self.training and torch.is_grad_enabled():
                x = checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        logits = self.head(self.ln_f(x))
        return F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))
