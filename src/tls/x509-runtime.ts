/**
 * Loads `@peculiar/x509` ready to use with Node's WebCrypto.
 * `@peculiar/x509` resolves its algorithm providers through `tsyringe`, which needs the Reflect metadata API at import
 * time: `reflect-metadata` is imported first, and the library lazily, so no import order can break it.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let loading: Promise<typeof X509> | undefined;

/** Returns the `@peculiar/x509` module with Node's WebCrypto as its crypto provider. */
export function loadX509(): Promise<typeof X509> {
  loading ??= (async () => {
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return loading;
}
