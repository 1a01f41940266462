/** Helpers for hosting tests: invoking endpoints and waiting for their status. */
import type { SlipwayClient } from '../../src/sdk/client.ts';
import { waitFor } from './wait.ts';

export interface Invoked {
  status: number;
  variant: string | null;
  contentType: string | null;
  text: string;
}

export async function invoke(
  url: string,
  token: string,
  endpoint: string,
  body: string,
  options: { contentType?: string; accept?: string; variant?: string } = {},
): Promise<Invoked> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': options.contentType ?? 'text/csv',
    accept: options.accept ?? 'application/json',
  };
  if (options.variant) headers['x-amzn-sagemaker-target-variant'] = options.variant;
  const response = await fetch(`${url}/endpoints/${endpoint}/invocations`, { method: 'POST', headers, body });
  return {
    status: response.status,
    variant: response.headers.get('x-amzn-invoked-production-variant'),
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

export function waitForEndpoint(client: SlipwayClient, name: string, status = 'InService') {
  return waitFor(
    async () => {
      const endpoint = await client.get<Record<string, any>>(`/api/v1/endpoints/${name}`);
      if (endpoint.endpointStatus === 'Failed' && status !== 'Failed')
        throw new Error(`endpoint failed: ${endpoint.failureReason}`);
      return endpoint.endpointStatus === status ? endpoint : undefined;
    },
    { timeoutMs: 60_000, what: `endpoint ${name} ${status}` },
  );
}
