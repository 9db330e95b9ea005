"""What `bench/release.py` and `bench/reference_speed.py` share, so that their figures are measured alike: the same
random images, and the same alternating timing of a bare encoder against a release pass."""
import resource, statistics, time
import torch

def random_batches(n, batch_size, size=32, seed=0, device=None):
    "n random uint8-valued RGB images in [0, 1] with random labels 0–9, made batch by batch from a seed (nothing of size n is held)."
    for i in range(0, n, batch_size):
        g = torch.Generator().manual_seed(seed*1_000_003 + i)
        m = min(batch_size, n - i)
        yield (torch.randint(0, 256, (m, 3, size, size), dtype=torch.uint8, generator=g).float().div_(255).to(device),
               torch.randint(0, 10, (m,), generator=g).to(device))

def timer(device='cpu'):
    "f ↦ seconds f() takes (synchronised with the GPU on CUDA)."
    sync = torch.cuda.synchronize if str(device).startswith('cuda') else (lambda: None)
    def timed(f):
        sync(); t = time.perf_counter(); f(); sync(); return time.perf_counter() - t
    return timed

def bare_vs_release(bare, release_pass, n:int, rounds:int, device='cpu') -> str:
    """Time `bare()` and `release_pass()` (n images each) alternately, `rounds` times; the figures line: best of each, their ratio,
    the median of the rounds' own ratios (each round's two passes run back to back, so a machine whose speed drifts moves both), peak memory."""
    cuda, timed = str(device).startswith('cuda'), timer(device)
    if cuda: torch.cuda.reset_peak_memory_stats()
    t_bare, t_rel = [], []
    for _ in range(rounds): t_bare.append(timed(bare)); t_rel.append(timed(release_pass))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024
    gpu = f", peak GPU memory {torch.cuda.max_memory_allocated()/2**20:.0f} MiB" if cuda else ''
    median = statistics.median(b/r for b, r in zip(t_bare, t_rel))
    return (f"bare encoder {n/min(t_bare):.1f} images/s; release {n/min(t_rel):.1f} images/s "
            f"({min(t_bare)/min(t_rel):.1%} of the bare encoder; median of the {rounds} rounds' ratios {median:.1%}); peak RSS {rss:.0f} MiB{gpu}")
