export {
  type DevCertificateFiles,
  type DevCertificateOptions,
  ensureDevCertificates,
  RENEW_BEFORE_DAYS,
} from './dev-certificates.js';
export { isDevelopmentCertificate, isInsideDirectory, realPathOf } from './development-certificate.js';
export { DEFAULT_DEV_HOSTS } from './san-hosts.js';
export { createTlsServerOptions, loadTlsFiles, type TlsFiles } from './server-options.js';
