"""Writes the example's training data: `--hosts N` shards of headerless CSV rows (label first,
then 3 features), data/algo-<i>/part-<i>.csv, as ShardedByS3Key gives each host its own files."""
import argparse
import os
import random


def rows(seed, count):
    generator = random.Random(seed)
    lines = []
    for _ in range(count):
        features = [generator.randint(0, 20) / 4 for _ in range(3)]
        label = max(0.0, features[0] * 0.5 + features[1] - features[2] * 0.3 +
                    generator.randint(0, 4) / 2)
        lines.append(",".join("%g" % value for value in [label] + features))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2000, help="rows per host")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "data"))
    arguments = parser.parse_args()
    for index in range(arguments.hosts):
        folder = os.path.join(arguments.out, "algo-%d" % (index + 1))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "part-%d.csv" % index), "w") as f:
            f.write(rows(1000 + index, arguments.rows))


if __name__ == "__main__":
    main()
