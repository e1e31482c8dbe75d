/**
 * The one place the companion loads `@peculiar/x509`, the library that MAKES the gateway's and the
 * interfaces' self-signed TLS certificates (DESIGN §2: node-forge cannot make EC certificates).
 * Checking never goes through it: TLS (OpenSSL) and `node:crypto` `X509Certificate` do that.
 * It resolves its ASN.1 helpers through tsyringe, which needs `reflect-metadata` first, and signs
 * through WebCrypto, set here to `node:crypto`'s so every primitive stays in OpenSSL.
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
