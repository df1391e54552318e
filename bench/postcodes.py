"""Loading the postcode directory at full size: write N synthetic rows in the
ONS Postcode Directory's own columns (made-up postcodes and GSS codes), then
time `import-postcodes` on them and report rows/s and peak memory.

    SIGNME_HOME=var/bench-postcodes .venv/bin/python bench/postcodes.py --rows 2700000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/signme_bench_postcodes \
        .venv/bin/python bench/postcodes.py --rows 2700000

Without DATABASE_URL it runs on SQLite under SIGNME_HOME (migrated first).
The file is written once to --file and reused when it already has N rows.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SIGNME_HOME", "var/bench-postcodes")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")

# The columns of the ONS Postcode Directory (ONSPD), in its order: parsing a
# row this wide is most of the cost, so the bench writes all of them.
HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,"
    "osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,"
    "statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,"
    "sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21"
)
UNIT = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code


def make_postcode(n: int) -> str:
    u2, n = n % 20, n // 20
    u1, n = n % 20, n // 20
    sector, n = n % 10, n // 10
    district, n = n % 99 + 1, n // 99
    area = "Z" + "ABCDEFGHKLMNOPQRSTUVWXY"[n]
    return f"{area}{district} {sector}{UNIT[u1]}{UNIT[u2]}"


def write_file(path: Path, count: int) -> None:
    with open(path, "w", newline="") as f:
        f.write(HEADER + "\n")
        for i in range(count):
            pcds = make_postcode(i)
            compact = pcds.replace(" ", "")
            doterm = "201912" if i % 10 == 0 else ""  # a tenth terminated, as in real editions
            ward = f"E05{900000 + i % 9000:06d}"
            district = f"E07{900000 + i % 300:06d}"
            county = f"E10{900000 + i % 30:06d}" if i % 3 else "E99999999"
            ced = f"E58{900000 + i % 1500:06d}" if i % 3 else "E99999999"
            pcon = f"E14{900000 + i % 650:06d}"
            f.write(
                f"{compact:<7},{pcds:<8},{pcds},198001,{doterm},{county},{ced},{district},"
                f"{ward},E04999999,0,600000,300000,1,E16999999,E40999999,E92999999,"
                f"E12999999,0,{pcon},E15999999,E30999999,E30999999,E17999999,E08999999,"
                f"99ZZ99,E00999999,99ZZ99,E65999999,E01999999,E02999999,1,1A1,E00999999,"
                f"E01999999,E02999999,E33999999,E38999999,E63999999,A1,1A1,52.9,1.0,"
                f"E37999999,,E23999999,10000,E56999999,E54999999,E00999999,E01999999,"
                f"E02999999\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from signme.geography.directory import import_directory

    path = args.file or Path(settings.SIGNME_HOME) / f"onspd-synthetic-{args.rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        t = time.perf_counter()
        write_file(path, args.rows)
        print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - t:.1f}s")  # fmt: skip
    call_command("migrate", interactive=False, verbosity=0)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    loaded = import_directory(path)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"{engine}: {loaded.postcodes:,} postcodes, {loaded.areas:,} areas in {seconds:.1f}s "
        f"= {loaded.postcodes / seconds:,.0f} rows/s; peak memory {peak:.0f} MB "
        f"(before the import {base:.0f} MB)"
    )


if __name__ == "__main__":
    main()
