import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSignedPart, PACKAGE_MAC_LENGTH } from './package-codec.js';
import { PackageBodyLayout, PackageHeaderLayout, PackageUserLayout } from './package-layouts.js';
import { patchSealed, rememberSealed } from './package-patch.js';
import type { PsdPackage, PsdUser } from './psd-package.js';

/** The patched bytes against the full encoder (the reference), on random packages and changes. */
const uint = fc.oneof(fc.nat(), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(2 ** 32));
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const text = fc.string({ maxLength: 12 });

const user: fc.Arbitrary<PsdUser> = fc.record({
  userId: fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/),
  role: fc.constantFrom('customer-admin', 'user'),
  privileges: fc.subarray(['create-indicia', 'reset-password', 'status', 'read-public-key'] as const),
  maximumTotalMills: fc.option(uint, { nil: null }),
  totalMills: uint,
  expiresAt: fc.option(uint, { nil: null }),
  registered: fc.boolean(),
  challenge: fc.option(bytes(32, 32), { nil: null }),
  challengeIssuedAt: uint,
  lastClientChallenge: fc.option(bytes(32, 32), { nil: null }),
  toldAscending: uint,
  toldDescending: uint,
  passphraseFailures: uint,
  locked: fc.boolean(),
});

const psdPackage: fc.Arbitrary<PsdPackage> = fc.record({
  meterId: fc.constantFrom('00042-00001-0000001001', '00042-00001-0000001002'),
  packageVersion: uint,
  mksVersion: uint,
  state: fc.constantFrom('raw', 'unleased', 'assigned', 'leased', 'pwreset', 'withdrawn'),
  indiciumKeyToken: bytes(1, 80),
  publicKey: bytes(1, 91),
  keyCreatedAt: uint,
  keyExpiresAt: fc.option(uint, { nil: null }),
  certificateSerial: fc.option(uint, { nil: null }),
  customerId: fc.option(text, { nil: null }),
  licensingZip: fc.option(fc.constantFrom('94107', '10001-1234'), { nil: null }),
  maximumDescendingRegister: fc.option(uint, { nil: null }),
  ascendingRegister: uint,
  descendingRegister: uint,
  pieceCount: uint,
  createdAt: uint,
  lastTransactionAt: uint,
  lastTransaction: fc.constantFrom('create-indicium', 'create-correction-indicium', 'value-download'),
  secretsKeyToken: bytes(1, 80),
  secretsVersion: uint,
  userSecrets: fc.option(bytes(1, 200), { nil: null }),
  users: fc.array(user, { maxLength: 4 }),
  registrationChallenge: fc.option(bytes(32, 32), { nil: null }),
  registrationChallengeExpiresAt: fc.option(uint, { nil: null }),
  resetUserId: fc.option(text, { nil: null }),
  providerNonces: fc.array(bytes(16, 16), { maxLength: 3 }),
  lastProviderIssuedAt: uint,
});

function sealed(pkg: PsdPackage): Buffer {
  const bytes = encodeSignedPart(pkg, PACKAGE_MAC_LENGTH);
  bytes.fill(0, bytes.length - PACKAGE_MAC_LENGTH);
  rememberSealed(pkg, bytes);
  return bytes;
}

/** What the full encoder makes of `pkg` (the MAC room zeroed), or its refusal. */
function reference(pkg: PsdPackage): Buffer | { code: string } {
  try {
    const bytes = encodeSignedPart(pkg, PACKAGE_MAC_LENGTH);
    return bytes.fill(0, bytes.length - PACKAGE_MAC_LENGTH);
  } catch (error) {
    return { code: (error as { code: string }).code };
  }
}

function patched(base: PsdPackage, next: PsdPackage): Buffer | null {
  const bytes = patchSealed(base, next);
  return bytes === null ? null : bytes.fill(0, bytes.length - PACKAGE_MAC_LENGTH);
}

/** A Create Indicium's change: the fixed-size fields of the package and of one user. */
const steadyChange = fc.record({
  ar: uint,
  dr: uint,
  pieces: uint,
  at: uint,
  total: uint,
  cm: bytes(32, 32),
  told: fc.tuple(uint, uint),
  pick: fc.nat(),
});

/** Any field of the header, the body or a user, set to any value (of its type or not). */
const anyValue = fc.oneof(
  uint,
  fc.integer({ min: -5, max: -1 }),
  fc.constant(1.5),
  bytes(0, 40),
  text,
  fc.boolean(),
  fc.constant(null),
  fc.array(bytes(16, 16), { maxLength: 2 }),
);
const bodyNames = [...Object.keys(PackageHeaderLayout.fields), ...Object.keys(PackageBodyLayout.fields)];
const userNames = Object.keys(PackageUserLayout.fields);

describe('patchSealed (the steady-state package fast path)', () => {
  it("patches a Create Indicium's change to exactly the full encoding", () => {
    fc.assert(
      fc.property(
        psdPackage.filter((p) => p.users.length > 0),
        steadyChange,
        (base, c) => {
          sealed(base);
          const index = c.pick % base.users.length;
          const u = base.users[index] as PsdUser;
          const next: PsdPackage = {
            ...base,
            packageVersion: base.packageVersion + 1,
            ascendingRegister: c.ar,
            descendingRegister: c.dr,
            pieceCount: c.pieces,
            lastTransactionAt: c.at,
            users: base.users.map((v, i) =>
              i === index
                ? {
                    ...u,
                    totalMills: c.total,
                    challenge: u.challenge === null ? null : c.cm,
                    challengeIssuedAt: c.at,
                    toldAscending: c.told[0],
                    toldDescending: c.told[1],
                  }
                : v,
            ),
          };
          fc.pre(Number.isSafeInteger(next.packageVersion));
          const fast = patched(base, next);
          expect(fast).not.toBeNull();
          expect(fast).toEqual(reference(next));
          // And again from the patched bytes: the next command patches what this one sealed.
          rememberSealed(next, patchSealed(base, next) as Buffer, base);
          const again = { ...next, packageVersion: next.packageVersion + 1, pieceCount: c.ar };
          fc.pre(Number.isSafeInteger(again.packageVersion));
          expect(patched(next, again)).toEqual(reference(again));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never differs from the full encoder for any change of any field: the same bytes, or no patch', () => {
    const change = fc.record({
      where: fc.constantFrom('package', 'user'),
      body: fc.constantFrom(...bodyNames),
      userField: fc.constantFrom(...userNames),
      value: anyValue,
      pick: fc.nat(),
    });
    let patches = 0;
    fc.assert(
      fc.property(psdPackage, fc.array(change, { minLength: 1, maxLength: 3 }), (base, changes) => {
        sealed(base);
        let next: PsdPackage = { ...base };
        for (const c of changes) {
          if (c.where === 'user' && Array.isArray(next.users) && next.users.length > 0) {
            const index = c.pick % next.users.length;
            next = {
              ...next,
              users: next.users.map((u, i) =>
                i === index ? ({ ...u, [c.userField]: c.value } as PsdUser) : u,
              ),
            };
          } else next = { ...next, [c.body]: c.value } as PsdPackage;
        }
        const expected = reference(next);
        const fast = patched(base, next);
        if (fast !== null) {
          patches++;
          expect(fast).toEqual(expected);
        }
        // A change the encoder refuses is never patched: the full path throws its refusal.
        if (!Buffer.isBuffer(expected)) expect(fast).toBeNull();
      }),
      { numRuns: 1000 },
    );
    // Both outcomes were exercised: some changes patched, the others left to the full encoder.
    expect(patches).toBeGreaterThan(10);
    expect(patches).toBeLessThan(900);
  });

  it('patches nothing for a package it did not seal, or a change of the user list', () => {
    fc.assert(
      fc.property(psdPackage, user, (base, extra) => {
        expect(patchSealed(base, { ...base, pieceCount: 1 })).toBeNull();
        sealed(base);
        expect(patchSealed(base, { ...base, users: [...base.users, extra] })).toBeNull();
        // A copy of the package object is not the one sealed.
        expect(patchSealed({ ...base }, { ...base, pieceCount: 1 })).toBeNull();
        // After a full encoding (another layout), the next patch works from the new bytes.
        const grown = { ...base, users: [...base.users, extra] };
        sealed(grown);
        const next = { ...grown, pieceCount: 7 };
        expect(patched(grown, next)).toEqual(reference(next));
      }),
      { numRuns: 100 },
    );
  });
});
