"""Render docs/_generate/<page>.md into docs/guide/<page>.md: run each %%run block and paste its
output, so the guide pages show what the code prints today.

    .venv/bin/python docs/_generate/render.py blocking model explanations choosing-threshold
"""

import contextlib
import io
import re
import sys
import time
import warnings
from pathlib import Path


def render(name: str) -> None:
    tpl = (Path(__file__).parent / f"{name}.md").read_text()
    ns: dict = {"__name__": "__main__"}
    out_parts = []
    pos = 0
    pat = re.compile(r"^%%run(?P<opts>[^\n]*)\n(?P<code>.*?)^%%end\n", re.S | re.M)
    for m in pat.finditer(tpl):
        out_parts.append(tpl[pos : m.start()])
        code = m.group("code")
        opts = m.group("opts").split()
        buf = io.StringIO()

        def show(message, category, filename, lineno, file=None, line=None, buf=buf):
            print(f"{category.__name__}: {message}", file=buf)

        t = time.perf_counter()
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            exec(compile(code, f"<{name}>", "exec"), ns)  # noqa: S102 - our own doc examples
        dt = time.perf_counter() - t
        print(f"  {name}: block at {m.start()} ran {dt:.1f}s", file=sys.stderr)
        if "hidden" not in opts:
            out_parts.append("```{code-block} python\n" + code + "```\n")
        output = buf.getvalue().rstrip()
        if output and "nooutput" not in opts:
            if "hidden" not in opts:
                out_parts.append("\n")
            out_parts.append("```{code-block} text\n" + output + "\n```\n")
        pos = m.end()
    out_parts.append(tpl[pos:])
    (Path(__file__).parent.parent / "guide" / f"{name}.md").write_text("".join(out_parts))


for page in sys.argv[1:]:
    t = time.perf_counter()
    render(page)
    print(f"{page}: {time.perf_counter() - t:.1f}s", file=sys.stderr)
