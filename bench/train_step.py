"""Benchmark of one training step: steps per second.

ResNet generator (32×32, conditional) + VGG19 (random weights; ImageNet weights cannot be had offline and
cost the same), batch 64, φ1 and φ2, labelled (10 classes; --unlabelled: an unconditional generator matched to
one embedding), on the CPU (or --device cuda). The last printed line holds the figure.

    python bench/train_step.py --threads 2
    python bench/train_step.py --threads 2 --unlabelled
    python bench/train_step.py [--steps 10] [--batch_size 64] [--device cpu]
    python bench/train_step.py --threads 2 --preset mnist --steps 30 [--nchw]    # the preset's encoder and generator, 28×28 grey

--preset NAME: the encoder dp_mepf_release builds for that preset (efficientnet_lite0 with its blocks and random Fourier
features for mnist), its generator and batch size, on random 28×28 grey images; --nchw keeps the encoder in the default
memory layout where it would otherwise run channels-last.
"""
import argparse, time
import torch
from dp_mepf.data import TensorImages
from dp_mepf.features import get_encoder
from dp_mepf.privacy import ReleasePlan
from dp_mepf.release import release
from dp_mepf.train import train, TrainConfig, generator_for

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--batch_size', type=int, default=64)
    ap.add_argument('--moments', type=int, default=2)
    ap.add_argument('--unlabelled', action='store_true', help='unlabelled release and unconditional generator')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--preset', default=None, help="a 28×28 grey preset's encoder, generator and batch size (e.g. mnist)")
    ap.add_argument('--nchw', action='store_true', help='the default memory layout for the encoder, not channels-last')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.preset:
        from dp_mepf.pipeline import ReleaseConfig, release_settings, settings_encoder
        from dp_mepf.train import preset
        p = preset(a.preset); rcfg = ReleaseConfig(data=p['data'], preset=a.preset)
        enc, shape, gen, a.batch_size = settings_encoder(release_settings(rcfg), rcfg, (1, 28, 28)), (1, 28, 28), p['generator'], p['train']['batch_size']
        name = f"{p['generator']} generator 28×28 + {enc.name} ({a.preset}{', NCHW' if a.nchw else ''})"
    else: enc, shape, gen, name = get_encoder('vgg19', weights=None), (3, 32, 32), 'resnet', 'ResNet generator 32×32 + VGG19'
    if a.nchw: enc.channels_last = False
    x = torch.randint(0, 256, (200, *shape), dtype=torch.uint8)
    data = TensorImages(x, torch.arange(200) % 10, [str(i) for i in range(10)], name='random')
    r = release(data, enc, 10., 1e-5, ReleasePlan(moments=a.moments, labelled=not a.unlabelled), progress=False, device=a.device)
    G = generator_for(r, gen)
    cfg = lambda n: TrainConfig(steps=n, batch_size=a.batch_size, moments=a.moments, device=a.device)
    train(r, enc, G, cfg(2), progress=False)                                   # warm-up
    sync = torch.cuda.synchronize if a.device.startswith('cuda') else (lambda: None)
    sync(); t = time.perf_counter()
    train(r, enc, G, cfg(a.steps), progress=False)
    sync(); dt = time.perf_counter() - t
    print(f"training step: {name} (D={r.dim:,}), batch {a.batch_size}, {a.moments} moments, {'unlabelled' if a.unlabelled else 'labelled'}, "
          f"{a.device}, {torch.get_num_threads()} threads, {a.steps} steps")
    print(f"{a.steps/dt:.3f} steps/s ({dt/a.steps:.2f} s/step)")

if __name__ == '__main__':
    main()
