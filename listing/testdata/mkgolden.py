#!/usr/bin/env python3
"""Record the golden Python listings in testdata/golden/.

Run from the listing directory:

    python3 testdata/mkgolden.py

It builds the tree described by testdata/tree.json in a temporary directory,
starts `python3 -m http.server --bind 127.0.0.1 0 --directory <tree>` (port 0:
the kernel picks a free port, which the server prints), fetches each request
of tree.json and writes the response body to testdata/golden/<golden>. The
Go tests compare listing.Python's output with these files and never need
Python.

CPython 3.12+ writes a page that differs from 3.11's (the interpreter on the
machine that recorded these files); the differences are patched in below,
each at the line that makes it, so the goldens are CPython 3.14's page:

 1. 3.12 drops the query and fragment from the title (3.11 shows
    "Directory listing for /sub/?sort=size&order=desc").
 2. 3.14 (gh-123430, dark mode) adds a <style> block setting
    `color-scheme: light dark` after the charset meta.

And two deliberate differences from every CPython version, also patched in:

 3. For a name that is not UTF-8, CPython quotes the surrogate that
    os.listdir decoded each bad byte to, with errors='surrogatepass', so byte
    0xFF becomes %ED%B3%BF. That link only works on CPython's own server (its
    translate_path undoes the same dance); on any other server, ours
    included, it names a different file. We link the raw byte, %FF.
 4. CPython writes such a name's bad bytes into the page as they are
    (surrogateescape), which makes the page invalid UTF-8 under its own
    charset=utf-8. We show each as U+FFFD, as browsers do.

The script refuses to run on anything but 3.11, where the patches are known
to be right; on 3.14+ patch 1 and 2 must simply be dropped.
"""

import html
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))

STYLE_314 = '<style type="text/css">\n:root {\ncolor-scheme: light dark;\n}\n</style>\n'


def build(root, outside, entries):
    for e in entries:
        name = bytes.fromhex(e["name"])
        path = os.path.join(os.fsencode(root), name)
        kind = e["kind"]
        if kind == "dir":
            os.makedirs(path, exist_ok=True)
        elif kind == "file":
            with open(path, "wb") as f:
                f.write(e["content"].encode())
        elif kind == "symlink":
            target = e["target"]
            if target.startswith("OUTSIDE/"):
                target = os.path.join(outside, target[len("OUTSIDE/"):])
            os.symlink(os.fsencode(target), path)
        else:
            sys.exit("unknown kind " + kind)


def fix_surrogate_links(body):
    """Patch 3: re-quote links of surrogate-escaped bytes as the raw bytes."""

    def raw(m):
        s = urllib.parse.unquote_to_bytes(m.group(0)).decode("utf-8", "surrogatepass")
        return urllib.parse.quote_from_bytes(s.encode("utf-8", "surrogateescape"))

    # U+DC80..U+DCFF encoded as UTF-8: ED B2 80 .. ED B3 BF.
    return re.sub(r"%ED%B[23]%[89AB][0-9A-F]", raw, body)


def main():
    if sys.version_info[:2] != (3, 11):
        sys.exit("mkgolden.py patches 3.11's page into 3.14's; run it with Python 3.11")
    with open(os.path.join(HERE, "tree.json")) as f:
        spec = json.load(f)
    tmp = tempfile.mkdtemp(prefix="listing-golden-")
    try:
        root = os.path.join(tmp, "root")
        outside = os.path.join(tmp, "outside")
        os.makedirs(root)
        os.makedirs(outside)
        with open(os.path.join(outside, "secret.txt"), "w") as f:
            f.write("secret\n")
        build(root, outside, spec["entries"])
        env = dict(os.environ, PYTHONUTF8="1", PYTHONUNBUFFERED="1")
        srv = subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        try:
            line = srv.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (...) ..."
            port = int(re.search(r" port (\d+) ", line).group(1))
            for req in spec["requests"]:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", req["path"])
                resp = conn.getresponse()
                body = resp.read()
                conn.close()
                if resp.status != 200 or resp.getheader("Content-type") != "text/html; charset=utf-8":
                    sys.exit(f"GET {req['path']}: {resp.status} {resp.getheader('Content-type')}")
                text = body.decode("utf-8", "surrogateescape")
                # Patch 1 (3.12): no query or fragment in the title.
                shown = urllib.parse.unquote(req["path"])
                bare = urllib.parse.unquote(req["path"].split("#", 1)[0].split("?", 1)[0])
                text = text.replace(f"Directory listing for {html.escape(shown, quote=False)}",
                                    f"Directory listing for {html.escape(bare, quote=False)}")
                # Patch 2 (3.14, gh-123430): the color-scheme style.
                text = text.replace('<meta charset="utf-8">\n', '<meta charset="utf-8">\n' + STYLE_314, 1)
                # Patch 3 (ours): links of non-UTF-8 names carry the raw bytes.
                text = fix_surrogate_links(text)
                # Patch 4 (ours): bad bytes in text show as U+FFFD.
                text = re.sub("[\udc80-\udcff]", "\ufffd", text)
                with open(os.path.join(HERE, "golden", req["golden"]), "wb") as f:
                    f.write(text.encode("utf-8", "surrogateescape"))
                print("wrote", req["golden"])
        finally:
            srv.terminate()
            srv.wait(timeout=10)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
