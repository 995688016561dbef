/** The Express customer API, served over TLS by node:https, against a real Strongroom (customer-api-suite.ts). */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describeCustomerApi } from '../../../test/examples/customer-api-suite.js';
import { createApp } from '../src/app.js';
import { CUSTOMER_FIELDS } from '../src/customer-vault.js';

describeCustomerApi('Express', CUSTOMER_FIELDS, async (options) => {
  const api = createApp(options);
  const server = https.createServer(options.tls, api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
});
