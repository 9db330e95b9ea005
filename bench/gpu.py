"""Throughput of training and of the release: float32 against the fast path (bf16 autocast for the encoder and
torch.compile).

Training: the CIFAR-10 preset's step — labelled ResNet generator (32×32) matched through VGG19 (all its conv
layers), batch 128, φ1+φ2 — in steps per second after a warm-up (which absorbs torch.compile's compilation).
Release: `feature_sums` over CIFAR-shaped images (VGG19, φ1+φ2, per class) in images per second.

"float32" is PyTorch's default precision: on a GPU with tensor cores its convolutions use TF32 (cuDNN's default; the
JSON records it). The fast path adds bf16 autocast for the encoder and torch.compile (inductor); both runs use
channels_last on CUDA, which the package always does there.

VGG19's ImageNet weights cannot be had offline, so the encoder has random weights: throughput does not depend on
the values of the weights. (The accuracy of bf16 is measured with real ImageNet weights in 05_train.)

    python bench/gpu.py                   # on a GPU: the figures for the docs
    python bench/gpu.py --small           # a quick CPU check that the script and both paths work (CI)

The last line printed is the comparison, e.g. `fast path vs float32 on <device>: 2.1× training steps/s ...`.
"""
import argparse, json, platform, time
from pathlib import Path
import torch


def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)


def device_name(dev):
    return torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} threads'


def time_release(data, enc, dev, bf16, batch):
    from dp_mepf.release import feature_sums
    feature_sums(data, enc, 2, labelled=True, batch_size=batch, device=dev, progress=False, bf16=bf16)   # warm-up
    sync(dev); t = time.perf_counter()
    feature_sums(data, enc, 2, labelled=True, batch_size=batch, device=dev, progress=False, bf16=bf16)   # returns on the CPU: synchronised
    return len(data)/(time.perf_counter() - t)


def time_training(rel, enc, dev, fast, compile_, batch, warmup, steps):
    from dp_mepf.train import TrainConfig, train
    from dp_mepf.generators import get_generator
    torch.manual_seed(0)
    G = get_generator('resnet', n_classes=10, size=32)
    big = 10**9
    cfg = TrainConfig(steps=warmup + steps, batch_size=batch, lr=1e-3, moving_avg_lr=1e-4, device=str(dev), bf16=fast,
                      compile=compile_ if fast else False, ckpt_every=big, sample_every=big, log_every=big)
    marks = {}
    def mark(step, losses):                                     # no host sync except at the two marks
        if step in (warmup, warmup + steps): sync(dev); marks[step] = time.perf_counter()
    train(rel, enc, G, cfg, out=None, progress=False, callback=mark)
    return steps/(marks[warmup + steps] - marks[warmup])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--small', action='store_true', help='CPU-sized check: batch 4, 2 timed steps, 32 release images')
    ap.add_argument('--batch', type=int, default=None, help='training batch (default 128; --small: 4)')
    ap.add_argument('--steps', type=int, default=None, help='timed training steps (default 50; --small: 2)')
    ap.add_argument('--warmup', type=int, default=None, help='untimed steps first (default 10; --small: 1)')
    ap.add_argument('--images', type=int, default=None, help='release images (default 10,000; --small: 32)')
    ap.add_argument('--compile', default=None, help="torch.compile backend of the fast path (default: inductor; --small: eager; 'off' to skip)")
    ap.add_argument('--out', default=None, help='also write the figures to this JSON file')
    a = ap.parse_args()
    s = a.small
    batch, steps, warmup = a.batch or (4 if s else 128), a.steps or (2 if s else 50), a.warmup or (1 if s else 10)
    n_img, comp = a.images or (32 if s else 10_000), a.compile or ('eager' if s else 'inductor')
    compile_ = False if comp == 'off' else (True if comp == 'inductor' else comp)
    dev = torch.device(a.device)
    if dev.type == 'cuda': torch.backends.cudnn.benchmark = True
    from dp_mepf.data import TensorImages
    from dp_mepf.features import get_encoder
    from dp_mepf.privacy import ReleasePlan
    from dp_mepf.release import release

    g = torch.Generator().manual_seed(0)
    data = TensorImages(torch.randint(0, 256, (n_img, 3, 32, 32), dtype=torch.uint8, generator=g),
                        torch.arange(n_img) % 10, [str(c) for c in range(10)], name='cifar-shaped')
    enc = get_encoder('vgg19', weights=None)
    rel = release(data, enc, 10., 0.5/n_img, ReleasePlan(moments=2, labelled=True), device=dev, progress=False)
    res = dict(device=device_name(dev), torch=torch.__version__, batch=batch, timed_steps=steps, warmup=warmup,
               release_images=n_img, dim=rel.dim, compile=comp,
               cudnn_tf32=dev.type == 'cuda' and torch.backends.cudnn.allow_tf32)
    for name, fast in [('float32', False), ('fast', True)]:
        res[f'release_img_s_{name}'] = time_release(data, enc, dev, fast, 500 if not s else 16)
        res[f'train_steps_s_{name}'] = time_training(rel, enc, dev, fast, compile_, batch, warmup, steps)
        print(f"{name:8s} training {res[f'train_steps_s_{name}']:.3g} steps/s, release {res[f'release_img_s_{name}']:,.0f} images/s", flush=True)
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    r_tr, r_rel = res['train_steps_s_fast']/res['train_steps_s_float32'], res['release_img_s_fast']/res['release_img_s_float32']
    print(f"fast path vs float32 on {res['device']}: {r_tr:.2f}× training steps/s ({res['train_steps_s_float32']:.3g} → "
          f"{res['train_steps_s_fast']:.3g}, batch {batch}, φ1+φ2, ResNet G + VGG19), {r_rel:.2f}× release images/s "
          f"({res['release_img_s_float32']:,.0f} → {res['release_img_s_fast']:,.0f})")


if __name__ == '__main__': main()
