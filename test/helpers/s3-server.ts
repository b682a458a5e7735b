import S3rver from 's3rver';
import { tempDir } from './temp-dir.js';

/** s3rver's fixed test credentials: LanceDB reads them from the environment, as it would real ones. */
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/**
 * A real S3-compatible server (s3rver, from npm) on 127.0.0.1 with one bucket, its objects in a
 * temp dir, and the LanceDB storageOptions a store's ct.yml gives to reach it.
 */
export async function startS3Server(bucket = 'ct'): Promise<{
  endpoint: string;
  storageOptions: Record<string, string>;
  close: () => Promise<void>;
}> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: tempDir('ct-s3-'),
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    storageOptions: { endpoint, region: 'us-east-1', allowHttp: 'true', awsVirtualHostedStyleRequest: 'false' },
    close: () => server.close(),
  };
}
