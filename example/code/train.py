"""A tiny SageMaker-style training script: fits y = a*x + b by gradient descent.

Standard library only. It reads its settings the way SageMaker scripts do: hyperparameters
as command-line arguments, paths from SM_* environment variables.
"""
import argparse
import csv
import json
import os


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--train", default=os.environ["SM_CHANNEL_TRAIN"])
    parser.add_argument("--model-dir", default=os.environ["SM_MODEL_DIR"])
    return parser.parse_args()


def load_points(folder):
    points = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), newline="") as f:
            for row in csv.DictReader(f):
                points.append((float(row["x"]), float(row["y"])))
    return points


def fit(points, epochs, learning_rate):
    a, b = 0.0, 0.0
    n = len(points)
    for epoch in range(epochs):
        grad_a = sum(2 * (a * x + b - y) * x for x, y in points) / n
        grad_b = sum(2 * (a * x + b - y) for x, y in points) / n
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        if epoch % 50 == 0:
            loss = sum((a * x + b - y) ** 2 for x, y in points) / n
            print(f"epoch {epoch}: loss={loss:.4f}", flush=True)
    return a, b


def main():
    args = parse_args()
    points = load_points(args.train)
    a, b = fit(points, args.epochs, args.learning_rate)
    hosts = json.loads(os.environ["SM_HOSTS"])
    model = {"a": round(a, 4), "b": round(b, 4), "trained_on": os.environ["SM_CURRENT_HOST"],
             "hosts": hosts}
    with open(os.path.join(args.model_dir, "model.json"), "w") as f:
        json.dump(model, f)
    print(f"model: y = {a:.3f} * x + {b:.3f}")


if __name__ == "__main__":
    main()
