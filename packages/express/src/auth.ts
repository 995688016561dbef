/**
 * `strongroomAuth(options)`: Express middleware that authenticates the request with a Strongroom access token
 * (see @strongroom/node-core's authenticator.ts for what is checked) and puts `{ userId, sessionId, roles }` on
 * `req.strongroom`; refusals are answered in Strongroom's error shape and the handler chain stops there. Use it
 * app-wide (`app.use`) or per route (`app.get('/admin', strongroomAuth({ …, roles: ['admin'] }), handler)`).
 */
import {
  type AuthResult,
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

export type StrongroomMiddleware = ((req: Request, res: Response, next: NextFunction) => void) & {
  /** Closes the kept-alive connections to Strongroom. */
  close(): void;
};

/** Puts the caller on the request and goes on, or answers the refusal (and the handler chain stops there). */
function finish(req: Request, res: Response, next: NextFunction, result: AuthResult): void {
  if (!result.ok) {
    sendRefusal(res, result.refusal);
    return;
  }
  req.strongroom = result.identity;
  // Usually set already by strongroomSafety (the request carried a credential): not set twice.
  if (res.getHeader('cache-control') !== 'no-store') res.setHeader('cache-control', 'no-store');
  next();
}

/** Creates the middleware; throws StrongroomOptionsError at once on invalid options. */
export function strongroomAuth(options: StrongroomAuthOptions): StrongroomMiddleware {
  const authenticator = createStrongroomAuthenticator(options);
  // Synchronous when the caches vouch for the token and its session (authenticateFast): next() is called at once,
  // without a Promise per request; otherwise once Strongroom has answered.
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const result = authenticator.authenticateFast({ url: req.originalUrl, headers: req.headers });
    if (result instanceof Promise) {
      // As an async middleware would: whatever throws goes to the error handlers.
      result.then((settled) => finish(req, res, next, settled)).catch(next);
      return;
    }
    finish(req, res, next, result);
  };
  return Object.assign(middleware, { close: () => authenticator.close() });
}
