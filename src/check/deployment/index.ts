export {
  type AuditChainOutcome,
  type AuditChainSource,
  type CheckpointExport,
  type SigningKeyPin,
  type VerifiedMark,
  verifyAuditChain,
} from './audit-chain.js';
export {
  type CheckDeploymentOptions,
  checkDeployment,
  POSTURE_PATH,
  type ServerTarget,
} from './check-deployment.js';
export { type DataDirSettings, DEVELOPMENT_KEY_FILE, INITIAL_PASSWORD_FILE } from './data-dir.js';
export { DEPLOYMENT_RULE_LIST, DEPLOYMENT_RULES } from './deployment-rules.js';
