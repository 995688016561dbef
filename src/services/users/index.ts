export { convertClearSubjects } from './legacy-subjects.js';
export { type PublicUser, toPublicUser } from './public-user.js';
export { administratorsRemain } from './user-managers.js';
export {
  type ChangeContext,
  type ChangeOptions,
  createUserService,
  DEFAULT_ROLE,
  type UserService,
} from './user-service.js';
export { createUserSubjects, type UserSubjects } from './user-subject.js';
