/** A real S3-protocol server (s3rver) on a random loopback port, with one bucket. */
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { tempFolder } from './temp.ts';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'slipway-test'): Promise<TestS3> {
  const folder = tempFolder('slipway-s3-');
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: folder.path,
    configureBuckets: [{ name: bucket }],
  });
  const address = (await server.run()) as AddressInfo;
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    async stop() {
      await server.close();
      folder.cleanup();
    },
  };
}
