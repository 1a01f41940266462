/** An s3:// store without credentials fails with the settings to change, not only the AWS SDK's words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Artifacts } from '../../src/artifacts/artifacts.ts';

test('s3:// without credentials names the AWS variables and SLIPWAY_S3_ENDPOINT', async () => {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  // No instance metadata service here to wait for, and no profile files to find.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  const artifacts = new Artifacts({
    defaultUrl: 's3://slipway-no-credentials/models',
    s3Region: 'us-east-1',
  });
  try {
    await assert.rejects(artifacts.defaultStore.head('model.tar.gz'), (error: Error) => {
      assert.match(
        error.message,
        /artifact store s3:\/\/slipway-no-credentials\/models\/ failed: .*credentials/i,
      );
      assert.match(error.message, /Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*SLIPWAY_S3_ENDPOINT/);
      return true;
    });
  } finally {
    artifacts.close();
  }
});
