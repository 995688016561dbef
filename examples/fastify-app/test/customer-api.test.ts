/** The Fastify customer API, served over TLS, against a real Strongroom (customer-api-suite.ts). */
import type { AddressInfo } from 'node:net';
import { describeCustomerApi } from '../../../test/examples/customer-api-suite.js';
import { createApp } from '../src/app.js';
import { CUSTOMER_FIELDS } from '../src/customer-vault.js';

describeCustomerApi('Fastify', CUSTOMER_FIELDS, async (options) => {
  const app = await createApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    port: (app.server.address() as AddressInfo).port,
    close: () => app.close(),
  };
});
