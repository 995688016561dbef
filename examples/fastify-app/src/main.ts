/** Serves the customer API over HTTPS with the settings of the environment (settings.ts). */
import { createApp } from './app.js';
import { readSettings } from './settings.js';

const settings = readSettings();
const app = await createApp(settings);
await app.listen({ host: settings.host, port: settings.port });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close());
}
