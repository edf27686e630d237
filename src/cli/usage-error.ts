/** A command line Sleeve cannot act on: the message says what to type instead. Exit code 2. */
export class UsageError extends Error {}
