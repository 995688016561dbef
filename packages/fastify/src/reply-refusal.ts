import { errorBody, type Refusal } from '@strongroom/node-core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Answers `refused` in Strongroom's error shape, with the request's id. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refused: Refusal): FastifyReply {
  return reply
    .code(refused.status)
    .headers(refused.headers)
    .type('application/json')
    .send(errorBody(refused, request.id));
}
