import { randomUUID } from 'node:crypto';
import { errorBody, type Refusal } from '@strongroom/node-core';
import type { Response } from 'express';

/** The id of this answer: the one already set on it, or a new one (a client's X-Request-Id is never trusted). */
export function requestIdOf(res: Response): string {
  const existing = res.getHeader('x-request-id');
  if (typeof existing === 'string' && existing !== '') return existing;
  const id = randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** Answers `refused` in Strongroom's error shape. */
export function sendRefusal(res: Response, refused: Refusal): void {
  res
    .status(refused.status)
    .set(refused.headers)
    .json(errorBody(refused, requestIdOf(res)));
}
