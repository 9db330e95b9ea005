"""Benchmark of the release's embedding pass against the bare encoder: images per second, their ratio, peak memory.

VGG19 (random weights: ImageNet weights cannot be had offline; the cost is the same) at 32×32, batch 100,
labelled (10 classes) unless --unlabelled, φ1 and φ2, on the CPU (or --device cuda). The same batches go
through the bare encoder (`encoder.layer_features`, nothing else) and through `feature_sums` (sorting by
label, the encoder, φ, the exact per-class sums), alternately, --rounds times (5); the best round of each counts, and the median of the rounds' own ratios is printed beside it.
The images are generated batch by batch (nothing of size n is held), so peak RSS — the whole process's: run one
process per size to compare sizes — is what the pass itself needs. The last line holds the figures.

    python bench/release.py --threads 2 --n 2000
    python bench/release.py --threads 2 --n 20000
    python bench/release.py --threads 2 --n 2000 --unlabelled
    python bench/release.py --threads 2 --n 1000 --breakdown     # where a batch's time goes

--breakdown times, per batch, the encoder, the fixed-point kernels on its fresh output (as the release runs them),
the same kernels again at once on the same features (still in the caches), and one plain read of the features
(`torch.sum`, the least any pass over them costs); it prints the medians over the batches.
"""
import argparse, statistics
import torch
from timing import random_batches, bare_vs_release, timer     # shared with bench/reference_speed.py
from dp_mepf.data import ImageData
from dp_mepf.features import get_encoder
from dp_mepf.release import feature_sums, fixed_point_sums

class RandomImages(ImageData):
    "n random uint8 RGB images with random labels, made batch by batch from a seed (the same batches every pass)."
    def __init__(self, n, size, seed=0):
        self.n, self.shape, self.seed, self.name, self.classes = n, (3, size, size), seed, 'random-cifar', [str(i) for i in range(10)]
    def __len__(self): return self.n
    def batches(self, batch_size, device=None): return random_batches(self.n, batch_size, self.shape[-1], self.seed, device)

@torch.inference_mode()
def breakdown(enc, data, moments:int, labelled:bool, batch_size:int, device='cpu') -> str:
    "Median milliseconds per batch: the encoder; the fixed-point kernels on its output, then again at once; one read of the features."
    timed, C, box, rows = timer(device), len(data.classes) if labelled else 1, {}, []
    acc = [torch.zeros(C, enc.dim(data.shape), dtype=torch.int64, device=device) for _ in range(moments)]
    for x, y in data.batches(batch_size, device=device):
        if labelled: order = torch.argsort(y, stable=True); x, sizes = x[order], torch.bincount(y, minlength=C).tolist()
        else: sizes = [len(x)]
        starts = [0, *torch.tensor(sizes).cumsum(0).tolist()]
        t_enc = timed(lambda: box.update(f=enc.layer_features(x)))
        kernels = lambda: fixed_point_sums(box['f'], starts, moments, acc)
        rows.append((t_enc, timed(kernels), timed(kernels), timed(lambda: [f.sum() for f in box['f']])))
    enc_ms, cold, warm, read = (1e3*statistics.median(c) for c in zip(*rows))
    mb = sum(f.numel()*f.element_size() for f in box['f'])/1e6
    return (f"per batch of {batch_size} (median of {len(rows)}): encoder {enc_ms:.0f} ms; fixed-point kernels {cold:.1f} ms on its fresh output, "
            f"{warm:.1f} ms again at once; one read of the {mb:.0f} MB of features {read:.1f} ms (two reads: {2*read/enc_ms:.1%} of the encoder)")

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=2000, help='images (CIFAR-10-like random 32×32 RGB)')
    ap.add_argument('--batch_size', type=int, default=100)
    ap.add_argument('--moments', type=int, default=2)
    ap.add_argument('--unlabelled', action='store_true', help='one sum over all images instead of per-class sums')
    ap.add_argument('--size', type=int, default=32)
    ap.add_argument('--rounds', type=int, default=5, help='alternating rounds of (bare encoder, release pass)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: torch decides)')
    ap.add_argument('--breakdown', action='store_true', help='time the parts of each batch instead (see above)')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    data = RandomImages(a.n, a.size)
    torch.manual_seed(0)
    enc = get_encoder('vgg19', weights=None).to(a.device)
    D = enc.dim((3, a.size, a.size))

    @torch.inference_mode()
    def bare():
        for xb, _ in data.batches(a.batch_size, device=a.device): enc.layer_features(xb)
    def release_pass(d=data): feature_sums(d, enc, a.moments, not a.unlabelled, a.batch_size, a.device, progress=False)

    release_pass(RandomImages(a.batch_size, a.size, seed=1)); bare()   # warm-up (and the numba kernels' first call)
    if a.breakdown:
        print(breakdown(enc, data, a.moments, not a.unlabelled, a.batch_size, a.device)); return
    figures = bare_vs_release(bare, release_pass, a.n, a.rounds, a.device)
    print(f"release embedding pass: VGG19 {a.size}×{a.size} (D={D:,}), {a.n:,} images, batch {a.batch_size}, {a.moments} moments, "
          f"{'unlabelled' if a.unlabelled else 'labelled'}, {a.device}, {torch.get_num_threads()} threads, best of {a.rounds}")
    print(figures)

if __name__ == '__main__':
    main()
