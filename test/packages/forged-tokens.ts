/** Tokens a client could forge from a real Strongroom access token. */
import { Buffer } from 'node:buffer';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';

/** The same claims, signed by a key Strongroom never published, for another issuer. */
export async function foreignToken(real: string): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA');
  return new SignJWT({ ...decodeJwt(real), iss: 'https://evil.example' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'evil-key' })
    .sign(privateKey);
}

/** The same header (kid included) and claims with `alg: none` and no signature. */
export function unsignedCopy(real: string): string {
  const [header = '', payload = ''] = real.split('.');
  const decoded = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
  return `${Buffer.from(JSON.stringify({ ...decoded, alg: 'none' })).toString('base64url')}.${payload}.`;
}
