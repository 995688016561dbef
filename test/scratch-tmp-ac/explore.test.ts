import { it } from 'vitest';
import { createTestApp } from '../helpers/test-app.js';
it('explore', async () => {
  const t = await createTestApp();
  console.log(t.app.printRoutes({ commonPrefix: false, includeMeta: ['config'] }));
  for (const m of ['HEAD', 'GET'] as const) {
    const a = await t.app.inject({ method: m, url: '/v1/users' });
    console.log(m, a.statusCode, a.body, a.headers);
  }
  const a = await t.app.inject({ method: 'OPTIONS', url: '/v1/users' });
  console.log(a.statusCode, a.body);
  await t.close();
});
