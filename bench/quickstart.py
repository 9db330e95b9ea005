"""What the quickstart (`dp_mepf_run` with no arguments) gains from the 28×28 recipe's levers, measured as a user runs it.

Each run is the whole pipeline of `dp_mepf_run` — release of scikit-learn's digits (ε = 10), training, private checkpoint
selection, LogReg / MLP / CNN trained on 10,000 synthetic digits and tested on the 500 held-out real digits — through
`dp_mepf.pipeline.run`, with one of four recipes:

- `preset`: the quickstart preset as it is;
- `gen1`: one generator instead of the preset's (`--generators 1`);
- `rff0`: without the random Fourier features (`--rff 0`);
- `gen1_rff0`: neither (the quickstart before it took them).

Runs of the same seed share the release noise and the training seed (`noise_seed` and `seed`: a reproducible release is
attackable, which is fine for a benchmark and never a default), so recipes are compared on the same noise. One CSV row
per run, appended as it comes (`bench/results/quickstart_levers.csv`; `--resume` skips the runs already there), with the
accuracies, the chosen checkpoints and the seconds of each step; a markdown table of means beside it.

    python bench/quickstart.py --seeds 0 1 2 --threads 1
"""
import argparse, csv, platform, shutil, tempfile
from pathlib import Path
import numpy as np
import torch
from paper_small import cpu_name                                          # the same processor name as the other benches

RECIPES = {'preset': {}, 'gen1': dict(generators=1), 'rff0': dict(rff=0), 'gen1_rff0': dict(generators=1, rff=0)}
COLS = ['recipe', 'seed', 'logreg', 'mlp', 'cnn', 'checkpoints', 'release_s', 'train_s', 'eval_s', 'total_s']

def one_run(recipe:str, seed:int, keep:Path|None=None) -> dict:
    "One `dp_mepf_run` of the quickstart with `recipe`'s changes, release noise and training from `seed`: its CSV row."
    from dp_mepf.pipeline import RunConfig, run
    tmp = Path(tempfile.mkdtemp()); out = tmp/'quickstart'                  # the folder's name is the grid's title
    try:
        s = run(RunConfig(out=str(out), noise_seed=seed, seed=seed, **RECIPES[recipe]))
        if keep is not None: shutil.copy(out/'samples.png', keep)
    finally: shutil.rmtree(tmp, ignore_errors=True)
    d, t = s['metrics']['downstream'], s['times']
    return dict(recipe=recipe, seed=seed, **{m: round(100*d[m]['mean'], 2) for m in ('logreg', 'mlp', 'cnn')},
                checkpoints=' '.join(str(c['step']) for c in s['metrics']['checkpoints']), **{k: t[k] for k in COLS[6:]})

def table(rows:list, cmds:list) -> str:
    "Markdown: mean ± sd of each recipe's accuracies and seconds over its seeds, and the commands that made the rows."
    ms = lambda v: f'{np.mean(v):.1f} ± {np.std(v):.1f}' if len(v) > 1 else f'{v[0]:.1f}'
    lines = ['| recipe | LogReg | MLP | CNN | training s | whole run s | seeds |', '|---|---|---|---|---|---|---|']
    for rec in RECIPES:
        rs = [r for r in rows if r['recipe'] == rec]
        if rs: lines.append(f"| `{rec}` | " + ' | '.join(ms([float(r[m]) for r in rs]) for m in ('logreg', 'mlp', 'cnn', 'train_s', 'total_s')) + f" | {', '.join(str(r['seed']) for r in rs)} |")
    cpu = cpu_name()
    return ("**The quickstart's recipes** (scikit-learn's digits, ε = 10, δ = 1e-5; accuracy (%) on the 500 held-out real digits "
            "of classifiers trained on 10,000 synthetic digits; mean ± sd over seeds, each seed one release noise and training seed shared by all recipes).\n\n"
            + '\n'.join(lines) + '\n\n' + ''.join(f'`{c}`\n' for c in cmds) + f"\non {cpu} ({platform.machine()}), {torch.get_num_threads()} thread{'s' if torch.get_num_threads() > 1 else ''} per run, torch {torch.__version__}.\n")

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--recipes', nargs='+', default=list(RECIPES), choices=list(RECIPES))
    ap.add_argument('--out', default='bench/results')
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--resume', action='store_true', help='keep the runs already in the CSV')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    f = out/'quickstart_levers.csv'
    rows = list(csv.DictReader(f.open())) if a.resume and f.exists() else []
    with f.open('w', newline='') as fh:
        w = csv.DictWriter(fh, COLS); w.writeheader(); w.writerows(rows); fh.flush()
        for seed in a.seeds:
            for rec in a.recipes:
                if any((r['recipe'], int(r['seed'])) == (rec, seed) for r in rows): continue
                grid = out/'quickstart_grid_seed0.png' if (rec, seed) == ('preset', 0) else None
                row = one_run(rec, seed, grid)
                rows.append(row); w.writerow(row); fh.flush()
                print(', '.join(f'{k} {v}' for k, v in row.items()), flush=True)
    cmd = f"python bench/quickstart.py --seeds {' '.join(map(str, a.seeds))}" + (f" --recipes {' '.join(a.recipes)}" if a.recipes != list(RECIPES) else '') + (f' --threads {a.threads}' if a.threads else '')
    md = out/'quickstart_levers.md'
    before = [l.strip('`') for l in md.read_text(encoding='utf-8').splitlines() if l.startswith('`python bench/quickstart.py')] if a.resume and md.exists() else []
    cmds = before + [cmd + (' --resume' if a.resume else '')]
    md.write_text(table(rows, cmds), encoding='utf-8')
    print(table(rows, cmds))

if __name__ == '__main__': main()
