/**
 * `strongroomAuth(options)`: Express middleware that authenticates the request with a Strongroom access token
 * (see @strongroom/node-core's authenticator.ts for what is checked) and puts `{ userId, sessionId, roles }` on
 * `req.strongroom`; refusals are answered in Strongroom's error shape and the handler chain stops there. Use it
 * app-wide (`app.use`) or per route (`app.get('/admin', strongroomAuth({ …, roles: ['admin'] }), handler)`).
 */
import {
  createStrongroomAuthenticator,
  type StrongroomAuthOptions,
  type StrongroomIdentity,
} from '@strongroom/node-core';
import type { NextFunction, Request, Response } from 'express';
import { sendRefusal } from './send-refusal.js';

declare global {
  namespace Express {
    interface Request {
      /** The caller, set by `strongroomAuth`; absent on routes without it. */
      strongroom?: StrongroomIdentity;
    }
  }
}

export type StrongroomMiddleware = ((req: Request, res: Response, next: NextFunction) => Promise<void>) & {
  /** Closes the kept-alive connections to Strongroom. */
  close(): void;
};

/** Creates the middleware; throws StrongroomOptionsError at once on invalid options. */
export function strongroomAuth(options: StrongroomAuthOptions): StrongroomMiddleware {
  const authenticator = createStrongroomAuthenticator(options);
  const middleware = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const result = await authenticator.authenticate({ url: req.originalUrl, headers: req.headers });
    if (!result.ok) {
      sendRefusal(res, result.refusal);
      return;
    }
    req.strongroom = result.identity;
    res.setHeader('cache-control', 'no-store');
    next();
  };
  return Object.assign(middleware, { close: () => authenticator.close() });
}
