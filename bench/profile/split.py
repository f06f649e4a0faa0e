#!/usr/bin/env python3
"""Splits async-profiler collapsed stacks (with thread frames) into the cost centres of
bench/README.md. Each sample goes to the first category that matches, walking from the leaf
frame towards the root; the thread's name decides first for GC, JIT and VM threads.
Usage: split.py FILE.collapsed [CPU_MS_PER_RUN]"""
import re, sys
from collections import Counter

THREADS = [
    ("GC", re.compile(r"GC Thread|G1 |VM Periodic|Parallel GC|ParGC|GC task")),
    ("JIT compiler", re.compile(r"C[12] CompilerThread|Compiler")),
    ("JVM (VM thread, other)", re.compile(r"VM Thread|Service Thread|Signal Dispatcher|Common-Cleaner")),
]
FRAMES = [  # leaf first: the first frame that matches names the sample
    ("SQLite", re.compile(r"org/sqlite|sqlite3|libsqlitejdbc")),
    ("logging", re.compile(r"ch/qos/logback|org/slf4j")),
    ("TLS", re.compile(r"sun/security/ssl|io/netty/handler/ssl|com/sun/crypto|sun/security/ec|sun/security/util|"
                       r"javax/crypto|javax/net/ssl|io/netty/internal/tcnative|SSL_|ssl_|EVP_|aes|gcm|AES|GCM|"
                       r"bssl|CRYPTO_|chacha|ecp_nistz|p256|sha256|boringssl|libnetty_tcnative")),
    ("protobuf", re.compile(r"com/google/protobuf|io/homefleet/proto/")),
    ("socket I/O (syscalls)", re.compile(r"sun/nio/ch/|io/netty/channel/nio/NioEventLoop\.select|epoll|"
                                       r"__x64_sys_(read|write|sendmsg|recvfrom|epoll|writev|readv)")),
    ("executor hand-offs (park/unpark, queues)", re.compile(
        r"java/util/concurrent/locks|LockSupport|Unsafe\.(park|unpark)|futex|ThreadPoolExecutor|"
        r"LinkedBlockingQueue|SerializingExecutor|SingleThreadEventExecutor\.(execute|wakeup)|"
        r"SerializeReentrantCallsDirectExecutor|__x64_sys_futex|try_to_wake_up|schedule")),
    ("HTTP/2 framing", re.compile(r"io/netty/handler/codec/http2|io/netty/handler/codec/")),
    ("gRPC call layer", re.compile(r"io/grpc/")),
    ("Netty (buffers, pipeline, event loop)", re.compile(r"io/netty/")),
    ("homefleet code", re.compile(r"io/homefleet/")),
    ("kernel (other)", re.compile(r"_\[k\]$")),
]

def classify(frames):
    thread = frames[0] if frames and frames[0].startswith("[") else ""
    for name, rx in THREADS:
        if thread and rx.search(thread):
            return name
    for f in reversed(frames):
        for name, rx in FRAMES:
            if rx.search(f):
                return name
    return "other (JDK, interpreter, unknown)"

def main():
    path = sys.argv[1]
    per_run = float(sys.argv[2]) if len(sys.argv) > 2 else None
    total = 0
    by = Counter()
    threads = Counter()
    with open(path) as fh:
        for line in fh:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            n = int(n)
            frames = stack.split(";")
            total += n
            by[classify(frames)] += n
            t = re.sub(r"tid=\d+|-\d+|#\d+|\d+", "N", frames[0]) if frames[0].startswith("[") else "?"
            threads[t] += n
    print(f"{path}: {total} samples")
    for name, n in by.most_common():
        extra = f"  ~{per_run * n / total:.0f} ms/fan-out" if per_run else ""
        print(f"  {100.0 * n / total:5.1f} %  {name}{extra}")
    print("  threads:")
    for name, n in threads.most_common(12):
        print(f"  {100.0 * n / total:5.1f} %  {name}")

main()
