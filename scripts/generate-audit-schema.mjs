/**
 * Writes docs/audit-event.schema.json, the published JSON Schema of one audit event, from the server's own
 * schema (src/http/audit-schemas.ts `publishedEventSchema`). test/audit/event-schema.test.ts fails while the two
 * differ. Run after `npm run build`: `node scripts/generate-audit-schema.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { publishedEventSchema } from '../dist/src/http/audit-schemas.js';

writeFileSync('docs/audit-event.schema.json', `${JSON.stringify(publishedEventSchema(), null, 2)}\n`);
