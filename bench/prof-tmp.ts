import autocannon from 'autocannon';

const url = process.argv[2]!;
const token = 'slw_bench-token-0123456789abcdef';
for (const [label, path, method, body] of [
  ['healthz', '/healthz', 'GET', undefined],
  ['status (auth)', '/api/v1/status', 'GET', undefined],
  ['invoke', '/endpoints/penguins/invocations', 'POST', 'Adelie,Torgersen,39.1,18.7,181,3750\n'],
] as const) {
  const r = await autocannon({
    url: url + path,
    method,
    body,
    connections: 32,
    duration: 5,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
  });
  console.log(label, Math.round(r.requests.average), 'p99', r.latency.p99, 'errors', r.errors + r.non2xx);
}
