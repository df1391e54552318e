"""What placing a signature in its areas costs, with the postcode directory
loaded: the worker's lookup of a batch's postcodes in one query (what every
signature pays), and the form's lookup of one postcode (only where the
scheme asks where signers live). Postcodes are drawn at random from the
whole directory, as a nationwide surge's would be.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/signme_bench_postcodes \\
        SIGNME_HOME=var/bench-postcodes .venv/bin/python bench/area_lookup.py

It uses the directory already loaded (bench/postcodes.py loads one), or loads
--rows synthetic rows first.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SIGNME_HOME", "var/bench-postcodes")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_700_000, help="if none is loaded yet")
    parser.add_argument("--batch", type=int, default=500, help="the worker's batch size")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--singles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.postcodes import write_file
    from signme.geography.directory import import_directory
    from signme.geography.lookup import areas_of, areas_of_many
    from signme.geography.models import Postcode

    call_command("migrate", interactive=False, verbosity=0)
    if not Postcode.objects.exists():
        path = Path(settings.SIGNME_HOME) / f"onspd-synthetic-{args.rows}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            write_file(path, args.rows)
        import_directory(path)
    total = Postcode.objects.count()
    postcodes = list(
        Postcode.objects.values_list("postcode", flat=True)[:: max(1, total // 400_000)]
    )
    rng = random.Random(args.seed)

    batches = []
    for _ in range(args.batches):
        batch = rng.sample(postcodes, args.batch)
        t = time.perf_counter()
        placed = areas_of_many(batch)
        batches.append(time.perf_counter() - t)
        assert len(placed) == args.batch and all(
            p["postcode_found"] != "unknown" for p in placed.values()
        )
    singles = []
    for postcode in rng.sample(postcodes, args.singles):
        t = time.perf_counter()
        areas_of(postcode)
        singles.append(time.perf_counter() - t)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    batch_ms = statistics.median(batches) * 1000
    print(
        f"{engine}, {total:,} postcodes: a batch of {args.batch} in one query, median "
        f"{batch_ms:.1f} ms over {args.batches} = {batch_ms / args.batch * 1000:.0f} µs a "
        f"signature; one postcode alone, median {statistics.median(singles) * 1000:.3f} ms "
        f"over {args.singles}"
    )


if __name__ == "__main__":
    main()
