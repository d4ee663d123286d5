import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DevSecrets {
  tokenEncryptionKey: string;
}

/**
 * Secrets for the embedded set-up, generated on first start and kept beside the embedded database
 * (in the git-ignored .data directory) so that stored user tokens still decrypt after a restart.
 */
export async function loadOrCreateDevSecrets(file: string): Promise<DevSecrets> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<DevSecrets>;
    if (typeof parsed.tokenEncryptionKey === 'string')
      return { tokenEncryptionKey: parsed.tokenEncryptionKey };
  } catch {
    // first start
  }
  const secrets: DevSecrets = { tokenEncryptionKey: randomBytes(32).toString('hex') };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
