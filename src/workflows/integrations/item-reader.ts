/**
 * A distributed Map's ItemReader over the artifact store: `{ Bucket, Key }` (Step Functions'
 * `arn:aws:states:::s3:getObject` form) names `s3://Bucket/Key`; Slipway also takes `{ Uri }`, any
 * URI the artifact store reads (file:// included). The text is parsed by the engine per ReaderConfig.
 */
import type { Artifacts } from '../../artifacts/artifacts.ts';
import type { ItemReaderRequest } from '../asl/index.ts';

export function artifactItemReader(artifacts: Artifacts) {
  return async (request: ItemReaderRequest): Promise<string> => {
    const p = (request.parameters ?? {}) as { Bucket?: unknown; Key?: unknown; Uri?: unknown };
    let uri: string;
    if (typeof p.Uri === 'string') uri = p.Uri;
    else if (typeof p.Bucket === 'string' && typeof p.Key === 'string') uri = `s3://${p.Bucket}/${p.Key}`;
    else throw new Error('ItemReader.Parameters: give Bucket and Key, or Uri');
    const { store, key } = artifacts.resolve(uri, 'ItemReader.Parameters');
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(key)) {
      if (request.signal.aborted) throw request.signal.reason;
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return Buffer.concat(chunks).toString('utf8');
  };
}
