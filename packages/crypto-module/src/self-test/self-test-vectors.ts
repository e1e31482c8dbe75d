/**
 * Known-answer vectors for the power-on self-tests (DESIGN §3.1). Data, not code: published vectors
 * where the algorithm is deterministic; for ECDSA and RSA-OAEP (randomised) a fixed key with a
 * fixed known-good signature / ciphertext made once with node:crypto and committed here.
 */
export interface SelfTestVectors {
  /** The GCM specification (McGrew & Viega), test case 14: 256-bit zero key, zero IV, one zero block. */
  readonly aes256Gcm: {
    readonly key: string;
    readonly iv: string;
    readonly plaintext: string;
    readonly ciphertext: string;
    readonly tag: string;
  };
  /** RFC 4231 test case 2. */
  readonly hmacSha256: { readonly key: string; readonly data: string; readonly mac: string };
  /** FIPS 180-4 example "abc". */
  readonly sha256: { readonly message: string; readonly digest: string };
  /** RFC 7748 §6.1. */
  readonly x25519: {
    readonly alicePrivate: string;
    readonly alicePublic: string;
    readonly bobPrivate: string;
    readonly bobPublic: string;
    readonly shared: string;
  };
  /** RFC 5869 test case 1. */
  readonly hkdfSha256: {
    readonly ikm: string;
    readonly salt: string;
    readonly info: string;
    readonly okm: string;
  };
  /** Fixed P-256 key (base64 DER) and a known-good raw r‖s signature of `message`. */
  readonly ecdsaP256: {
    readonly privateKeyPkcs8: string;
    readonly publicKeySpki: string;
    readonly message: string;
    readonly signature: string;
  };
  /** Fixed RSA-3072 key (base64 DER) and a known OAEP-SHA-256 ciphertext of `plaintext`. */
  readonly rsaOaepSha256: {
    readonly privateKeyPkcs8: string;
    readonly publicKeySpki: string;
    readonly plaintext: string;
    readonly ciphertext: string;
  };
}

/** Hex unless the field says base64. */
export const SELF_TEST_VECTORS: SelfTestVectors = Object.freeze({
  aes256Gcm: {
    key: '0000000000000000000000000000000000000000000000000000000000000000',
    iv: '000000000000000000000000',
    plaintext: '00000000000000000000000000000000',
    ciphertext: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  hmacSha256: {
    key: '4a656665',
    data: '7768617420646f2079612077616e7420666f72206e6f7468696e673f',
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  sha256: {
    message: '616263',
    digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  x25519: {
    alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
    bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
  },
  hkdfSha256: {
    ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
    salt: '000102030405060708090a0b0c',
    info: 'f0f1f2f3f4f5f6f7f8f9',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  ecdsaP256: {
    privateKeyPkcs8:
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnbPF495HCLdA6nvwhBLugQMXSsGij/NDkw1VjZ2FFYihRANCAASv1rqMZP3Hzbfgwec+oCYuLWERGM0SdEeu0ZnmDxHFtV/3V1sGFpO70EpOtRkAVnCfyAiwO43EV9NKXwzS42aO',
    publicKeySpki:
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEr9a6jGT9x8234MHnPqAmLi1hERjNEnRHrtGZ5g8RxbVf91dbBhaTu9BKTrUZAFZwn8gIsDuNxFfTSl8M0uNmjg==',
    message: '696e64696369756d2073656c662d7465737420656364736120702d323536207631',
    signature:
      '54fdf2e44585142fcbb29fc3021a18e3af6d189505ee605a2cd7a71a44b773cbfa65c6b631a876f4c389a20ee50de1412863f220b29ad0f67848562d43b0a421',
  },
  rsaOaepSha256: {
    privateKeyPkcs8:
      'MIIG/AIBADANBgkqhkiG9w0BAQEFAASCBuYwggbiAgEAAoIBgQCoT7d562/XiKgVGeMNe9Kt9lBPtPCfMlo+Y65DUKmUOKJFcOlCe6TiLCcLlNvlUQzLKKYY8ShaMDSj79ZW5XNmq8jpb7BFNJqbD3Bmug1nA0pPuyjkWIR5/lv6LAeYj1QhR6LwXT+FP3fQjeYD69L4ELzxKdwOyLvPrw1fFmlWomq5rz267RV6RNmz0+BJ2vLe9mNk0I9kpHC6Xoc1/4kYnvEeVD/f5Mct6jxyEyKABOJL0MuYw9gSDey/RAe4BZhpDZogTiQlJGe7DKx8DsJptN/JC19iBv4jCQyg9bL9Pwew/wizdC8T2IYZMVhB3TOMb/KoCch7XAewu/5uAmslugfMYryWzjjnkthdf2FUyUdKv4Gda+jUGmSFg6YhRJ51yfCpRoD0EHL5Q06pHVLaZkxc9U47Pm25Qsci9vCj/SES/zay7xDLogS5m+lTw2JSsrx7+PPJM8ViVFFT2MSfIIXzV+AhvoYC9IFFVcmE2hnhb2f6qDrW/xmmmXU7s4sCAwEAAQKCAYBNJaj0RdHQac+dSG3V1t1FJsM+HbIzTjmmIjuUmEr6aREcIjqQ4iq8Dr/g45z9We6yylGD2joESNdAE2VcFDUWqQPg1/RkbE23aFa9h2cwQgZUUHXYYKhsYIYZQAhFSeEmlfbeFOfSNDq/ieMWBgh/8vAf3G+FCUZo1hSbcqLa9nxT2zrAzP4MurVM43+JasXrI+WAJsarO2J+UmjIe/YDporfu39BqVQQvC5znUixhEuTs8M2pQILmH1dWBnvpAQtta6+Ek/G7otVt4ywVccn5C5IXhSVqA2oEGa/316cD3vo7xGIw1srhwDStrOiy2I7pWD3VRSX8JkITEBcwnPzB05Igzdk1wGX5GO6blxsBefcMryJ1iT3YGdTtA9wjc5jkwvGLQQXzcGOtfsGhMLXFYNxSw+gvIQLyHS3TTXEHiPTnnjjawhv6WRG9SoJWCCPjRKerhJFS+eGFNGhZaW7oLpZs3zlxl+AU2k0jjW8MDeeJvZ5WnRVbsEXUU7sPCkCgcEA7C80uCM9JiUqFDGVRO+Th8qgemjvps1MuLX05/E73k9AtSaM9hgPxZndsyxHRfju0Y8jGlGIctMpYUPV5YZsbsl7+rfgiSGO8LcuSjZGvf9nzcdJY8SGdvTdy6BiyWF+pClxIuo2LelU3stitKRjmbUwG/rWXL4Lo/QYyRmpOKMd0Cj2/MbomMEAnRFWbpHqv02DfKvwpYbkLwMNNpFfoIiFZS5MC/1Yp95V7R2J2vKdOR1WuBSY/c18uidP+RiDAoHBALZuuh5pmc4St0F+q08vLMnyrsWPz9DvLEpYSMLJestikgUAuZyVsalAPFT/JQ7NVLrhqGJYlfYtJ1ZZOu/Bw4QSvzwF/MGs1KcEz/Y//Z+TipB+MZlA2zuYnIVAeyDKJpYgSMS0sI4fButVEqDZ2n+YRKeQM9Jhv3y/rP5rIQQSq5vj885X4dCpv6ELKfzuIEyePQas0pGWd9Mc1yp0ug49neiAoHGuKXfQvUk7+7Ab1wXYhzqeHflUdsYVnnG6WQKBwGFGUABHAzhitiH7Ce+KfMjAu7eu4IViqOaqimO9B1tYaN4zMntpDZXk+VqCMhivnizRNzPvwLMKJVDaD46o/p/ifB2W/fN8ztJ1n6sRD7HRL3+hRKjCmF8GGxNyyz0F2pLiPqaSsB3YrAvW2KBt1FfKODZN6VvpKgIs1sh8uSWKiQzi0lbp1YKUexw1t9NyZazE0BLY/hQuqmxyZU7EMQ59K/OwTcHiZlE9UUaHk++JXRfY7Y6DbT+bEnPZHScK4QKBwAL3phtciF3rvANathqhn87hHaqk/jJd0ZCcAwL4GAE65zkhm+NKJAumudSAGfA1ss0fYofG/Rl1/o/O/8BqnG2HiIjHaCcWUpcs4t0UiWGRGs3i35eokGhVwSYBuH7+CsaiW8ynS7/kDU7CoXzwTjeJGITJOa6QXHcA/yVcRLs2OohcmtieYVPtjuplrhcpIGleoYt8QCiSE/zhGTbdkzEsG2duwC1ZMd97C7knOp7QtRypOvnfHImzsALk0yDycQKBwHTKHFb0zNau7gMlNYqnuKnwxP4CpBQYwUzAcdajRqCdQSIwD6Avu5ZUWRCGgG305CoO2HCqCg/I/TkBvS4StkF2vnwxX1RqphXore12beuymPK0NysgRo/3w+W3a99uC7wVRy4NtaaaAARnK7s86K1rYospCH2RQ2K+h5OAM1Z5hp8T33qSoOnGdysquZcxn51IhhlMqkCAC64v9T2kL2RLc1bVF9pnvcOAbwJL3vFHMb2/mGS7pBKuXVubY43+Mg==',
    publicKeySpki:
      'MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEAqE+3eetv14ioFRnjDXvSrfZQT7TwnzJaPmOuQ1CplDiiRXDpQnuk4iwnC5Tb5VEMyyimGPEoWjA0o+/WVuVzZqvI6W+wRTSamw9wZroNZwNKT7so5FiEef5b+iwHmI9UIUei8F0/hT930I3mA+vS+BC88SncDsi7z68NXxZpVqJqua89uu0VekTZs9PgSdry3vZjZNCPZKRwul6HNf+JGJ7xHlQ/3+THLeo8chMigATiS9DLmMPYEg3sv0QHuAWYaQ2aIE4kJSRnuwysfA7CabTfyQtfYgb+IwkMoPWy/T8HsP8Is3QvE9iGGTFYQd0zjG/yqAnIe1wHsLv+bgJrJboHzGK8ls4455LYXX9hVMlHSr+BnWvo1BpkhYOmIUSedcnwqUaA9BBy+UNOqR1S2mZMXPVOOz5tuULHIvbwo/0hEv82su8Qy6IEuZvpU8NiUrK8e/jzyTPFYlRRU9jEnyCF81fgIb6GAvSBRVXJhNoZ4W9n+qg61v8Zppl1O7OLAgMBAAE=',
    plaintext: '696e64696369756d2073656c662d74657374207273612d6f6165702d736861323536207631',
    ciphertext:
      '3bcc87442d56f87d367a8c5bbc251def40358e3a6ef74e085ca771e936786b6c9956f3c31238b82080bd6ab339f78f6fbc76eaf3375a0a4399beccdd561b705711dd9778d74e3d2530680912c24574000bd07ea5cd6b56e6c790ec113fb4d3305a607bf874fcc04a7645faca082064c6bbd98378bd0eba09e728f3f2a932cff9e9c76ef7ec8e17c8429da737fb0c3fddc0b1d8c07f8d9e11b1340090cba56eeb1ad775d4e68095d075e15b4c9b72be81e884646da98917545e301d27d5b23a071d862e3f09b235cf5004b4b1cdb2373d54db3cb3f63a41072ce1f9f52153f60229cc6e1170ebdd1fd831be82fae11d024887baa258a6ea6656f74b83623d2385cd1d136e3adc3c3ed557dfc1876dd626bf9a14d200bf2d6460c53e1ab90fa8b6337eabb890d1bda43db3271af932d6553f8bfd007e82c6c7df9a8c9e436bca70e91b4df1ea74f26c3262e7d5b3d9b814e45788c96ac3f813344138c9bbf802997c914f5c3f9a3ae3a0c7a14f3cdcfecf7e152bd961f416cacef0f8a4442ea100',
  },
});
