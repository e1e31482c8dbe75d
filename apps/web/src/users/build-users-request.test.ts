import { IndiciumError, PAGE_CALLS } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import {
  deleteUserRequest,
  listUsersRequest,
  type UserForm,
  userChangeRequest,
} from './build-users-request.js';

const admin = { meterId: '00042-00001-0000001001', userId: 'ada' };
const form: UserForm = {
  targetUserId: ' grace ',
  privileges: ['create-indicia', 'status', 'create-indicia'],
  maximumTotal: '$50.25',
  expiresOn: '2027-06-30',
};

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('the users page call from the form (DESIGN §3.3)', () => {
  it('lists with every profile field neutral, as the module requires of list', () => {
    const request = listUsersRequest(admin);
    expect(request).toEqual({
      ...admin,
      action: 'list',
      targetUserId: null,
      role: null,
      privileges: [],
      maximumTotalMills: null,
      expiresAt: null,
      reregister: false,
    });
    expect(PAGE_CALLS.users.request.safeParse(request).success).toBe(true);
  });

  it('adds a colleague: trimmed id, privileges once each, the maximum in mills, access to the end of the day', () => {
    const request = userChangeRequest(admin, 'add', form);
    expect(request).toEqual({
      ...admin,
      action: 'add',
      targetUserId: 'grace',
      role: 'user',
      privileges: ['create-indicia', 'status'],
      maximumTotalMills: 50_250,
      expiresAt: '2027-06-30T23:59:59.000Z',
      reregister: false,
    });
    expect(PAGE_CALLS.users.request.safeParse(request).success).toBe(true);
  });

  it('modifies with no limit and no expiry when those are empty; a $0 maximum stays 0', () => {
    expect(userChangeRequest(admin, 'modify', { ...form, maximumTotal: ' ', expiresOn: '' })).toMatchObject({
      action: 'modify',
      maximumTotalMills: null,
      expiresAt: null,
    });
    expect(userChangeRequest(admin, 'modify', { ...form, maximumTotal: '0.00' }).maximumTotalMills).toBe(0);
  });

  it('deletes by id only', () => {
    expect(deleteUserRequest(admin, 'grace')).toEqual({
      ...listUsersRequest(admin),
      action: 'delete',
      targetUserId: 'grace',
    });
  });

  it('refuses what the page can already tell is wrong, naming the field: INVALID_INPUT', () => {
    for (const targetUserId of ['', 'Grace', '-grace', 'a b']) {
      const error = refusal(() => userChangeRequest(admin, 'add', { ...form, targetUserId }));
      expect([error.code, error.field]).toEqual(['INVALID_INPUT', 'targetUserId']);
    }
    expect(refusal(() => deleteUserRequest(admin, 'x y')).field).toBe('targetUserId');
    for (const maximumTotal of ['ten', '-5', '1.2345']) {
      const error = refusal(() => userChangeRequest(admin, 'add', { ...form, maximumTotal }));
      expect([error.code, error.field]).toEqual(['INVALID_INPUT', 'maximumTotal']);
    }
    for (const expiresOn of ['2027-02-30', '30/06/2027', '2027-6-30']) {
      const error = refusal(() => userChangeRequest(admin, 'add', { ...form, expiresOn }));
      expect([error.code, error.field]).toEqual(['INVALID_INPUT', 'expiresOn']);
    }
  });
});
