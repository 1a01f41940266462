"""Slipway's model server for Python handlers: the convention of SageMaker's inference toolkit.

It imports the user's module (SAGEMAKER_PROGRAM, from the code folder), calls model_fn(model_dir)
once, then answers GET /ping and POST /invocations on SAGEMAKER_BIND_TO_PORT, running
input_fn -> predict_fn -> output_fn for each request. Missing handlers fall back to defaults
(JSON/CSV in, the model's predict, JSON out). Only the standard library is used here; the user's
module brings its own dependencies (scikit-learn, pandas, ...).
"""
import importlib.util
import io
import json
import os
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
code_dir = os.environ.get("SAGEMAKER_SUBMIT_DIRECTORY_LOCAL", os.path.join(model_dir, "code"))
program = os.environ.get("SAGEMAKER_PROGRAM", "inference.py")
port = int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080"))

sys.path.insert(0, code_dir)
spec = importlib.util.spec_from_file_location("user_module", os.path.join(code_dir, program))
user = importlib.util.module_from_spec(spec)
spec.loader.exec_module(user)


def default_input_fn(body, content_type):
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if content_type == "application/json":
        payload = json.loads(text)
        return payload.get("instances", payload) if isinstance(payload, dict) else payload
    if content_type == "text/csv":
        return [[float(v) for v in line.split(",")] for line in text.strip().splitlines()]
    raise ValueError(f"unsupported content type {content_type}")


def default_predict_fn(data, model):
    return model.predict(data)


def default_output_fn(prediction, accept):
    values = prediction.tolist() if hasattr(prediction, "tolist") else prediction
    return json.dumps({"predictions": values}), "application/json"


input_fn = getattr(user, "input_fn", default_input_fn)
predict_fn = getattr(user, "predict_fn", default_predict_fn)
output_fn = getattr(user, "output_fn", default_output_fn)
model = user.model_fn(model_dir)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/ping":
            self.send(200, "", "text/plain")
        else:
            self.send(404, json.dumps({"error": "not found"}), "application/json")

    def do_POST(self):
        if self.path != "/invocations":
            self.send(404, json.dumps({"error": "not found"}), "application/json")
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        content_type = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip()
        accept = (self.headers.get("Accept") or "application/json").split(";")[0].strip()
        if accept == "*/*":
            accept = "application/json"
        try:
            data = input_fn(body, content_type)
        except Exception as error:  # the client sent something the handler refuses: a 4xx
            self.send(400, json.dumps({"error": f"{type(error).__name__}: {error}"}), "application/json")
            return
        try:
            prediction = predict_fn(data, model)
        except client_errors as error:  # the model cannot read these rows: the client's mistake, a 4xx
            self.send(400, json.dumps({"error": f"{bad_row(data)}{type(error).__name__}: {error}"}), "application/json")
            return
        except Exception as error:
            traceback.print_exc()
            self.send(500, json.dumps({"error": f"{type(error).__name__}: {error}"}), "application/json")
            return
        try:
            result = output_fn(prediction, accept)
            body, returned_type = result if isinstance(result, tuple) else (result, accept)
            self.send(200, body, returned_type)
        except Exception as error:
            traceback.print_exc()
            self.send(500, json.dumps({"error": f"{type(error).__name__}: {error}"}), "application/json")


# Errors a model raises for data it cannot read (scikit-learn's check_array raises ValueError for a
# text where a number goes; a missing column is a KeyError): the request is wrong, not the server.
client_errors = (ValueError, TypeError, KeyError, IndexError)

MAX_ROWS_SEARCHED = 1000


def bad_row(data):
    """'row N: ' for the first row that fails on its own, so a client can find it; '' if none does."""
    rows = getattr(data, "iloc", data)
    try:
        count = min(len(data), MAX_ROWS_SEARCHED)
    except TypeError:
        return ""
    for index in range(count):
        try:
            predict_fn(rows[index : index + 1], model)
        except Exception:
            return f"row {index + 1}: "
    return ""


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print(f"slipway python model server listening on {port}", flush=True)
server.serve_forever()
