/**
 * Bad input from the user: an unknown design, property, bug or parameter, a
 * value out of range, a malformed or mismatched trace file. The CLI prints
 * its message on one line and exits 2, with no stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
