"""Benchmark of one training step: steps per second.

ResNet generator (32×32, conditional) + VGG19 (random weights; ImageNet weights cannot be had offline and
cost the same), batch 64, φ1 and φ2, labelled (10 classes; --unlabelled: an unconditional generator matched to
one embedding), on the CPU (or --device cuda). The last printed line holds the figure.

    python bench/train_step.py --threads 2
    python bench/train_step.py --threads 2 --unlabelled
    python bench/train_step.py [--steps 10] [--batch_size 64] [--device cpu]
"""
import argparse, time
import torch
from dp_mepf.data import TensorImages
from dp_mepf.features import get_encoder
from dp_mepf.generators import get_generator
from dp_mepf.privacy import ReleasePlan
from dp_mepf.release import release
from dp_mepf.train import train, TrainConfig

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--batch_size', type=int, default=64)
    ap.add_argument('--moments', type=int, default=2)
    ap.add_argument('--unlabelled', action='store_true', help='unlabelled release and unconditional generator')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    enc = get_encoder('vgg19', weights=None)
    x = torch.randint(0, 256, (200, 3, 32, 32), dtype=torch.uint8)
    data = TensorImages(x, torch.arange(200) % 10, [str(i) for i in range(10)], name='random-cifar')
    r = release(data, enc, 10., 1e-5, ReleasePlan(moments=a.moments, labelled=not a.unlabelled), progress=False, device=a.device)
    G = get_generator('resnet', n_classes=0 if a.unlabelled else 10, size=32)
    cfg = lambda n: TrainConfig(steps=n, batch_size=a.batch_size, moments=a.moments, device=a.device)
    train(r, enc, G, cfg(2), progress=False)                                   # warm-up
    sync = torch.cuda.synchronize if a.device.startswith('cuda') else (lambda: None)
    sync(); t = time.perf_counter()
    train(r, enc, G, cfg(a.steps), progress=False)
    sync(); dt = time.perf_counter() - t
    print(f"training step: ResNet generator 32×32 + VGG19 (D={r.dim:,}), batch {a.batch_size}, {a.moments} moments, {'unlabelled' if a.unlabelled else 'labelled'}, "
          f"{a.device}, {torch.get_num_threads()} threads, {a.steps} steps")
    print(f"{a.steps/dt:.3f} steps/s ({dt/a.steps:.2f} s/step)")

if __name__ == '__main__':
    main()
