export { analyzePolicy, mayMatchField, type PolicyAnalysis, type RuleFinding } from './analyze-policy.js';
export { compilePolicy, type Policy, type PolicyRule } from './compile-policy.js';
export { decide } from './decide.js';
export { type DecisionCondition, decisionCondition } from './decision-condition.js';
export { DEFAULT_PURPOSES, defaultPolicyDocument } from './default-policy.js';
export { denyingRule } from './denying-rule.js';
export {
  ACTIONS,
  type Action,
  DENY_REASONS,
  type DecideContext,
  type Decision,
  type DenyReason,
  POLICY_LIMITS,
  type PolicyActor,
  type PolicyResource,
  REDACTIONS,
  REVEALING_ACTIONS,
  type Redaction,
  type RuleRef,
  type Scalar,
} from './policy-types.js';
export { resourcePaths } from './resource-paths.js';
export {
  ALWAYS,
  allOf,
  anyOf,
  attributeEquals,
  evaluateRowCondition,
  NEVER,
  not,
  type RowCondition,
} from './row-condition.js';
