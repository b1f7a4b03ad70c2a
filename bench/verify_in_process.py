"""A verification look-up's CPU in one process, through the whole ASGI app, without the network (issue 18).

Builds the app from the environment (as ``jiudi serve`` does, heap frozen), turns the per-address limit off, and
calls it for every token of the file — the JSON, then the page — in a loop: once to read the records, once held
(``hit``), once after emptying the cache (``miss``: each token's JSON read, its page then held). ``prof`` prints
a cProfile (CPU clock) of five held passes, sorted by the third argument (``cumulative``, ``tottime``).

    JIUDI_DATA_DIR=/tmp/vs/prof JIUDI_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/jiudi_vs_prof \
        python bench/verify_in_process.py /tmp/vs/prof-tokens.txt [prof [tottime]]
"""
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.getcwd())  # the code of the directory it is run from
import uvloop

from confirm.app import create_app, freeze_heap
from confirm.core.config import Settings

tokens = [t.strip() for t in open(sys.argv[1]) if t.strip()]
mode = sys.argv[2] if len(sys.argv) > 2 else "time"
app = create_app(Settings.from_env())
freeze_heap()
app.state.limits.hit_address = lambda address: None  # no limit in the profile

def scope(path, n):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip")], "client": ("127.0.0.%d" % (n % 250 + 1), 1234),
            "server": ("127.0.0.1", 8000), "app": None, "state": {}}

async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}

async def one(path, n):
    out = []
    async def send(m):
        out.append(m)
    s = scope(path, n)
    await app(s, receive, send)
    assert out[0]["status"] == 200, out[0]

async def run(paths):
    for i, p in enumerate(paths):
        await one(p, i)

paths = [f"/api/v1/verify/{t}" for t in tokens] + [f"/v/{t}" for t in tokens]
async def main():
    await run(paths)  # warm: first pass misses
    t = time.perf_counter()
    c = time.process_time()
    await run(paths)
    n = len(paths)
    print(f"hit:  wall {(time.perf_counter()-t)/n*1e6:.0f} us  cpu {(time.process_time()-c)/n*1e6:.0f} us / look-up")
    app.state.public_records._entries.clear()
    t = time.perf_counter()
    c = time.process_time()
    await run(paths)
    print(f"miss: wall {(time.perf_counter()-t)/n*1e6:.0f} us  cpu {(time.process_time()-c)/n*1e6:.0f} us / look-up (each JSON reads its record, each page is rendered from it)")
    if mode == "prof":
        pr = cProfile.Profile(time.process_time)
        pr.enable()
        for _ in range(5):
            await run(paths)
        pr.disable()
        pstats.Stats(pr).sort_stats(sys.argv[3] if len(sys.argv) > 3 else "cumulative").print_stats(60)
uvloop.run(main())
