/**
 * The one place that loads `@peculiar/x509`, the library we use to MAKE certificates (DESIGN §2:
 * node-forge cannot make EC certificates). Verification never goes through it: that is
 * `node:crypto` `X509Certificate` (OpenSSL), so a bug in the maker cannot hide itself in the checker.
 *
 * The library resolves its ASN.1 helpers through tsyringe, which needs the `reflect-metadata`
 * polyfill loaded first, and it signs through WebCrypto, which on Node must be set explicitly to
 * `node:crypto`'s implementation so every primitive stays in OpenSSL.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// The two-argument overload: its parameter type is `Crypto` whatever `lib` a workspace compiles with.
x509.cryptoProvider.set(
  x509.CryptoProvider.DEFAULT,
  webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1],
);

export { x509 };
