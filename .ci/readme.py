"""Render nbs/index.ipynb to README.md without Quarto (which cannot be installed offline).

`python .ci/readme.py` writes README.md; `python .ci/readme.py --check` fails if README.md is stale.
Markdown cells are copied; code cells without a `#| hide` directive are shown with their stored outputs.
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def _directives(src):
    return [l[3:].strip() for l in src.splitlines() if l.startswith('#|')]

def _code(src): return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()

def render(nb_path=root/'nbs'/'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = ['<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->']
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            # links between notebooks point into nbs/ from the repository root
            src = src.replace('```{mermaid}', '```mermaid')                      # Quarto's diagram block, as GitHub spells it
            parts.append(re.sub(r'\]\((\w[\w.-]*\.ipynb|images/[^)]+)\)', r'](nbs/\1)', src.strip())); continue
        if any(d.startswith('hide') for d in _directives(src)): continue
        parts.append(f"```python\n{_code(src)}\n```")
        for o in c.get('outputs', []):
            if o['output_type'] == 'stream': parts.append(f"```\n{''.join(o['text']).rstrip()}\n```")
            elif 'data' in o:
                d = o['data']
                if 'text/markdown' in d: parts.append(''.join(d['text/markdown']).strip())
                elif 'text/plain' in d: parts.append(f"```\n{''.join(d['text/plain']).rstrip()}\n```")
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = render(), root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            sys.exit("README.md is not what nbs/index.ipynb renders to: run `python .ci/readme.py` and commit it")
        print('README.md is up to date')
    else:
        readme.write_text(text, encoding='utf-8'); print('wrote README.md')
