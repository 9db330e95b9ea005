"""Peak memory of a release streamed from a folder of image files, for several data-set sizes: it must not grow with n.

For each N, writes a folder of N grey 28×28 PNG files (MNIST's test digits, repeated with a different shift per copy, in
10 class folders) under --cache once; then, in a fresh process per N, runs the whole `release` (labelled, φ1 and φ2, a
validation copy) from `load_data('folder', ...)` — header check, streaming pass, noise — with a small random conv
encoder, and prints the peak resident memory of that process. The last printed line compares the sizes.

    python bench/release_memory.py [--n 20000 200000] [--cache /tmp/dp_mepf_bench_folder] [--threads 2]
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path

def write_folder(root:Path, n:int):
    "N PNG files in 10 class folders (skipped when they are there already)."
    import numpy as np
    from PIL import Image
    from dp_mepf.data import load_data, shared_data_root
    done = root/f'.complete_{n}'
    if done.exists(): return
    src = load_data('mnist', split='test') if shared_data_root() else load_data('digits', split='all')
    x, y = src.x.numpy()[:, 0], src.labels.numpy()
    if x.dtype != np.uint8: x = (x*255).round().astype(np.uint8)
    for c in range(10): (root/str(c)).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        j = i % len(x)
        Image.fromarray(np.roll(x[j], i//len(x), axis=1)).save(root/str(y[j])/f'{i:07d}.png')
    done.touch()

def one_release(root:str, n:int, threads:int):
    "In a fresh process: release the first n files of the folder; print a JSON line with the figures."
    import torch
    from torch import nn
    from dp_mepf.data import load_data
    from dp_mepf.features import FeatureEncoder
    from dp_mepf.privacy import ReleasePlan
    from dp_mepf.release import release
    torch.set_num_threads(threads)
    t = time.perf_counter()
    data = load_data('folder', Path(root)/f'n{n}', mode='L')
    torch.manual_seed(0)
    enc = FeatureEncoder(nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU()), ['1', '3'], name='small-conv')
    r = release(data, enc, eps=1., delta=1e-6, plan=ReleasePlan(moments=2, labelled=True, val_noise_scale=10.), batch_size=500, progress=False)
    dt = time.perf_counter() - t
    print(json.dumps(dict(n=len(data), D=r.dim, seconds=round(dt, 1), images_per_s=round(len(data)/dt),
                          peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024))))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, nargs='+', default=[20_000, 200_000])
    ap.add_argument('--cache', default='/tmp/dp_mepf_bench_folder', help='where the image files are written (once)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--_child', type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._child is not None: return one_release(a.cache, a._child, a.threads)
    root = Path(a.cache)
    for n in a.n:
        t = time.perf_counter(); write_folder(root/f'n{n}', n); print(f"{n:,} files in {root/f'n{n}'} ({time.perf_counter() - t:.0f} s to write)")
    rows = []
    for n in a.n:
        out = subprocess.run([sys.executable, __file__, '--cache', a.cache, '--threads', str(a.threads), '--_child', str(n)],
                             capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1])); print(rows[-1])
    print('peak RSS: ' + ', '.join(f"{r['n']:,} images {r['peak_rss_mib']} MiB" for r in rows)
          + f"; largest / smallest = {max(r['peak_rss_mib'] for r in rows)/min(r['peak_rss_mib'] for r in rows):.3f}")

if __name__ == '__main__':
    main()
