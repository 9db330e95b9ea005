"""One lever at a time: downstream accuracy of the synthetic data against training steps, for one recipe.

The whole private pipeline — `release` of the 60,000 training images (labelled, δ = 1e-5), `train` from the release,
`sample` — then scikit-learn's default MLP trained on the synthetic images and tested on the real test set, at the
steps given by --evals (the generator is snapshot there; evaluation time is not counted as training time). One JSON
line per run is appended to --out, with the settings, the release time, D, and the curve (step, MLP %, training
seconds). Compare recipes that differ in one setting, measured back to back with nothing else running.

    python bench/levers.py --data mnist --eps 1 --blocks 8 --steps 1200 --evals 600 1200
    python bench/levers.py --data mnist --eps 1 --blocks 8 --moments 2 --moving_avg_lr 3e-3 --steps 1200 --evals 600 1200
    python bench/levers.py --data mnist --eps 1 --blocks 8 --moments 2 --moving_avg_lr 3e-3 --lr_schedule cosine --steps 3000 --grid bench/results/grid.png
    python bench/levers.py --data mnist --eps 1 --blocks 8 --moments 2 --moving_avg_lr 3e-3 --lr_schedule cosine --steps 4000 --evals 1000 2000 3000 4000 --ema 0.999
    python bench/levers.py --data mnist --encoder my_encoder.pt --layers 2,6,10 --steps 1200     # a saved public network
    python bench/levers.py --data mnist --eps 1 --blocks 8 --moments 2 --moving_avg_lr 3e-3 --lr_schedule cosine --steps 3000 --evals 1200 2000 3000 --rff 2000 --rff_bw 0.5
    python bench/levers.py --data mnist --eps 1 --blocks 8 --moments 2 --moving_avg_lr 3e-3 --lr_schedule cosine --steps 3000 --generators 3   # three generators, one release
    python bench/levers.py --data mnist --eps 1 --blocks 8 --moments 2 --moving_avg_lr 3e-3 --lr_schedule cosine --steps 3000 --mixture 2      # two, trained as one
    python bench/digits_encoder.py --out digits_cnn.pt && python bench/levers.py --data mnist --encoder digits_cnn.pt --layers p1,p2,p3 --moments 2 --lr_schedule cosine --moving_avg_lr 3e-3 --steps 3000
"""
import argparse, copy, json, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))    # networks saved by bench/digits_encoder.py load from here

def equal_layer_weights(enc, public):
    "Scale the encoder's layers (on this instance) so that each has the same mean squared norm on the public images."
    x = public.x.float()/255 if public.x.dtype == torch.uint8 else public.x
    with torch.no_grad(): sq = [f.square().sum(1).mean() for f in enc.layer_features(x[:500])]
    scales = [1/s.sqrt() for s in sq]
    print('layer shares of the squared norm before:', [round((s/sum(sq)).item(), 3) for s in sq], flush=True)
    base = enc.layer_features
    enc.layer_features = lambda x: [f*c for f, c in zip(base(x), scales)]
    return scales

def mixture(members):
    "One generator whose row i comes from member i mod k: trained as one, by one loss on the mixture's batch."
    from dp_mepf.generators import Generator
    class Mixture(Generator):
        def __init__(self):
            m = members[0]; super().__init__(m.z_dim, m.n_classes, m.out_shape); self.members = torch.nn.ModuleList(members)
        def forward(self, z):
            k, idx = len(self.members), torch.arange(len(z), device=z.device)
            parts = [m(z[j::k]) for j, m in enumerate(self.members)]
            return torch.cat(parts)[torch.argsort(torch.cat([idx[j::k] for j in range(k)]))]
    return Mixture()

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', choices=['mnist', 'fmnist'], default='mnist')
    ap.add_argument('--eps', type=float, default=1.)
    ap.add_argument('--encoder', default='efficientnet_lite0', help="efficientnet_lite0, or a saved public network (.pt) with --layers")
    ap.add_argument('--blocks', type=int, default=16, help='efficientnet_lite0: hook its first BLOCKS blocks (the rest is never run)')
    ap.add_argument('--layers', default=None, help='comma-separated layer names (a saved network)')
    ap.add_argument('--enc_size', type=int, default=32, help='encoder input size (efficientnet_lite0)')
    ap.add_argument('--pool', type=int, default=None)
    ap.add_argument('--moments', type=int, default=1)
    ap.add_argument('--steps', type=int, default=1200)
    ap.add_argument('--batch_size', type=int, default=100)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--lr_schedule', choices=['constant', 'cosine'], default='constant')
    ap.add_argument('--moving_avg_lr', type=float, default=1e-2)
    ap.add_argument('--beta1', type=float, default=0.5, help='Adam β1 of both optimisers (the generator and the moving average)')
    ap.add_argument('--evals', type=int, nargs='+', default=None, help='steps at which to measure (default: the last)')
    ap.add_argument('--n_syn', type=int, default=10_000, help='synthetic images the MLP trains on')
    ap.add_argument('--seed', type=int, default=0, help='noise, training and classifier seed')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--layer_weights', choices=['none', 'equal'], default='none',
                    help="equal: scale each hooked layer so that its mean squared norm on PUBLIC images (scikit-learn's digits) is the same for every layer")
    ap.add_argument('--rff', type=int, default=None, help="append this many random Fourier features of the normalised features as one more layer (dp_mepf.features.rff_for, set on public digits)")
    ap.add_argument('--rff_share', type=float, default=0.25, help="the share of the squared norm the random Fourier features carry on public digits")
    ap.add_argument('--rff_bw', type=float, default=1., help="the Gaussian kernel's width, in median distances between public digits")
    ap.add_argument('--ema', type=float, default=None, help='also score an exponential moving average of the generator weights with this decay (e.g. 0.999)')
    ap.add_argument('--generators', type=int, default=1, help='train this many generators from the one release (seeds SEED, SEED+100, ...) and also score the MLP on N_SYN images drawn equally from all of them')
    ap.add_argument('--mixture', type=int, default=1, help='one generator made of this many ConvCondGens, trained together (row i of a batch comes from member i mod MIXTURE)')
    ap.add_argument('--grid', default=None, help='save a sample grid (PNG) of the last generator here')
    ap.add_argument('--out', default='bench/results/levers.jsonl')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from sklearn.neural_network import MLPClassifier
    from dp_mepf.data import load_data
    from dp_mepf.features import get_encoder, rff_for
    from dp_mepf.pipeline import public_digits
    from dp_mepf.privacy import ReleasePlan
    from dp_mepf.release import release
    from dp_mepf.train import TrainConfig, train, save_grid, sample_all
    from dp_mepf.generators import get_generator
    data, test = load_data(a.data), load_data(a.data, split='test')
    xte, yte = (test.x.float()/255).flatten(1).numpy(), test.labels.numpy()
    if a.encoder == 'efficientnet_lite0':
        enc = get_encoder('efficientnet_lite0', size=a.enc_size, pool=a.pool, layers=[f'_blocks.{i}' for i in range(a.blocks)])
    else: enc = get_encoder(a.encoder, layers=a.layers.split(','), pool=a.pool)
    if a.layer_weights == 'equal': equal_layer_weights(enc, load_data('digits', size=data.x.shape[-1]))
    if a.rff and a.layer_weights != 'none': raise SystemExit('--rff and --layer_weights do not combine')
    if a.rff:                                   # σ and α set on 500 of scikit-learn's digits (public), W and b from seed 123
        kind = dict(encoder='efficientnet_lite0', size=a.enc_size, pool=a.pool, layers=enc.layers) if a.encoder == 'efficientnet_lite0' else dict(encoder=a.encoder, layers=enc.layers, pool=a.pool)
        r = rff_for(enc, public_digits(data.shape), a.rff, a.rff_share, a.rff_bw)
        enc = get_encoder(kind.pop('encoder'), **kind, rff=r)
    t = time.perf_counter()
    r = release(data, enc, a.eps, 1e-5, ReleasePlan(moments=a.moments, labelled=True), progress=False, seed=a.seed, allow_large_eps=a.eps > 50)
    t_release = time.perf_counter() - t
    torch.manual_seed(a.seed); G = get_generator('convcond', n_classes=10)
    if a.mixture > 1: G = mixture([G] + [get_generator('convcond', n_classes=10) for _ in range(a.mixture - 1)])
    others = []                                                   # more generators from the same release: post-processing, no privacy cost
    for i in range(1, a.generators):
        torch.manual_seed(a.seed + 100*i); others.append(get_generator('convcond', n_classes=10))
    evals, curve, spent = sorted(set(a.evals or [a.steps])), [], [0.]
    G_ema = copy.deepcopy(G) if a.ema else None
    def score(*gs):
        x, y = sample_all(list(gs), a.n_syn, 'balanced', seed=1000 + a.seed)
        return round(100*MLPClassifier(random_state=a.seed).fit(x.flatten(1).numpy(), y.numpy()).score(xte, yte), 2)
    t0 = time.perf_counter()
    def measure(step, losses):
        if G_ema is not None:
            with torch.no_grad():
                for pe, p in zip(G_ema.parameters(), G.parameters()): pe.lerp_(p, 1 - a.ema)
                for be, b in zip(G_ema.buffers(), G.buffers()): be.copy_(b)
        if step not in evals: return
        te = time.perf_counter()
        point = dict(step=step, mlp=score(G))
        if G_ema is not None: point['ema_mlp'] = score(G_ema)
        spent[0] += time.perf_counter() - te
        curve.append(dict(point, train_s=round(time.perf_counter() - t0 - spent[0], 1)))
        print(curve[-1], flush=True)
    cfg = TrainConfig(steps=a.steps, batch_size=a.batch_size, lr=a.lr, lr_schedule=a.lr_schedule, moving_avg_lr=a.moving_avg_lr, beta1=a.beta1, seed=a.seed, ckpt_every=a.steps, sample_every=a.steps)
    train(r, enc, G, cfg, progress=False, callback=measure)
    for i, g in enumerate(others, 1):
        train(r, enc, g, TrainConfig(**dict(vars(cfg), seed=a.seed + 100*i)), progress=False)
        curve[-1][f'mlp_{i + 1}'] = score(g)                   # each generator alone, and all of them together
        curve[-1][f'ens{i + 1}_mlp'] = score(G, *others[:i])
        print(curve[-1], flush=True)
    if a.grid: save_grid(G, Path(a.grid), title=f"{a.data}, ε = {a.eps:g}, step {a.steps}")
    row = dict(vars(a), release_s=round(t_release, 1), D=r.dim, torch=torch.__version__, curve=curve)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, 'a') as f: f.write(json.dumps(row) + '\n')
    print(json.dumps(row))

if __name__ == '__main__': main()
