/**
 * How long the HTTPS server waits for a client, one constant per timeout, as README.md ("Limits on the wire")
 * documents them. Constants, not settings: Node's and Fastify's defaults (no limit on receiving a request, 72 s of
 * keep-alive idling) let a client that trickles its request hold a connection forever, and keep idle connections
 * open longer than documented.
 */

/** A whole request, headers included, must arrive within this, or it is answered 408 REQUEST_TIMEOUT. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A socket that moves no byte for this long is destroyed; between the requests of a kept-alive connection the
 * keep-alive timeout below applies instead.
 */
export const SOCKET_IDLE_TIMEOUT_MS = 60_000;

/**
 * A kept-alive connection that carries no new request for this long after its last answer is closed, and each
 * answer says so (`Keep-Alive: timeout=60`). Node closes the socket one second after this (a fixed buffer), so a
 * client that honours the header never sends a request on a connection the server is closing.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000;
