"""Offline check of the documentation site, as far as it can go without Quarto.

1. nbdev's notebook processing (`proc_nbs`) runs every docs cell (show_doc and friends) into `_proc/`.
2. Every processed notebook is rendered to HTML with nbconvert into `_docs_check/`, with links to notebooks
   rewritten to .html as Quarto does.
3. Headless Chromium opens the home page and every page (`--dump-dom`), and the check fails on a page that is
   missing (sidebar entry or internal link without a page), a Python traceback or error output in a page, or an
   exported function or class without its `show_doc` entry (constants are documented in prose).

    python .ci/docs_check.py [--chromium /usr/bin/chromium]
"""
import argparse, json, re, shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def render(proc: Path, out: Path) -> list:
    "HTML for every processed notebook; returns the pages (relative paths)."
    from nbconvert import HTMLExporter
    import nbformat
    ex = HTMLExporter(template_name='classic')
    pages = []
    for nb_path in sorted(proc.rglob('*.ipynb')):
        rel = nb_path.relative_to(proc)
        if any(p.startswith(('_', '.')) for p in rel.parts): continue
        nb = nbformat.read(nb_path, as_version=4)
        html, _ = ex.from_notebook_node(nb)
        html = re.sub(r'href="(?!https?:|#|mailto:)([^"#]+)\.ipynb(#[^"]*)?"', r'href="\1.html\2"', html)
        dest = (out/rel).with_suffix('.html'); dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(html, encoding='utf-8'); pages.append(rel.with_suffix('.html'))
    return pages

def sidebar_pages() -> list:
    "Pages the sidebar names (nbs/sidebar.yml)."
    return [Path(m).with_suffix('.html') for m in re.findall(r'^\s*-\s+([\w./-]+\.ipynb)\s*$', (ROOT/'nbs'/'sidebar.yml').read_text(), re.M)]

def dom(chromium: str, page: Path) -> str:
    r = subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                        '--virtual-time-budget=2000', '--dump-dom', page.as_uri()], capture_output=True, text=True, timeout=120)
    if r.returncode != 0: raise RuntimeError(f"chromium failed on {page}: {r.stderr.strip()[-300:]}")
    return r.stdout

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--chromium', default=shutil.which('chromium') or shutil.which('chromium-browser') or '/usr/bin/chromium')
    a = ap.parse_args()
    t0, problems, n_links = time.time(), [], 0
    from nbdev.serve import proc_nbs
    import nbformat
    shutil.rmtree(ROOT/'_proc', ignore_errors=True)              # no pages left over from deleted notebooks
    proc = Path(proc_nbs())
    # exported names without a show_doc entry: nbdev adds one per exported function/class; check they are there
    proc_text = {p: p.read_text(encoding='utf-8') for p in proc.rglob('*.ipynb')}
    for mod in sorted((ROOT/'dp_mepf').glob('*.py')):
        m = re.search(r'__all__ = \[(.*?)\]', mod.read_text(), re.S)
        if not m: continue
        names = re.findall(r"'([^']+)'", m.group(1))
        nb = re.search(r'File to edit: \.\./nbs/(.+?\.ipynb)', mod.read_text())
        if not nb: continue
        text = proc_text.get(proc/nb.group(1), '')
        import importlib, inspect
        modobj = importlib.import_module(f'dp_mepf.{mod.stem}')
        for n in names:
            obj = getattr(modobj, n, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)): continue     # constants have no show_doc
            if f'show_doc({n})' not in text and f'show_doc({n},' not in text and f'show_doc({n} ' not in text:
                problems.append(f"{mod.name}: {n} has no show_doc entry in {nb.group(1)}")
    # error outputs in the processed notebooks
    for p in sorted(proc.rglob('*.ipynb')):
        nb = nbformat.read(p, as_version=4)
        for c in nb.cells:
            for o in c.get('outputs', []):
                txt = ''.join(o.get('text', '')) + ''.join(o.get('traceback', []))
                if o.get('output_type') == 'error' or 'Traceback (most recent call last)' in txt:
                    problems.append(f"{p.relative_to(proc)}: a cell's output holds an error: {txt.strip()[:120]!r}")
    out = ROOT/'_docs_check'
    shutil.rmtree(out, ignore_errors=True)
    pages = render(proc, out)
    for s in sidebar_pages():
        if s not in pages: problems.append(f"sidebar names {s} but no such page was rendered")
    if Path('index.html') not in pages: problems.append("no home page (index)")
    if not Path(a.chromium).exists(): problems.append(f"chromium not found at {a.chromium}: install Debian's chromium (apt-get install chromium) or pass --chromium PATH")
    else:
        for page in [Path('index.html')] + [p for p in pages if p != Path('index.html')]:
            try: html = dom(a.chromium, out/page)
            except (RuntimeError, subprocess.TimeoutExpired) as ex: problems.append(f"{page}: {ex}"); continue
            if len(html) < 500: problems.append(f"{page}: the browser shows an (almost) empty page")
            if 'Traceback (most recent call last)' in html: problems.append(f"{page}: shows a Python traceback")
            for href in set(re.findall(r'href="([^"#?]+\.html)(?:#[^"]*)?"', html)):
                if href.startswith(('http:', 'https:', 'file:', '/')): continue     # external, or site-absolute (Quarto's)
                n_links += 1
                if not (out/page).parent.joinpath(href).resolve().is_file():
                    problems.append(f"{page}: broken internal link to {href}")
    for p in problems: print('docs:', p)
    print(f"docs check: {len(pages)} pages, {n_links} internal links, {len(problems)} problem(s), {time.time() - t0:.0f} s")
    sys.exit(1 if problems else 0)

if __name__ == '__main__': main()
