/** Serves the customer API over HTTPS with the settings of the environment (settings.ts). */
import https from 'node:https';
import { createApp } from './app.js';
import { readSettings } from './settings.js';

const settings = readSettings();
const api = createApp(settings);
const server = https.createServer(settings.tls, api.app);
server.listen(settings.port, settings.host, () => {
  process.stdout.write(`customer API on https://${settings.host}:${settings.port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void api.close();
  });
}
