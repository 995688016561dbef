/** `strongroom check`: framework-free checks (deployments, logs, OpenAPI, live HTTPS URLs), their finding model and report formats. */
export { CheckInputError, isCheckInputError } from './check-error.js';
export { createFindingCollector, DEFAULT_FINDING_LIMIT } from './collector.js';
export {
  type CheckDeploymentOptions,
  checkDeployment,
  type DataDirSettings,
  DEPLOYMENT_RULE_LIST,
  DEPLOYMENT_RULES,
  type ServerTarget,
  type VerifiedMark,
} from './deployment/index.js';
export type { CheckReport, CheckRule, Finding, FindingLocation, Severity } from './finding.js';
export { SEVERITIES } from './finding.js';
export { FORMATS, formatReport, isReportFormat, type ReportFormat } from './format.js';
export { type CheckLogsOptions, checkLogs } from './logs/check-logs.js';
export { DEFAULT_SEGMENTS, type SegmentOptions } from './logs/line-segments.js';
export { LOG_RULE_LIST, LOG_RULES } from './logs/log-rules.js';
export { checkOpenApi, runOpenApiRules } from './openapi/check-openapi.js';
export { DEFAULT_MAX_SPEC_BYTES } from './openapi/load-spec.js';
export { OPENAPI_RULE_LIST, OPENAPI_RULES } from './openapi/openapi-rules.js';
export { toSarif } from './sarif.js';
export { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, exitCodeFor, isSeverity, severityRank } from './severity.js';
export { type CheckUrlOptions, checkUrl, DEFAULT_EXPIRY_DAYS, DEFAULT_HTTP_PORT } from './url/check-url.js';
export { URL_RULE_LIST, URL_RULES } from './url/url-rules.js';
