/**
 * What the example customer APIs need from a real Strongroom over TLS (test/packages/strongroom-fixture.ts): the
 * introspector's API key, a `customers` collection created by an administrator, and the API key of the service
 * account that stores the customers (the default policy's `user` role), plus a client of that same account for
 * checks the API does not offer (detokenizing).
 */
import { createClient, type operations, type StrongroomClient, unwrap } from '@strongroom/client';
import { createUser } from '../helpers/test-app.js';
import { type StrongroomFixture, startStrongroom } from '../packages/strongroom-fixture.js';

export interface CustomerVaultFixture {
  readonly strongroom: StrongroomFixture;
  readonly collection: string;
  readonly vaultApiKey: string;
  /** A client acting as the customer API's service account. */
  readonly vault: StrongroomClient;
  close(): Promise<void>;
}

type CollectionFields =
  operations['createCollection']['requestBody']['content']['application/json']['fields'];

async function loggedInClient(strongroom: StrongroomFixture, roles: string[]): Promise<StrongroomClient> {
  const user = await createUser(strongroom.t, roles);
  const client = createClient({ baseUrl: strongroom.url, ca: strongroom.ca });
  await client.login({ username: user.username, password: user.password });
  return client;
}

export async function startCustomerVault(fields: Readonly<CollectionFields>): Promise<CustomerVaultFixture> {
  const strongroom = await startStrongroom();
  const collection = 'customers';
  const admin = await loggedInClient(strongroom, ['admin']);
  unwrap(
    await admin.POST('/v1/collections', {
      body: { name: collection, fields: [...fields] },
    }),
  );
  await admin.logout();
  await admin.close();

  const account = await loggedInClient(strongroom, ['user']);
  const key = unwrap(await account.POST('/v1/api-keys', { body: { name: 'customer-api', roles: ['user'] } }));
  await account.logout();
  await account.close();
  const vault = createClient({ baseUrl: strongroom.url, ca: strongroom.ca, apiKey: key.key });
  return {
    strongroom,
    collection,
    vaultApiKey: key.key,
    vault,
    async close() {
      await vault.close();
      await strongroom.close();
    },
  };
}
