"""Benchmark of the release's embedding pass: images per second and peak memory.

VGG19 (random weights: ImageNet weights cannot be had offline; the cost is the same) at 32×32, batch 100,
labelled (10 classes), φ1 and φ2, on the CPU (or --device cuda). The last printed line holds the figures.

    python bench/release.py [--n 1000] [--batch_size 100] [--moments 2] [--device cpu] [--threads N]
"""
import argparse, resource, time
import torch
from dp_mepf.data import TensorImages
from dp_mepf.features import get_encoder
from dp_mepf.release import feature_sums

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=1000, help='images (CIFAR-10-like random 32×32 RGB)')
    ap.add_argument('--batch_size', type=int, default=100)
    ap.add_argument('--moments', type=int, default=2)
    ap.add_argument('--size', type=int, default=32)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: torch decides)')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (a.n, 3, a.size, a.size), dtype=torch.uint8, generator=g)
    y = torch.randint(0, 10, (a.n,), generator=g)
    data = TensorImages(x, y, [str(i) for i in range(10)], name='random-cifar')
    torch.manual_seed(0)
    enc = get_encoder('vgg19', weights=None).to(a.device)
    D = enc.dim((3, a.size, a.size))
    warm = TensorImages(x[:a.batch_size], y[:a.batch_size], data.classes)
    feature_sums(warm, enc, a.moments, True, a.batch_size, a.device, progress=False)          # warm-up
    if a.device.startswith('cuda'): torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    t = time.perf_counter()
    feature_sums(data, enc, a.moments, True, a.batch_size, a.device, progress=False)
    if a.device.startswith('cuda'): torch.cuda.synchronize()
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024
    gpu = f", peak GPU memory {torch.cuda.max_memory_allocated()/2**20:.0f} MiB" if a.device.startswith('cuda') else ''
    print(f"release embedding pass: VGG19 {a.size}×{a.size} (D={D:,}), batch {a.batch_size}, {a.moments} moments, labelled, "
          f"{a.device}, {torch.get_num_threads()} threads")
    print(f"{a.n/dt:.1f} images/s, peak RSS {rss:.0f} MiB{gpu}")

if __name__ == '__main__':
    main()
