"""The CPU and time of the look-ups' two statements through ``core.db.read``, in a loop over the tokens (issue 18).

    JIUDI_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/jiudi_vs_prof \
        python bench/verify_statements.py /tmp/vs/prof-tokens.txt
"""
import os
import sys
import time

sys.path.insert(0, os.getcwd())
from confirm.core.db import make_engine, read
from confirm.core.verify_codes import digest
from confirm.verification.service import _RULING_RECORD, _RULING_STATE

engine = make_engine(os.environ["JIUDI_DATABASE_URL"])
hashes = [digest(t.strip()) for t in open(sys.argv[1]) if t.strip()]
print(read(engine, _RULING_STATE, {"hashed": hashes[0]}))
print(read(engine, _RULING_RECORD, {"hashed": hashes[0]})[0])
for stmt in (_RULING_STATE, _RULING_RECORD):
    for h in hashes[:20]:
        read(engine, stmt, {"hashed": h})
    c = time.process_time()
    w = time.perf_counter()
    for _ in range(3):
        for h in hashes:
            read(engine, stmt, {"hashed": h})
    n = 3 * len(hashes)
    print(f"cpu {(time.process_time()-c)/n*1e6:6.0f} us  wall {(time.perf_counter()-w)/n*1e6:6.0f} us")
