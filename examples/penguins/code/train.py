"""Penguins: predict a penguin's sex from its measurements, species and island.

The classic SageMaker scikit-learn walkthrough's entry point, unchanged in style: script mode reads
its channels and hyperparameters from the SM_* variables and --name value arguments, trains
one-hot + standard scaling + LogisticRegression, saves model.joblib to SM_MODEL_DIR, and carries
the inference handlers (model_fn, input_fn, predict_fn, output_fn) for serving.
"""
import argparse
import io
import json
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

LABEL = "sex"
CATEGORICAL = ["species", "island"]
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
FEATURES = CATEGORICAL + NUMERIC


def read_channel(folder):
    files = sorted(f for f in os.listdir(folder) if f.endswith(".csv"))
    return pd.concat([pd.read_csv(os.path.join(folder, f)) for f in files])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=1000)
    parser.add_argument("--model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--test", type=str, default=os.environ.get("SM_CHANNEL_TEST"))
    args = parser.parse_args()

    train = read_channel(args.train)
    model = Pipeline(
        [
            (
                "features",
                ColumnTransformer(
                    [
                        ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
                        ("numeric", StandardScaler(), NUMERIC),
                    ]
                ),
            ),
            ("classifier", LogisticRegression(C=args.C, max_iter=args.max_iter)),
        ]
    )
    model.fit(train[FEATURES], train[LABEL])
    print(f"train:accuracy={model.score(train[FEATURES], train[LABEL]):.4f}")
    if args.test:
        test = read_channel(args.test)
        print(f"test:accuracy={model.score(test[FEATURES], test[LABEL]):.4f}")
    joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))


# Inference handlers, as SageMaker's scikit-learn serving container calls them.


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(request_body, content_type):
    if isinstance(request_body, bytes):
        request_body = request_body.decode("utf-8")
    if content_type == "text/csv":
        frame = pd.read_csv(io.StringIO(request_body), header=None)
        if frame.shape[1] != len(FEATURES):
            raise ValueError(f"each CSV row needs {len(FEATURES)} columns: {', '.join(FEATURES)}")
        frame.columns = FEATURES
        return frame
    if content_type == "application/json":
        payload = json.loads(request_body)
        rows = payload.get("instances", payload) if isinstance(payload, dict) else payload
        if rows and isinstance(rows[0], dict):
            return pd.DataFrame(rows)[FEATURES]
        return pd.DataFrame(rows, columns=FEATURES)
    raise ValueError(f"unsupported content type {content_type}")


def predict_fn(input_data, model):
    return model.predict(input_data)


def output_fn(prediction, accept):
    values = prediction.tolist() if isinstance(prediction, np.ndarray) else list(prediction)
    if accept == "text/csv":
        return "\n".join(str(v) for v in values) + "\n", accept
    return json.dumps({"predictions": values}), "application/json"
