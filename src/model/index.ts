export type { Actor } from './actor.js';
