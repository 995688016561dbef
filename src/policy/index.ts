export { compilePolicy, type Policy, type PolicyRule } from './compile-policy.js';
export { decide } from './decide.js';
export {
  ACTIONS,
  type Action,
  type DecideContext,
  type Decision,
  type DenyReason,
  type PolicyActor,
  type PolicyResource,
  REDACTIONS,
  REVEALING_ACTIONS,
  type Redaction,
  type Scalar,
} from './policy-types.js';
