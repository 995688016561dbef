/**
 * `strongroomSafety(options?)`: Express middleware applying Strongroom's transport and URL practices (see
 * @strongroom/node-core's safety.ts): 426 for plain HTTP (proxy-aware through its own `trustProxy`, independent of
 * Express's `trust proxy` setting), 400 for secrets in URLs, HSTS, nosniff, no referrer, `Cache-Control: no-store`
 * on answers to requests with credentials, no `X-Powered-By`. Mount it first.
 */
import type { TLSSocket } from 'node:tls';
import { carriesCredential, createSafety, type SafetyOptions } from '@strongroom/node-core';
import type { NextFunction, Request, Response } from 'express';
import { sendRefusal } from './send-refusal.js';

/** Creates the middleware; throws StrongroomOptionsError at once on an invalid `trustProxy`. */
export function strongroomSafety(options: SafetyOptions = {}) {
  const safety = createSafety(options);
  // The two header sets as flat [name, value, …] lists, built once: Object.entries on every request is a measurable share of a route.
  const plain = Object.entries(safety.headersFor(false)).flat();
  const withCredential = Object.entries(safety.headersFor(true)).flat();
  return (req: Request, res: Response, next: NextFunction): void => {
    const socket = req.socket as Partial<TLSSocket>;
    res.removeHeader('x-powered-by');
    const headers = carriesCredential(req.headers) ? withCredential : plain;
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i] as string, headers[i + 1] as string);
    const refused = safety.check({
      url: req.originalUrl,
      headers: req.headers,
      encrypted: socket.encrypted === true,
      remoteAddress: socket.remoteAddress,
    });
    if (refused !== null) {
      sendRefusal(res, refused);
      return;
    }
    next();
  };
}
