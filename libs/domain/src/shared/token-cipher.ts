import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Xaman user_tokens at rest: AES-256-GCM with a random 96-bit nonce; stored as
 * `v1.<nonce>.<ciphertext>.<tag>` (base64url). Never logged, never returned by the API.
 */
export class TokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('TokenCipher needs a 32-byte key');
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', nonce, ciphertext, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string): string {
    const [version, nonce, ciphertext, tag] = stored.split('.');
    if (version !== 'v1' || !nonce || !ciphertext || !tag) throw new Error('Unknown token ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
