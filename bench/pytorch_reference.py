#!/usr/bin/python3
"""PyTorch side of `./normlab bench`: the same workloads as NormLab, written the way a PyTorch user writes them.

Run by the benchmark as a long-lived worker (one process per workload), with Debian's /usr/bin/python3 (torch 1.13):

    pytorch_reference.py --workload lenet5-bn --data DIR --threads 2 --seed 1

It loads the four IDX files itself (raw or .gz) into memory, prints `{"ready": ...}`, then answers one JSON line per
command read from stdin, so the benchmark can alternate NormLab and PyTorch repetition by repetition without paying
interpreter start-up and data loading inside the timed region:

    train STEPS      a fresh network (seeded init) trained STEPS optimizer steps -> {"seconds", "steps", "images"}
    phases STEPS     the same training with time.perf_counter read between the phases of each step
                     -> {"seconds", "steps", "images", "phasesMs": {"data", "forward", "backward", "optimizer", "total"}}
                     (ms per step; data = randperm + index_select, forward = logits + loss, backward = zero_grad +
                     backward, optimizer = opt.step, total = the whole step)
    infer PASSES     eval mode, no_grad, PASSES passes over the test split, batch 1000 -> {"seconds", "images"}
    peak             -> {"peakRssMb"} (VmHWM of this process so far)
    quit             -> {"peakRssMb"}, then exit

What matches NormLab's Trainer step for step: a fresh random order each epoch, the last partial batch kept
(ceil(n / batch) batches), cross-entropy on the logits (the softmax layer is folded into the loss), zero_grad with
set_to_none=True (NormLab's default), backward, optimizer step, then loss.item() and the count of correct predictions
read every step (NormLab reads both every step for its train metrics). Networks: NormLab's presets (Keras defaults:
glorot_uniform kernels, zero biases; Ioffe: N(0, 0.05)). Keras-convention BN is written as a PyTorch user writes it,
nn.BatchNorm(eps=1e-3, momentum=0.01): the same normalisation, the same update weight; only the stored running
variance differs (unbiased in PyTorch, biased in Keras), which training never reads.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------------------------------------------------
# Data: the same IDX files NormLab reads, scaled to [0, 1] (NormLab's scale01 preprocessing).


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find_file(folder, stem):
    # The names IdxFileSet accepts: train-images-idx3-ubyte or train-images.idx3-ubyte, raw or .gz.
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{folder}: no {stem}[.gz]")


def load(folder):
    def images(stem):
        x = read_idx(find_file(folder, stem)).astype(np.float32) / np.float32(255)
        return torch.from_numpy(x).reshape(-1, 1, 28, 28).contiguous()

    def labels(stem):
        return torch.from_numpy(read_idx(find_file(folder, stem)).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


# ----------------------------------------------------------------------------------------------------------------------
# Networks (NormLab's presets).


class ScratchBatchNorm(nn.Module):
    """NormLab's from-scratch BN, op for op (BatchNormLayer.Scratch): mean, centred, squared, mean, rsqrt; keras-style
    running statistics r <- m*r + (1-m)*batch with the biased variance; autograd derives the backward pass."""

    def __init__(self, channels, spatial, eps=1e-3, momentum=0.99):
        super().__init__()
        self.dims = [0, 2, 3] if spatial else [0]
        self.shape = [1, channels, 1, 1] if spatial else [1, channels]
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))

    def forward(self, x):
        if not self.training:
            xhat = (x - self.running_mean.view(self.shape)) * (self.running_var.view(self.shape) + self.eps).rsqrt()
            return xhat * self.weight.view(self.shape) + self.bias.view(self.shape)
        mean = x.mean(self.dims, keepdim=True)
        centered = x - mean
        squared = centered * centered
        variance = squared.mean(self.dims, keepdim=True)
        inv = (variance + self.eps).rsqrt()
        xhat = centered * inv
        with torch.no_grad():
            n = x.numel() // x.shape[1]
            m, v = mean.reshape(-1), variance.reshape(-1)
            _unbiased = v * (n / (n - 1))  # NormLab computes it for every convention; keras keeps the biased one
            self.running_mean.mul_(self.momentum).add_(m, alpha=1 - self.momentum)
            self.running_var.mul_(self.momentum).add_(v, alpha=1 - self.momentum)
        return xhat * self.weight.view(self.shape) + self.bias.view(self.shape)


def keras_bn(channels, spatial, scratch):
    if scratch:
        return ScratchBatchNorm(channels, spatial)
    return (nn.BatchNorm2d if spatial else nn.BatchNorm1d)(channels, eps=1e-3, momentum=0.01)


def lenet5(bn, scratch=False):
    def norm(c, spatial):
        return [keras_bn(c, spatial, scratch)] if bn else []

    layers = ([nn.Conv2d(1, 6, 5, padding=2)] + norm(6, True) + [nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5)]
              + norm(16, True) + [nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120)]
              + norm(120, False) + [nn.ReLU(), nn.Linear(120, 84)]
              + norm(84, False) + [nn.ReLU(), nn.Linear(84, 10)] + norm(10, False))
    return nn.Sequential(*layers)


def mlp_300_100_bn():
    bn = lambda c: nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)
    return nn.Sequential(nn.Flatten(), bn(784), nn.Linear(784, 300), nn.ReLU(), bn(300), nn.Linear(300, 100), nn.ReLU(),
                         bn(100), nn.Linear(100, 10))


def ioffe_mlp_bn():
    layers = [nn.Flatten()]
    fan_in = 784
    for _ in range(3):
        dense = nn.Linear(fan_in, 100)
        nn.init.normal_(dense.weight, 0.0, 0.05)  # Keras RandomNormal(): mean 0, std 0.05
        dense.is_ioffe = True
        layers += [dense, nn.BatchNorm1d(100), nn.Sigmoid()]  # torch convention: momentum 0.1, eps 1e-5
        fan_in = 100
    return nn.Sequential(*layers, nn.Linear(100, 10))


def keras_init(model):
    # glorot_uniform kernels, zero biases (NormLab's default initializer); Ioffe's hidden layers keep their N(0, 0.05).
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if not getattr(m, "is_ioffe", False):
                nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


# name -> (network factory, optimizer factory, batch size)
WORKLOADS = {
    "lenet5-bn": (lambda: lenet5(bn=True), lambda p: torch.optim.Adam(p), 64),
    "lenet5": (lambda: lenet5(bn=False), lambda p: torch.optim.Adam(p), 64),
    "mlp-bn": (mlp_300_100_bn, lambda p: torch.optim.SGD(p, lr=0.01), 32),
    "ioffe-bn": (ioffe_mlp_bn, lambda p: torch.optim.SGD(p, lr=0.01), 60),
    "inference": (lambda: lenet5(bn=True), lambda p: torch.optim.Adam(p), 1000),
    "lenet5-bn-scratch": (lambda: lenet5(bn=True, scratch=True), lambda p: torch.optim.Adam(p), 64),
}


# ----------------------------------------------------------------------------------------------------------------------
# The timed loops.


def train(model, opt, x_all, y_all, batch, steps, seed, phases=None):
    """phases: None, or a dict of perf_counter sums (seconds) the loop adds each step's phases to."""
    if phases is not None:
        return train_phased(model, opt, x_all, y_all, batch, steps, seed, phases)
    n = x_all.shape[0]
    batches = (n + batch - 1) // batch  # keep the last partial batch
    gen = torch.Generator().manual_seed(seed)
    model.train()
    step = 0
    seen = 0
    start = time.perf_counter()
    while step < steps:
        order = torch.randperm(n, generator=gen)
        for b in range(batches):
            if step >= steps:
                break
            idx = order[b * batch:(b + 1) * batch]
            x = x_all.index_select(0, idx)
            y = y_all.index_select(0, idx)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            value = loss.item()
            with torch.no_grad():
                _correct = logits.argmax(1).eq(y).sum().item()
            step += 1
            seen += y.shape[0]
            if not math.isfinite(value):
                raise RuntimeError(f"diverged at step {step}")
    return time.perf_counter() - start, step, seen


def train_phased(model, opt, x_all, y_all, batch, steps, seed, phases):
    # train() with a clock read between the phases; a copy rather than `if` in the timed loop, so train() stays the
    # plain loop a PyTorch user writes. The epoch's randperm counts as data of the epoch's first step.
    clock = time.perf_counter
    n = x_all.shape[0]
    batches = (n + batch - 1) // batch
    gen = torch.Generator().manual_seed(seed)
    model.train()
    step = 0
    seen = 0
    start = clock()
    while step < steps:
        t_perm = clock()
        order = torch.randperm(n, generator=gen)
        perm = clock() - t_perm
        for b in range(batches):
            if step >= steps:
                break
            t0 = clock() - perm
            perm = 0.0
            idx = order[b * batch:(b + 1) * batch]
            x = x_all.index_select(0, idx)
            y = y_all.index_select(0, idx)
            t1 = clock()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            t2 = clock()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            t3 = clock()
            opt.step()
            t4 = clock()
            value = loss.item()
            with torch.no_grad():
                _correct = logits.argmax(1).eq(y).sum().item()
            step += 1
            seen += y.shape[0]
            if not math.isfinite(value):
                raise RuntimeError(f"diverged at step {step}")
            phases["data"] += t1 - t0
            phases["forward"] += t2 - t1
            phases["backward"] += t3 - t2
            phases["optimizer"] += t4 - t3
            phases["total"] += clock() - t0
    return clock() - start, step, seen


def infer(model, x_all, y_all, passes, batch=1000):
    model.eval()
    n = x_all.shape[0]
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(passes):
            loss_sum, correct = 0.0, 0
            for b in range(0, n, batch):
                x, y = x_all[b:b + batch], y_all[b:b + batch]
                logits = model(x)
                loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
                correct += logits.argmax(1).eq(y).sum().item()
    return time.perf_counter() - start, passes * n


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    ap.add_argument("--data", required=True, help="folder with the four IDX files")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    x_train, y_train, x_test, y_test = load(args.data)
    make_net, make_opt, batch = WORKLOADS[args.workload]

    def fresh():
        torch.manual_seed(args.seed)
        model = keras_init(make_net())
        return model, make_opt(model.parameters())

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    reply({"ready": True, "loadSeconds": time.perf_counter() - started, "torch": torch.__version__,
           "threads": torch.get_num_threads()})
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "train":
                model, opt = fresh()
                seconds, steps, seen = train(model, opt, x_train, y_train, batch, int(words[1]), args.seed)
                reply({"seconds": seconds, "steps": steps, "images": seen})
            elif words[0] == "phases":
                model, opt = fresh()
                sums = dict.fromkeys(("data", "forward", "backward", "optimizer", "total"), 0.0)
                seconds, steps, seen = train(model, opt, x_train, y_train, batch, int(words[1]), args.seed, sums)
                reply({"seconds": seconds, "steps": steps, "images": seen,
                       "phasesMs": {k: v * 1000.0 / steps for k, v in sums.items()}})
            elif words[0] == "infer":
                model, _ = fresh()
                seconds, images = infer(model, x_test, y_test, int(words[1]))
                reply({"seconds": seconds, "images": images})
            elif words[0] == "peak":
                reply({"peakRssMb": peak_rss_mb()})
            elif words[0] == "quit":
                reply({"peakRssMb": peak_rss_mb()})
                return 0
            else:
                reply({"error": f"unknown command {words[0]!r}"})
        except Exception as e:  # the benchmark shows the message instead of hanging on a dead pipe
            reply({"error": f"{type(e).__name__}: {e}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
