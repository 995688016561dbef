import { describe, expect, it } from 'vitest';
import { isSensitiveKeyName, isSensitiveParamName } from './sensitive-names.js';

describe('isSensitiveKeyName', () => {
  it.each([
    'password',
    'Password',
    'PASSWD',
    'pwd',
    'new_password',
    'currentPassword',
    'password-hash',
    'token',
    'access_token',
    'refreshToken',
    'id_token',
    'secret',
    'client_secret',
    'api_key',
    'apiKey',
    'APIKey',
    'key',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'x-api-key',
    'ssn',
    'card_number',
    'cardNumber',
    'private_key',
    'masterKey',
    'accesstoken',
    'passwords',
    'userPassword',
    'db_password_2',
    'nextPageToken',
    'credentials',
  ])('hides %s', (name) => {
    expect(isSensitiveKeyName(name)).toBe(true);
  });

  it.each([
    'primaryKey',
    'sortKey',
    'keys_count',
    'username',
    'id',
    'className',
    'businessName',
    'passport',
    'cursor',
    'email',
    'status',
  ])('keeps %s', (name) => {
    expect(isSensitiveKeyName(name)).toBe(false);
  });
});

describe('isSensitiveParamName', () => {
  it.each([
    'password',
    'passwd',
    'pwd',
    'pass',
    'token',
    'access_token',
    'Access-Token',
    'refresh-token',
    'id_token',
    'auth',
    'authorization',
    'api_key',
    'apikey',
    'api-key',
    'key',
    'secret',
    'client_secret',
    'session',
    'sessionid',
    'session_id',
    'jwt',
    'bearer',
    'credential',
    'credentials',
    'ssn',
    'card',
    'card_number',
    'cc',
    'cvv',
    'pan',
    'private_key',
    'newPassword',
    'user[password]',
    'filter[token]',
    'x_api_key',
    'jwt_token',
  ])('refuses %s', (name) => {
    expect(isSensitiveParamName(name)).toBe(true);
  });

  it.each([
    'limit',
    'cursor',
    'page_token',
    'sort_key',
    'session_count',
    'q',
    'fields',
    'passport',
    'cardinality',
  ])('allows %s', (name) => {
    expect(isSensitiveParamName(name)).toBe(false);
  });
});
