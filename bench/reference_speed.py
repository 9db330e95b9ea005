"""Benchmark of the paper's own code (ParkLabML/DP-MEPF, `code/`): release pass, bare encoder, training step.

It imports and calls the functions of a checkout of the paper's repository; nothing of theirs is copied here.
Get the checkout once (any commit; the figures in our docs come from 52e504d, the tip on 2023-12-27):

    git clone https://github.com/ParkLabML/DP-MEPF /tmp/DP-MEPF

then run, one process per setting (peak RSS is the whole process's):

    python bench/reference_speed.py --repo /tmp/DP-MEPF --threads 2 --part release --n 2000
    python bench/reference_speed.py --repo /tmp/DP-MEPF --threads 2 --part release --n 2000 --unlabelled
    python bench/reference_speed.py --repo /tmp/DP-MEPF --threads 2 --part train
    python bench/reference_speed.py --repo /tmp/DP-MEPF --threads 2 --part train --unlabelled

Settings: their VGG19 encoder (`--net_enc_type vgg19`: hooks on all 16 conv layers, pre-ReLU, flattened,
D = 303,104 at 32×32) with RANDOM weights (torchvision `vgg19(weights=None)`; ImageNet weights cannot be
downloaded here and cost the same; `--imagenet` lets their call download them), their ImageNet input
normalisation (`--extra_input_scaling imagenet_norm`), φ1 and φ2 (`--matched_moments m1_and_m2`, bound type
`norm`, bounds 1), labelled (10 classes, their per-class einsum sums) unless --unlabelled, random 32×32 RGB
images standing in for CIFAR-10.

What is timed (files under `code/` of their checkout):
- release pass: `feature_matching.compute_data_embedding` (→ `compute_labeled_data_embedding` or
  `compute_unlabeled_data_embedding`: `extract_and_bound_features`, `dp_functions.bound_sensitivity_per_sample`,
  `sum_feats_by_label`, `acc_batch_feats`) followed by `dp_functions.dp_dataset_feature_release` (the noise),
  i.e. the `ckpt is None` branch of `dp_mepf.get_real_data_embedding` without its validation embedding (which
  reloads the data set from disk and embeds it again with InceptionV3; not timed). Batch --batch_size (100)
  over --n images.
- bare encoder: `encoders_class.Encoders.load_features` (their VGG19's whole forward, hooks and the unused
  classifier head included, exactly what `extract_features_with_hooks` runs) on the same batches, alternating
  with the release pass, --rounds times (5); the best round of each counts, and the median of the rounds' own ratios is printed beside it.
- training step: the body of the training loop of `dp_mepf.main`: `dp_mepf.zero_grads`,
  `util.GeneratorNoiseMaker.generator_noise`, the generator `generators.ResnetG` (built by
  `model_builder.get_generator`, 32×32, tanh output), `dp_mepf.get_fake_data_embedding` (encoder, φ1/φ2,
  `sort_feats_by_label` when labelled) and `feature_matching.adam_moving_average_update` (the Adam moving
  average on `model_builder.ConstMat`, the loss, backward, the generator's Adam step); batch --train_batch (64),
  conditional generator when labelled. Evaluation, logging and checkpoint events of the loop are not timed.

Glue written here (replacing what cannot be called as it stands):
- data: `data_loading.load_dataset` reads CIFAR-10 from disk; an iterator of random (image, label) batches,
  made batch by batch from a seed (nothing of size n is held), is passed as their `dataloader` instead.
- arguments: `dp_mepf_args.get_args` parses the command line and calibrates σ with autodp; a `DPParams` tuple is
  built here with a fixed σ (--sigma; the noise scale does not change the cost). The input-scaling dict that
  `dp_mepf.get_enc_input_scalings` would return for `imagenet_norm` is written out here.
- weights: during the call to `model_builder.get_torchvision_encoders`, `torchvision.models.vgg19` is replaced by
  a wrapper that ignores `pretrained=True` (unless --imagenet).
- imports: their `util_logging` imports, at module level, evaluation and logging packages not needed by the timed
  code (colorlog, pandas, pytorch_fid, prdc, xgboost) and `dp_mepf.py` imports `torch.utils.tensorboard`; any of
  these that is not installed is replaced by an empty stand-in module (colorlog by the standard `logging`), whose
  attributes raise if called. Their `dp_mepf.py` is loaded under the name `dpmepf_ref_main` (our package is also
  called `dp_mepf`).
- the real embedding the training step matches is their release on 200 random images (not timed).
"""
import argparse, contextlib, importlib, importlib.machinery, importlib.util, logging, os, resource, subprocess, sys, types
from timing import random_batches, timer, bare_vs_release     # shared with bench/release.py: the same images and timing


def _stub_missing(names):
    "Put an empty stand-in module in sys.modules for each of `names` that cannot be imported."
    stubbed = []
    for name in names:
        try: importlib.import_module(name); continue
        except ImportError: pass
        m = types.ModuleType(name)
        m.__spec__ = importlib.machinery.ModuleSpec(name, None)
        if name == 'colorlog': m.__getattr__ = lambda attr: getattr(logging, attr)
        else:
            def missing(attr, name=name):
                if attr.startswith('__'): raise AttributeError(attr)
                def unavailable(*args, **kw): raise RuntimeError(f'{name}.{attr}: stand-in module (not installed), not needed for timing')
                return unavailable
            m.__getattr__ = missing
        sys.modules[name] = m
        stubbed.append(name)
    return stubbed


def load_reference(repo):
    "Import the paper's modules from `repo`/code; return them in a namespace (plus the list of stand-in modules)."
    code = os.path.join(os.path.abspath(repo), 'code')
    if not os.path.isfile(os.path.join(code, 'feature_matching.py')): sys.exit(f'no code/feature_matching.py under {repo}: pass a checkout of ParkLabML/DP-MEPF')
    import torch, torchvision, torch._dynamo                # fully imported before any stand-in exists
    stubbed = _stub_missing(['colorlog', 'pandas', 'pytorch_fid', 'pytorch_fid.fid_score', 'pytorch_fid.inception',
                             'prdc', 'prdc.prdc', 'xgboost', 'torch.utils.tensorboard'])
    sys.path.insert(0, code)
    ns = types.SimpleNamespace(stubbed=stubbed)
    for mod in ['feature_matching', 'dp_functions', 'model_builder', 'util', 'dp_mepf_args', 'util_logging']:
        setattr(ns, mod, importlib.import_module(mod))
    spec = importlib.util.spec_from_file_location('dpmepf_ref_main', os.path.join(code, 'dp_mepf.py'))
    ns.main = importlib.util.module_from_spec(spec); spec.loader.exec_module(ns.main)
    ns.util_logging.LOG.setLevel(logging.ERROR)          # their INFO/WARNING chatter (e.g. ResnetG's skip-conv note)
    try: ns.commit = subprocess.run(['git', '-C', repo, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip() or '?'
    except OSError: ns.commit = '?'
    return ns


@contextlib.contextmanager
def random_vgg19(enabled=True):
    "While active, torchvision.models.vgg19(pretrained=True) builds random weights instead of downloading."
    import torchvision.models as tvm
    orig = tvm.vgg19
    if enabled: tvm.vgg19 = lambda *args, pretrained=False, **kw: orig(weights=None)
    try: yield
    finally: tvm.vgg19 = orig


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repo', required=True, help='a checkout of github.com/ParkLabML/DP-MEPF')
    ap.add_argument('--part', choices=['release', 'train', 'all'], default='all')
    ap.add_argument('--n', type=int, default=2000, help='images in the release pass')
    ap.add_argument('--batch_size', type=int, default=100, help='release batch size')
    ap.add_argument('--rounds', type=int, default=5, help='alternating rounds of (bare encoder, release pass)')
    ap.add_argument('--steps', type=int, default=10, help='timed training steps (after 2 warm-up steps)')
    ap.add_argument('--train_batch', type=int, default=64, help='generator batch size of the training step')
    ap.add_argument('--unlabelled', action='store_true', help='one embedding (unconditional generator) instead of per-class')
    ap.add_argument('--sigma', type=float, default=1.0, help='noise multiplier of the release (does not change the cost)')
    ap.add_argument('--imagenet', action='store_true', help='let their code download the ImageNet weights (needs the internet)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: torch decides)')
    a = ap.parse_args()
    ref = load_reference(a.repo)
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    n_classes = None if a.unlabelled else 10
    moments, size = 'm1_and_m2', 32
    kind = 'unlabelled' if a.unlabelled else 'labelled'
    dp_params = ref.dp_mepf_args.DPParams(tgt_eps=None, tgt_delta=1e-6, noise=a.sigma, mean_bound=1.0, var_bound=1.0,
                                          bound_type='norm', scale_var_sigma=1.0)
    torch.manual_seed(0)
    with random_vgg19(not a.imagenet):
        encoders = ref.model_builder.get_torchvision_encoders(['vgg19'], size, dev, 'imagenet', 1000, None, n_classes,
                                                              {'vgg19': '0_1_to_IMGNet_Norm'}, 'cifar10')
    ref.feature_matching.get_number_of_matching_layers_pytorch(encoders, dev, list(random_batches(2, 2, size, seed=9, device=dev)))
    D = encoders.n_feats_total
    stub_note = f"; stand-ins for {', '.join(dict.fromkeys(m.split('.')[0] if m.startswith(('pytorch_fid', 'prdc')) else m for m in ref.stubbed))}" if ref.stubbed else ''

    def release(batches):
        "Their release: compute_data_embedding, then dp_dataset_feature_release. Returns the Embeddings."
        emb = ref.util.Embeddings()
        emb.real_means, emb.real_vars, n_samples, l2_norms = ref.feature_matching.compute_data_embedding(
            encoders, None, dev, batches, None, None, dp_params, False, moments, n_classes)
        emb.real_means, emb.real_vars = ref.dp_functions.dp_dataset_feature_release(emb, l2_norms, dp_params, moments, n_samples, None)
        return emb

    timed = timer(dev)

    if a.part in ('release', 'all'):
        def bare():
            for xb, _ in random_batches(a.n, a.batch_size, size, device=dev):
                encoders.load_features(encoders.rescale_batch_input(xb, 'vgg19'))
        def release_pass(): release(random_batches(a.n, a.batch_size, size, device=dev))
        release(random_batches(a.batch_size, a.batch_size, size, seed=1, device=dev))  # warm-up
        for xb, _ in random_batches(a.batch_size, a.batch_size, size, seed=1, device=dev): encoders.load_features(encoders.rescale_batch_input(xb, 'vgg19'))
        figures = bare_vs_release(bare, release_pass, a.n, a.rounds, dev)
        print(f"paper's code ({ref.commit}) release pass: VGG19 {size}×{size} (D={D:,}, {'ImageNet' if a.imagenet else 'random'} weights), "
              f"{a.n:,} images, batch {a.batch_size}, {moments}, {kind}, {a.device}, {torch.get_num_threads()} threads, best of {a.rounds}{stub_note}")
        print(figures)

    if a.part in ('train', 'all'):
        emb = release(random_batches(200, a.batch_size, size, seed=2, device=dev))       # the embedding to match (not timed)
        gen = ref.model_builder.get_generator(size, 100, 'tanh', dev, None)
        noise_maker = ref.util.GeneratorNoiseMaker(a.train_batch, 100, dev, n_classes, None)
        m_avg = ref.util.MovingAverages()
        m_avg.mean, m_avg.var = ref.model_builder.get_mean_and_var_nets(D, dev, None, n_classes)
        lr, m_avg_lr = (1e-3, 1e-3) if a.unlabelled else (1e-3, 1e-4)                 # their README's CIFAR-10 settings
        optimizers = ref.util.get_optimizers(gen, lr, m_avg, m_avg_lr, 0.5, None)
        acc_losses = ref.util.LossAccumulator()

        def steps(k):
            for step in range(k):
                gen.train()
                ref.main.zero_grads(gen, m_avg)
                gen_noise, gen_labels = noise_maker.generator_noise()
                fake_data = gen(gen_noise)
                fe = ref.main.get_fake_data_embedding(fake_data, encoders, emb, dp_params, gen_labels, n_classes,
                                                      None, False, None, True, False, step, None)
                ref.feature_matching.adam_moving_average_update(fe, acc_losses, m_avg, optimizers, moments)
        steps(2)                                                                          # warm-up
        dt = timed(lambda: steps(a.steps))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024
        print(f"paper's code ({ref.commit}) training step: ResnetG {size}×{size}{'' if a.unlabelled else ' (conditional)'} + VGG19 (D={D:,}), "
              f"batch {a.train_batch}, {moments}, {kind}, {a.device}, {torch.get_num_threads()} threads, {a.steps} steps{stub_note}")
        print(f"{a.steps/dt:.3f} steps/s ({dt/a.steps:.2f} s/step); peak RSS of the process {rss:.0f} MiB")


if __name__ == '__main__':
    main()
