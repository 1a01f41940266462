import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { InferenceMetrics } from '../../src/inference/variant-metrics.ts';

test('variant metrics: counters for describe, Prometheus histograms with cumulative buckets on scrape', async () => {
  const registry = new Registry();
  const metrics = new InferenceMetrics(registry);
  const blue = metrics.forVariant('ep', 'blue');
  blue.observe(200, 1.2, 0.1);
  blue.observe(400, 7, 0.2);
  blue.observe(503, 9000, 0.3);
  assert.deepEqual(blue.counters, {
    invocations: 3,
    invocation4xxErrors: 1,
    invocation5xxErrors: 1,
    modelLatencyMsTotal: 9008.2,
    overheadLatencyMsTotal: 0.6000000000000001,
  });
  assert.equal(metrics.forVariant('ep', 'blue').counters, blue.counters, 'one state per variant');
  const text = await registry.metrics();
  assert.match(text, /^slipway_endpoint_invocations_total\{endpoint="ep",variant="blue"\} 3$/m);
  assert.match(
    text,
    /^slipway_endpoint_invocation_errors_total\{endpoint="ep",variant="blue",class="5xx"\} 1$/m,
  );
  assert.match(
    text,
    /^slipway_endpoint_model_latency_seconds_bucket\{endpoint="ep",variant="blue",le="0.0025"\} 1$/m,
  );
  assert.match(
    text,
    /^slipway_endpoint_model_latency_seconds_bucket\{endpoint="ep",variant="blue",le="0.01"\} 2$/m,
  );
  assert.match(
    text,
    /^slipway_endpoint_model_latency_seconds_bucket\{endpoint="ep",variant="blue",le="5"\} 2$/m,
  );
  assert.match(
    text,
    /^slipway_endpoint_model_latency_seconds_bucket\{endpoint="ep",variant="blue",le="\+Inf"\} 3$/m,
  );
  assert.match(text, /^slipway_endpoint_model_latency_seconds_count\{endpoint="ep",variant="blue"\} 3$/m);
  assert.match(text, /^slipway_endpoint_model_latency_seconds_sum\{endpoint="ep",variant="blue"\} 9.0082$/m);
});
