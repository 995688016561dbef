/** The rules of `strongroom check logs`: one per kind of secret or personal data; docs/checks.md explains each. */
import type { CheckRule, Severity } from '../finding.js';

const rule = (id: string, severity: Severity, title: string, help: string): CheckRule =>
  Object.freeze({ id: `logs/${id}`, severity, title, help });

export const LOG_RULES = Object.freeze({
  strongroomToken: rule(
    'strongroom-token',
    'high',
    'Strongroom API key or refresh token (checksum valid)',
    'Revoke the key or token, then stop the code path that logged it.',
  ),
  keyShare: rule(
    'strongroom-key-share',
    'high',
    'Strongroom unseal key share',
    'Re-key the sealed keyring (operator init/migrate) and purge the log.',
  ),
  privateKey: rule('private-key', 'high', 'PEM private key', 'Replace the key pair and purge the log.'),
  jwt: rule('jwt', 'high', 'JSON Web Token', 'Revoke the session or wait out its expiry; stop logging it.'),
  bearer: rule('bearer-credential', 'high', 'Bearer credential', 'Revoke it; log requests without headers.'),
  basic: rule('basic-credential', 'high', 'HTTP Basic credentials', 'Change the password; drop the header.'),
  awsAccessKey: rule('aws-access-key', 'high', 'AWS access key id', 'Deactivate the key in IAM and rotate.'),
  awsSecretKey: rule('aws-secret-key', 'high', 'AWS secret access key', 'Deactivate the key pair in IAM.'),
  githubToken: rule('github-token', 'high', 'GitHub token', 'Revoke the token in GitHub settings.'),
  slackToken: rule('slack-token', 'high', 'Slack token', 'Revoke the token in the Slack app settings.'),
  slackWebhook: rule('slack-webhook', 'medium', 'Slack incoming webhook URL', 'Regenerate the webhook.'),
  stripeKey: rule('stripe-key', 'high', 'Stripe secret or restricted key', 'Roll the key in the dashboard.'),
  googleApiKey: rule('google-api-key', 'high', 'Google API key', 'Delete or restrict the key in GCP.'),
  npmToken: rule('npm-token', 'high', 'npm access token', 'Revoke the token (npm token revoke).'),
  sendgridKey: rule('sendgrid-key', 'high', 'SendGrid API key', 'Delete the key in SendGrid settings.'),
  aiApiKey: rule(
    'ai-api-key',
    'high',
    'OpenAI or Anthropic API key',
    "Revoke the key in the provider's console.",
  ),
  urlCredentials: rule(
    'url-credentials',
    'high',
    'Password in a URL (scheme://user:password@host)',
    'Change the password; pass credentials outside the URL.',
  ),
  passwordPair: rule(
    'password-pair',
    'high',
    'Value of a password-, secret- or token-named field',
    'Change the credential; redact fields by name before logging.',
  ),
  cardNumber: rule('card-number', 'high', 'Payment card number (Luhn valid)', 'Purge the log (PCI DSS 3.3).'),
  ssn: rule('ssn', 'high', 'US Social Security number', 'Purge the log; log a record id instead.'),
  iban: rule('iban', 'medium', 'IBAN (mod-97 valid)', 'Purge or redact the log; log an account id instead.'),
  email: rule('email', 'low', 'E-mail address', 'Log a user id instead, or redact addresses.'),
});

export type LogRuleKey = keyof typeof LOG_RULES;

/** Every rule, in the order docs/checks.md lists them. */
export const LOG_RULE_LIST: readonly CheckRule[] = Object.freeze(Object.values(LOG_RULES));
