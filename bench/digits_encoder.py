"""A public digit encoder: a small CNN trained on scikit-learn's bundled digits (1,797 8×8 images, not MNIST), for `levers.py`.

The paper matched MNIST's features in a network trained on SVHN digits. This trains the closest thing that is
available offline — a three-block CNN on scikit-learn's `load_digits`, upscaled to MNIST's 20×20 digit box in a
28×28 frame, with random affine and stroke-width augmentation — on inputs prepared exactly as `FeatureEncoder`
prepares them (grey to RGB, 32×32, ImageNet normalisation), and saves the whole network for `levers.py`:

    python bench/digits_encoder.py --out digits_cnn.pt
    python bench/levers.py --data mnist --eps 1 --encoder digits_cnn.pt --layers p1,p2,p3 --moments 2 --lr_schedule cosine \\
        --moving_avg_lr 3e-3 --steps 3000 --evals 1200 2000 3000 --threads 1

It never sees MNIST: the accuracy it prints on 400 held-out scikit-learn digits is its only check.
"""
import argparse, time
import torch, torch.nn as nn, torch.nn.functional as F

class DigitNet(nn.Module):
    "Three conv–ReLU–max-pool blocks (hooked as p1, p2, p3) and a linear classifier; inputs are resized to 32×32."
    def __init__(s, w=32):
        super().__init__()
        s.c1, s.c2, s.c3 = nn.Conv2d(3, w, 3, padding=1), nn.Conv2d(w, 2*w, 3, padding=1), nn.Conv2d(2*w, 4*w, 3, padding=1)
        s.p1, s.p2, s.p3 = nn.MaxPool2d(2), nn.MaxPool2d(2), nn.MaxPool2d(2)
        s.fc = nn.Linear(4*w*16, 10)
    def forward(s, x):
        if x.shape[-1] != 32: x = F.interpolate(x, size=(32, 32), mode='bilinear', align_corners=False)
        x = s.p1(F.relu(s.c1(x))); x = s.p2(F.relu(s.c2(x))); x = s.p3(F.relu(s.c3(x)))
        return s.fc(x.flatten(1))

def digits28():
    "scikit-learn's digits in [0, 1], upscaled to 20×20 and centred in 28×28 (MNIST's layout), with their labels."
    from sklearn.datasets import load_digits
    d = load_digits(); x = torch.tensor(d.images, dtype=torch.float32)[:, None]/16
    x = F.interpolate(x, size=(20, 20), mode='bilinear', align_corners=False).clamp(0, 1)
    return F.pad(x, (4, 4, 4, 4)), torch.tensor(d.target)

def prepare(x):
    "As `FeatureEncoder` prepares its input: grey to RGB, 32×32, ImageNet normalisation."
    from dp_mepf.features import IMAGENET_MEAN, IMAGENET_STD
    x = F.interpolate(x.expand(-1, 3, -1, -1), size=(32, 32), mode='bilinear', align_corners=False, antialias=True)
    return (x - torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))/torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)

def augment(x):
    "Random rotation (±17°), scale (±20 %), shear and shift, and thicker or thinner strokes."
    n = len(x); ang = (torch.rand(n) - .5)*0.6; sc = 1 + (torch.rand(n) - .5)*0.4; sh = (torch.rand(n) - .5)*0.4
    tx, ty = (torch.rand(n) - .5)*0.3, (torch.rand(n) - .5)*0.3
    th = torch.stack([torch.stack([sc*torch.cos(ang), -sc*torch.sin(ang) + sh, tx], 1), torch.stack([sc*torch.sin(ang), sc*torch.cos(ang), ty], 1)], 1)
    x = F.grid_sample(x, F.affine_grid(th, x.shape, align_corners=False), align_corners=False)
    k = torch.rand(n).view(-1, 1, 1, 1)
    return torch.where(k < .25, F.max_pool2d(x, 3, 1, 1), torch.where(k > .85, -F.max_pool2d(-x, 3, 1, 1), x))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='digits_cnn.pt')
    ap.add_argument('--epochs', type=int, default=40)
    a = ap.parse_args()
    from digits_encoder import DigitNet as Net       # saved under this module's name, so that levers.py (beside it) can load it
    torch.manual_seed(0); torch.set_num_threads(2)
    x, y = digits28(); perm = torch.randperm(len(x)); tr, va = perm[:1500], perm[1500:]
    net = Net(); opt = torch.optim.Adam(net.parameters(), 1e-3); t = time.time()
    for ep in range(a.epochs):
        net.train(); p = tr[torch.randperm(len(tr))]
        for i in range(0, len(p), 64):
            b = p[i:i + 64]; loss = F.cross_entropy(net(prepare(augment(x[b]))), y[b]); opt.zero_grad(); loss.backward(); opt.step()
    net.eval().requires_grad_(False)
    with torch.no_grad(): acc = (net(prepare(x[va])).argmax(1) == y[va]).float().mean().item()
    torch.save(net, a.out)
    print(f"held-out digits accuracy {100*acc:.1f} % after {a.epochs} epochs ({time.time() - t:.0f} s); saved {a.out} (layers p1,p2,p3)")

if __name__ == '__main__': main()
