/** A check that cannot run (missing file, bad URL, unparsable spec): the CLI prints the message and exits 2. */
export class CheckInputError extends Error {
  override readonly name = 'CheckInputError';
}

export function isCheckInputError(error: unknown): error is CheckInputError {
  return error instanceof CheckInputError;
}
